using System.Net;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.Hosting;

public class RateLimitTests
{
    [Theory, AllDatabases]
    public async Task Client_links_and_sign_in_are_rate_limited(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string>
        {
            ["RateLimits:ClientLinksPerMinute"] = "5", ["RateLimits:SignInPerMinute"] = "3", ["RateLimits:TokenRequestsPerMinute"] = "4",
        });
        var ct = TestContext.Current.CancellationToken;
        var client = StaffClient.Anonymous(app);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            codes.Add((await client.GetAsync($"/c/guess-{i}", ct)).StatusCode);
        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);

        // Sign-in attempts are limited; showing the form is not.
        var staff = new StaffClient(client);
        var form = await client.GetStringAsync("/login", ct);
        var logins = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            logins.Add((await staff.PostFormFromHtmlAsync("/login", form, "login", new() { ["Input.Email"] = Demo.ClinicianEmail, ["Input.Password"] = $"guess-{i}-wrong" })).StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], logins);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login", ct)).StatusCode);
        var code = await client.PostAsync("/login/code", new FormUrlEncodedContent([new("Input.Code", "123456")]), ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, code.StatusCode);
        // Guessing a system's client secret: OpenIddict rejects the credentials during authentication, so the limit must
        // come first, or every wrong guess is a 401 and none a 429.
        var registered = await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, Attune.Web.Features.Integrations.ApiScopes.AllFhirRead);
        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            guesses.Add((await ApiSystem.TokenResponseAsync(client, registered.Client.ClientId, $"wrong-secret-{i}")).StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], guesses);
        // The right secret from the same address waits too: the limit is per address, not per guess.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ApiSystem.TokenResponseAsync(client, registered.Client.ClientId, registered.Secret)).StatusCode);
        // Other pages are not limited by this.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", ct)).StatusCode);
    }

    /// <summary>Guesses at one system's secret from many addresses meet the per-system limit; another system is not held up.</summary>
    [Fact]
    public async Task Token_requests_are_limited_per_system_whatever_the_address()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite", new Dictionary<string, string>
        {
            ["RateLimits:TokenRequestsPerMinute"] = "1000", ["RateLimits:TokenRequestsPerClientPerMinute"] = "3",
        });
        var client = StaffClient.Anonymous(app);
        var target = await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, Attune.Web.Features.Integrations.ApiScopes.AllFhirRead);
        var other = await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, Attune.Web.Features.Integrations.ApiScopes.AllFhirRead);
        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            guesses.Add((await ApiSystem.TokenResponseAsync(client, target.Client.ClientId, $"wrong-secret-{i}")).StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], guesses);
        Assert.Equal(HttpStatusCode.OK, (await ApiSystem.TokenResponseAsync(client, other.Client.ClientId, other.Secret)).StatusCode);
    }
}
