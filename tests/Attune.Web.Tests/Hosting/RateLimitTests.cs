using System.Net;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>
    /// Issue 22, several nodes: with the counts in the database, a caller who spreads requests over two nodes meets one
    /// limit, not one per node; each window starts again at its turn; the callers are kept only as hashes, and counts of
    /// windows an hour old are deleted.
    /// </summary>
    [Theory, AllDatabases]
    public async Task Limits_counted_in_the_database_hold_across_nodes(string provider)
    {
        var settings = new Dictionary<string, string>
        {
            ["RateLimits:Store"] = "database", ["RateLimits:ClientLinksPerMinute"] = "4", ["RateLimits:SignInPerMinute"] = "2",
        };
        await using var one = await AttuneFactory.StartAsync(provider, settings);
        await using var two = one.StartAnotherInstance();
        var ct = TestContext.Current.CancellationToken;
        var a = StaffClient.Anonymous(one);
        var b = StaffClient.Anonymous(two);
        async Task<HttpStatusCode> Link(HttpClient client) => (await client.GetAsync($"/c/guess-{Guid.NewGuid():N}", ct)).StatusCode;

        // Four guesses, two on each node, use the limit up; the fifth is refused on either.
        var codes = new List<HttpStatusCode> { await Link(a), await Link(b), await Link(a), await Link(b), await Link(a), await Link(b) };
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 4), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);

        // Sign-in attempts have a count of their own, shared the same way.
        // (Each browser signs in with the form its own node gave it: the form's anti-forgery token goes with its cookie.)
        var forms = new Dictionary<HttpClient, string> { [a] = await a.GetStringAsync("/login", ct), [b] = await b.GetStringAsync("/login", ct) };
        async Task<HttpStatusCode> Attempt(HttpClient client, int i) =>
            (await new StaffClient(client).PostFormFromHtmlAsync("/login", forms[client], "login", new() { ["Input.Email"] = Demo.ClinicianEmail, ["Input.Password"] = $"guess-{i}-wrong" })).StatusCode;
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            [await Attempt(b, 0), await Attempt(a, 1), await Attempt(b, 2), await Attempt(a, 3)]);

        // The next minute is a new window, on both nodes.
        one.Clock.Advance(TimeSpan.FromSeconds(61));
        two.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], [await Link(b), await Link(a)]);

        await using (var db = one.CreateDbContext())
        {
            var rows = await db.RateLimitCounts.AsNoTracking().ToListAsync(ct);
            Assert.Equal(2, rows.Count); // client links and sign-in, from the one caller
            Assert.All(rows, r => Assert.Matches("^[0-9a-f]{64}$", r.Key));
            Assert.Contains(rows, r => r.Count == 2); // this window's two guesses
        }

        // Two hours on, the first request of the store's next purge deletes the counts of windows over an hour old.
        one.Clock.Advance(TimeSpan.FromHours(2));
        two.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.BadRequest, await Link(a));
        await using (var db = one.CreateDbContext())
        {
            var row = Assert.Single(await db.RateLimitCounts.AsNoTracking().ToListAsync(ct));
            Assert.Equal(1, row.Count);
            Assert.Equal(one.Clock.GetUtcNow().ToUnixTimeSeconds() / 60 * 60, row.WindowStart);
        }
    }
}
