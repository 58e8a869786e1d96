using System.Collections.Concurrent;
using System.Net;
using Attune.Core.CheckIns;
using Attune.Data;
using Attune.E2E;
using Attune.Web.Database;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Faults;

/// <summary>
/// Clients send check-ins to the real Attune process while it is killed hard (SIGKILL, no shutdown); after a
/// restart every submission that was acknowledged is stored, exactly once, and the audit trail still verifies.
/// </summary>
public class HardKillTests
{
    private const int Links = 24;
    private const int Workers = 6;
    private const int KillAfterAcknowledged = 8;

    [Theory, AllDatabases]
    public async Task Every_acknowledged_check_in_survives_a_hard_kill_exactly_once(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("attune-kill-").FullName;
        var connection = provider == "sqlite"
            ? $"Data Source={Path.Combine(dir, "attune.db")}"
            // Pooled, as a real server runs (the shared test setting turns pooling off so databases can be dropped).
            : $"{Environment.GetEnvironmentVariable(AttuneFactory.PostgresVariable)};Database=attune_kill_{Guid.NewGuid():N};Pooling=true";
        try
        {
            List<string> links;
            var acknowledged = new ConcurrentBag<string>();
            var attempted = new ConcurrentBag<string>();
            var (first, newClient) = await StartServerAsync(provider, connection);
            await using (var server = first)
            {
                var staff = new StaffClient(newClient());
                Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/login", "login", new() { ["Input.Email"] = Demo.ClinicianEmail, ["Input.Password"] = Demo.ClinicianPassword })).StatusCode);
                var clientId = await Slice.AddClientAsync(staff, "Crash Person");
                links = [];
                for (var i = 0; i < Links; i++)
                    links.Add(await Slice.CreateCheckInAsync(staff, clientId, "connection-check"));

                var queue = new ConcurrentQueue<string>(links);
                var killed = new TaskCompletionSource();
                var count = 0;
                var answers = new ConcurrentBag<string>();
                var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
                {
                    var client = new StaffClient(newClient());
                    while (!killed.Task.IsCompleted && queue.TryDequeue(out var link))
                    {
                        attempted.Add(link);
                        try
                        {
                            var sent = await Slice.SubmitAsync(client, link, Slice.ConnectionCheck(each: 7));
                            answers.Add(((int)sent.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                            if (sent.StatusCode == HttpStatusCode.OK && (await sent.Content.ReadAsStringAsync()).Contains("Thank you"))
                            {
                                acknowledged.Add(link);
                                if (Interlocked.Increment(ref count) == KillAfterAcknowledged)
                                {
                                    killed.TrySetResult();
                                    server.KillHard();
                                }
                            }
                        }
                        catch (HttpRequestException) { } // the server died under this request: not acknowledged
                        catch (TaskCanceledException) { }
                    }
                })).ToList();
                await Task.WhenAll(workers);
                Assert.True(server.HasExited, $"The server was not killed mid-way: {acknowledged.Count} of {attempted.Count} acknowledged; answers {string.Join(",", answers)}");
            }

            Assert.True(acknowledged.Count >= KillAfterAcknowledged);
            Assert.True(attempted.Count < Links, "Some check-ins were still to be sent when the server died");

            // Restart on the same database.
            var (second, newClientAfter) = await StartServerAsync(provider, connection);
            await using (second)
            {
                var client = newClientAfter();
                foreach (var link in acknowledged)
                {
                    // The link knows it was answered: the answers are stored.
                    var again = await client.GetAsync(link, ct);
                    Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
                    Assert.Contains("we already have your answers", await again.Content.ReadAsStringAsync(ct));
                }
                // A link never sent still works after the restart.
                var untouched = links.Except(attempted).First();
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(untouched, ct)).StatusCode);
            }

            var options = new DbContextOptionsBuilder<AttuneDbContext>();
            DatabaseSetup.Configure(options, provider, connection.Replace("Pooling=true", "Pooling=false", StringComparison.Ordinal));
            await using var db = new AttuneDbContext(options.Options);
            var relationship = await db.Relationships.SingleAsync(r => db.Clients.Any(c => c.Id == r.ClientId && c.DisplayName == "Crash Person"), ct);
            var checkIns = await db.CheckIns.Where(c => c.RelationshipId == relationship.Id).ToListAsync(ct);
            var responses = await db.Responses.Where(r => r.RelationshipId == relationship.Id).ToListAsync(ct);
            var completed = checkIns.Where(c => c.Status == CheckInStatus.Completed).ToList();
            // Exactly once: one Connection Check response per completed check-in, none twice.
            Assert.All(completed, c => Assert.Single(responses, r => r.CheckInId == c.Id));
            Assert.All(responses.GroupBy(r => r.CheckInId), g => Assert.Single(g));
            Assert.InRange(completed.Count, acknowledged.Count, attempted.Count);
            var chain = await AuditChain.VerifyAsync(db, ct: ct);
            Assert.True(chain.Intact, string.Join("; ", chain.Problems.Select(p => p.Message)));
            TestContext.Current.SendDiagnosticMessage($"{provider}: {attempted.Count} sent, {acknowledged.Count} acknowledged before the kill, {completed.Count} stored after the restart");
            if (provider == "postgres")
                await db.Database.EnsureDeletedAsync(ct);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The real attune process (shared with the browser tests), with an HTTP client that keeps its cookies.</summary>
    private static async Task<(AttuneServer Server, Func<HttpClient> NewClient)> StartServerAsync(string provider, string connection)
    {
        var server = await AttuneServer.StartAsync("--Database:Provider", provider, "--ConnectionStrings:Attune", connection,
            "--RateLimits:ClientLinksPerMinute", "100000", "--RateLimits:SignInPerMinute", "100");
        return (server, () => new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(server.BaseUrl),
            Timeout = TimeSpan.FromSeconds(30),
        });
    }
}
