using System.Net;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.Hosting;

public class RateLimitTests
{
    [Theory]
    [MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task Client_links_and_sign_in_are_rate_limited(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string>
        {
            ["RateLimits:ClientLinksPerMinute"] = "5", ["RateLimits:SignInPerMinute"] = "3",
        });
        var ct = TestContext.Current.CancellationToken;
        var client = StaffClient.Anonymous(app);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            codes.Add((await client.GetAsync($"/c/guess-{i}", ct)).StatusCode);
        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);

        var logins = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            logins.Add((await client.GetAsync("/login", ct)).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], logins);
        // Other pages are not limited by this.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", ct)).StatusCode);
    }
}
