using System.Net;
using Attune.Web.Features.Integrations;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Hosting;

public class HostingTests
{
    [Theory, AllDatabases]
    public async Task Health_answers_without_signing_in(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var response = await StaffClient.Anonymous(app).GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// Issue 22, several nodes on one database: `attune migrate` runs once, and nodes started with
    /// Database:MigrateOnStart=false refuse a database that lacks their migrations rather than serve it; once migrated,
    /// a node is live and ready (the load balancer's two questions).
    /// </summary>
    [Fact]
    public async Task A_node_that_does_not_migrate_refuses_an_unmigrated_database_and_is_ready_once_migrate_has_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("attune-nodes-").FullName;
        var connection = $"Data Source={Path.Combine(dir, "attune.db")}";
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Attune"] = connection, ["Database:MigrateOnStart"] = "false", ["Demo:Seed"] = "false" };
        try
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => AttuneFactory.StartAsync("sqlite", settings));
            Assert.Contains("run `attune migrate` once", Flatten(refused));

            var migrate = await CommandLine.RunAsync("migrate", $"--ConnectionStrings:Attune={connection}");
            Assert.Equal(0, migrate.Exit);
            await using var app = await AttuneFactory.StartAsync("sqlite", settings);
            var http = StaffClient.Anonymous(app);
            foreach (var path in new[] { "/health/live", "/health/ready", "/health" })
            {
                var response = await http.GetAsync(path, ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(ct));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }

        static string Flatten(Exception e) => e is AggregateException a ? string.Join(" ", a.InnerExceptions.Select(Flatten)) : e.Message + (e.InnerException is { } inner ? " " + Flatten(inner) : "");
    }

    [Theory, AllDatabases]
    public async Task Pages_need_a_signed_in_user_and_apis_answer_401(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var client = StaffClient.Anonymous(app);
        var ct = TestContext.Current.CancellationToken;
        var page = await client.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync($"/clients/{Guid.NewGuid()}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/instruments", ct)).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task Migrations_match_the_model_and_the_demo_clinic_is_seeded_once(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        await using var db = app.CreateDbContext();
        var ct = TestContext.Current.CancellationToken;
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes that no migration captures.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(ct));
        Assert.Equal(1, await db.Organisations.CountAsync(ct));
        Assert.Equal(3, await db.Users.CountAsync(ct));
        Assert.Equal(4, await db.Relationships.CountAsync(r => r.ClosedAt == null, ct)); // four current clients
        Assert.Equal(30, await db.Relationships.CountAsync(r => r.ClosedAt != null, ct)); // and the clinic's history

        // A second start on the same database seeds nothing more.
        await AttuneHost.PrepareAsync(app.Services, app.Services.GetRequiredService<IConfiguration>(), TextWriter.Null, "http://localhost");
        Assert.Equal(1, await db.Organisations.CountAsync(ct));
    }

    /// <summary>
    /// Issue 18, point 10: an address that names no page was a bare 404. Signed in, it is the "not found" page inside the
    /// layout, with the menu and a way back; the API and FHIR keep their own machine-readable answers.
    /// </summary>
    [Fact]
    public async Task An_address_that_names_no_page_gets_the_not_found_page_inside_the_layout()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        foreach (var path in new[] { "/nothing-here", "/clients/not-a-guid", $"/clients/{Guid.NewGuid()}" })
        {
            var response = await staff.Http.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct));
            Assert.Contains("<h1>Page not found</h1>", html);
            Assert.Contains("<nav aria-label=\"Main\"", html);
            Assert.Contains("<a href=\"/\">Back to the start page</a>", html);
        }
        // Not signed in: to the sign-in page first, never a page that says what exists.
        Assert.StartsWith("/login", StaffClient.Target(await StaffClient.Anonymous(app).GetAsync("/nothing-here", ct)));
        // A post to nowhere is refused in words, not answered with a page.
        var post = await staff.Http.PostAsync("/nothing-here", new FormUrlEncodedContent([]), ct);
        Assert.True((int)post.StatusCode is >= 400 and < 500, post.StatusCode.ToString());
        Assert.DoesNotContain("<h1>Page not found</h1>", await post.Content.ReadAsStringAsync(ct));
        // The API answers for machines.
        var rest = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, ApiScopes.RestRead("goals")));
        var api = await rest.GetAsync("/api/v1/nothing-here", ct);
        Assert.True(api.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, api.StatusCode.ToString());
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Issue 18: no favicon, so every page logged a 404 in the browser's console.</summary>
    [Fact]
    public async Task Every_page_names_its_icon_and_the_icon_loads_without_signing_in()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var http = StaffClient.Anonymous(app);
        var login = WebUtility.HtmlDecode(await http.GetStringAsync("/login", ct));
        var href = System.Text.RegularExpressions.Regex.Match(login, "<link rel=\"icon\" href=\"([^\"]+)\" type=\"image/svg.xml\"").Groups[1].Value;
        Assert.StartsWith("favicon", href);
        var icon = await http.GetAsync("/" + href, ct);
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await icon.Content.ReadAsStringAsync(ct));
    }

    [Theory, AllDatabases]
    public async Task Wrong_password_does_not_sign_in(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var client = new StaffClient(StaffClient.Anonymous(app));
        var response = await client.PostFormAsync("/login", "login", new() { ["Input.Email"] = Demo.ClinicianEmail, ["Input.Password"] = "not-the-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("do not match", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
    }
}
