// The benchmarks of issue 22 and before: each starts the real host (Kestrel, SQLite or PostgreSQL) on a generated
// clinic and prints its figures (beside a floor measured in the same run, where there is one). Not tests: figures to
// compare between changes; bench/README.md has the last ones.
//
//   dotnet run -c Release --project bench/Attune.Bench -- all [--postgres "Host=…"]      every benchmark below, in turn
//   dotnet run -c Release --project bench/Attune.Bench -- [--clients 150] [--history 300] [--requests 60] [--at-scale 100000] [--postgres "Host=…"] [--explain]
//   dotnet run -c Release --project bench/Attune.Bench -- --checkins [--clients 100] [--history 300] [--connections 50] [--seconds 10] [--rounds 2] [--warmup 10] [--postgres "Host=…"] [--explain]
//   dotnet run -c Release --project bench/Attune.Bench -- --signals [--postgres "Host=…"] [--explain]
//   dotnet run -c Release --project bench/Attune.Bench -- --nodes --postgres "Host=…" [--clients 100] [--connections 50] [--seconds 10] [--rounds 2] [--at-scale 100000] [--passes 2]
//   dotnet run -c Release --project bench/Attune.Bench -- --first-loads
//   dotnet run -c Release --project bench/Attune.Bench -- --plans [--clients 100] [--history 300] [--at-scale 100000] [--postgres "Host=…"] [--explain]
//   dotnet run -c Release --project bench/Attune.Bench -- --analytics [--relationships 100000] [--keep DIR] [--postgres "Host=…"]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web;
using Attune.Web.Features.Signals;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

if (args.FirstOrDefault() == "all")
{
    // Every benchmark at its usual size, on SQLite and, when a server is named, on PostgreSQL.
    string? server = Args.Parse(args).Postgres;
    foreach (var database in server is null ? new string?[] { null } : [null, server])
    {
        string[] On(params string[] a) => database is null ? a : [.. a, "--postgres", database];
        Console.WriteLine($"### {(database is null ? "SQLite" : "PostgreSQL")}");
        await CaseloadBench.RunAsync(Args.Parse(On("--clients", "100", "--history", "300")));
        await CaseloadBench.RunAsync(Args.Parse(On("--clients", "100", "--history", "3000")));
        await CheckInBench.RunAsync(On("--clients", "100", "--history", "300"));
        await SignalsBench.RunAsync(database);
        await FirstLoads.RunAsync(database);
        await PlansBench.RunAsync(Args.Parse(On("--clients", "100", "--history", "300")));
        await AnalyticsBench.RunAsync(On("--relationships", "10000"));
    }
    return;
}
if (args.Contains("--signals"))
{
    await SignalsBench.RunAsync(Args.Parse(args).Postgres, Args.Parse(args).Explain);
    return;
}
if (args.Contains("--analytics"))
{
    await AnalyticsBench.RunAsync(args);
    return;
}
if (args.Contains("--nodes"))
{
    await NodesBench.RunAsync(args);
    return;
}
if (args.Contains("--checkins"))
{
    await CheckInBench.RunAsync(args);
    return;
}
if (args.Contains("--plans"))
{
    await PlansBench.RunAsync(Args.Parse(args));
    return;
}
if (args.Contains("--first-loads"))
{
    await FirstLoads.RunAsync(Args.Parse(args).Postgres);
    return;
}
await CaseloadBench.RunAsync(Args.Parse(args));

/// <summary>The caseload page `/` of a clinician with the given active clients, requested one after another.</summary>
internal static class CaseloadBench
{
    public static async Task RunAsync(Args options)
    {
        await using (var host = new BenchHost(options.Postgres))
        {
            await host.StartAsync();
            var generate = Stopwatch.StartNew();
            var (email, password) = await Clinic.GenerateAsync(host.App.Services, options.Clients, options.History);
            Console.WriteLine($"Generated {options.Clients} active clients (12 sessions, 12 PHQ-9 and 12 Connection Checks each) and {options.History} closed ones in {generate.Elapsed.TotalSeconds:0.0} s ({host.Database}).");
            if (options.AtScale > 0)
            {
                // A clinic's history at full size: closed relationships of about 15 attended sessions each (the analytics
                // benchmark's generator), added to the same clinician, whose caseload must not notice them.
                generate.Restart();
                var stem = Path.Combine(Directory.CreateTempSubdirectory("attune-caseload-scale-").FullName, "clinic");
                var (_, sessions) = await AnalyticsBench.GenerateAsync(host.App.Services, options.AtScale, stem, into: Clinic.Name);
                Directory.Delete(Path.GetDirectoryName(stem)!, recursive: true);
                await Clinic.AnalyzeAsync(host.App.Services);
                Console.WriteLine($"Added {options.AtScale:N0} closed relationships with {sessions:N0} attended sessions to the clinician's history in {generate.Elapsed.TotalSeconds:0} s.");
            }
            using var http = await host.SignInAsync(email, password);

            // Warm up (JIT, query compilation, the expected-response cache), then measure.
            var bytes = 0;
            for (var i = 0; i < 5; i++) bytes = (await http.GetStringAsync("/")).Length;
            // A page of at most Caseload:PageSize rows (the default), and all the clients counted.
            var first = await http.GetStringAsync("/");
            var rows = Regex.Matches(first, "<th scope=\"row\">").Count;
            var pageSize = Attune.Web.Features.Caseload.CaseloadQuery.DefaultPageSize;
            var pages = (options.Clients + pageSize - 1) / pageSize;
            if (rows != Math.Min(options.Clients, pageSize) || !first.Contains($"{options.Clients:N0} active client", StringComparison.Ordinal))
                throw new InvalidOperationException($"The caseload's first page shows {rows} rows, not {Math.Min(options.Clients, pageSize)} of {options.Clients}.");
            // The floor: the page's own reads, recorded once and replayed as plain SQL between the page's requests.
            using var floor = new SqlFloor();
            floor.Start();
            await http.GetStringAsync("/");
            var queries = floor.Stop();
            GC.Collect();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var times = new List<double>();
            for (var i = 0; i < options.Requests; i++)
            {
                var sw = Stopwatch.StartNew();
                // Every page in turn: the last has the fewest rows but is ranked like the first.
                using var response = await http.GetAsync(pages > 1 ? $"/?page={1 + i % pages}" : "/");
                await response.Content.ReadAsByteArrayAsync();
                times.Add(sw.Elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET / answered {(int)response.StatusCode}");
            }
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)options.Requests;
            var sql = new List<double>();
            for (var i = 0; i < options.Requests; i++) sql.Add(await SqlFloor.ReplayAsync(host.App.Services, queries));
            times.Sort();
            sql.Sort();
            static double P(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
            Console.WriteLine(pages > 1
                ? $"GET /?page=1…{pages} (caseload of {options.Clients} clients, {rows} a page, {bytes / 1024.0:0} KiB of HTML on the first), {options.Requests} requests one after another, the pages in turn:"
                : $"GET / (caseload of {rows} clients, {bytes / 1024.0:0} KiB of HTML), {options.Requests} requests one after another:");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  page   median {P(times, 50),6:0.0} ms, p95 {P(times, 95),6:0.0} ms, max {times[^1]:0.0} ms; allocated {allocated / 1024 / 1024:0.0} MiB per request (client and server, one process); working set {Environment.WorkingSet / 1024 / 1024} MiB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  floor  median {P(sql, 50),6:0.0} ms, p95 {P(sql, 95),6:0.0} ms: the page's {queries.Count} reads replayed as plain SQL on one connection, every row read"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio  {P(times, 50) / P(sql, 50):0.00}× the floor at the median, {P(times, 95) / P(sql, 95):0.00}× at p95"));
            if (options.Explain)
                SqlFloor.Print(await SqlFloor.ExplainAsync(host.App.Services, queries));
        }
    }
}

internal sealed record Args(int Clients, int History, int Requests, string? Postgres, bool Explain = false, int AtScale = 0)
{
    public static Args Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => int.TryParse(Value(name), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
        return new Args(Int("--clients", 150), Int("--history", 300), Int("--requests", 60), Value("--postgres"), args.Contains("--explain"), Int("--at-scale", 0));
    }
}

internal static class Clinic
{
    public const string Name = "Benchmark Clinic";

    public static async Task<(string Email, string Password)> GenerateAsync(IServiceProvider services, int active, int history)
    {
        using var scope = services.CreateScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<AttuneDbContext>();
        var catalog = sp.GetRequiredService<InstrumentCatalog>();
        var protector = sp.GetRequiredService<Attune.Web.Features.Security.FreeTextProtector>();
        var now = DateTimeOffset.UtcNow;
        var random = new Random(42);
        var org = new Organisation(Name, now);
        var clinician = new Clinician(org.Id, "Bench Clinician", now);
        db.Organisations.Add(org);
        db.Clinicians.Add(clinician);
        await db.SaveChangesAsync();
        var users = sp.GetRequiredService<UserManager<StaffUser>>();
        var roles = sp.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var role in StaffRoles.All)
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole<Guid>(role));
        const string email = "bench@clinic.example", password = "bench-password-2026";
        var user = new StaffUser { UserName = email, Email = email, OrganisationId = org.Id, ClinicianId = clinician.Id, DisplayName = "Bench Clinician" };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, StaffRoles.Clinician);

        var phq = catalog.Get("phq-9");
        var cc = catalog.Get("connection-check");
        var open = new List<Guid>();
        for (var c = 0; c < active + history; c++)
        {
            var closed = c >= active;
            var weeksAgo = closed ? 30 + c % 50 : 12;
            var client = new Client(org.Id, $"Client {c + 1:000}", now.AddDays(-7 * weeksAgo - 2));
            db.Clients.Add(client);
            var relationship = new TherapeuticRelationship(org.Id, client.Id, clinician.Id, now.AddDays(-7 * weeksAgo - 1));
            db.Relationships.Add(relationship);
            var start = 8 + random.Next(16);
            var rate = random.NextDouble() * 1.2 - 0.2;
            for (var i = 0; i < 12; i++)
            {
                var at = now.AddDays(-7 * (weeksAgo - i)).AddHours(-3);
                var session = relationship.RecordSession(at, SessionModality.InPerson, SessionAttendance.Attended);
                var score = Math.Clamp((int)Math.Round(start - rate * i + random.Next(-2, 3)), 0, 27);
                Add(db, relationship, session, phq, Phq9(score), at.AddMinutes(-10));
                if (!closed)
                    Add(db, relationship, session, cc, Connection(Math.Clamp(6 + random.Next(5), 0, 10), random.Next(10) == 0 ? 2 : 0), at.AddMinutes(55));
            }
            if (closed)
            {
                // Closed as a clinician closes one: into Termination, then ended with a reason and a summary.
                relationship.MoveTo(RelationshipPhase.Termination, "Planned ending", now.AddDays(-7 * (weeksAgo - 12)));
                db.Endings.Add(relationship.End(Attune.Core.Endings.EndingKind.Planned, Attune.Core.Endings.EndingReason.GoalsMet, protector.Protect("Benchmark ending")!, null,
                    now.AddDays(-7 * (weeksAgo - 12)).AddHours(1)));
            }
            else open.Add(relationship.Id);
            if (c % 50 == 49) { await db.SaveChangesAsync(); db.ChangeTracker.Clear(); }
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        // The signals, as they would have been raised when the answers came in.
        var evaluator = sp.GetRequiredService<SignalEvaluator>();
        foreach (var id in open) await evaluator.EvaluateAsync(id);
        await AnalyzeAsync(services);
        return (email, password);
    }

    /// <summary>
    /// On PostgreSQL, the planner's statistics of the tables just filled, as autovacuum gathers them within a minute of a
    /// large change in a running clinic; without them it plans for tables of one row (seen: nested loops of 80,000
    /// lookups where a hash join reads each table once). SQLite plans without statistics; nothing is run there.
    /// </summary>
    public static async Task AnalyzeAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync("ANALYZE");
    }

    internal static void Add(AttuneDbContext db, TherapeuticRelationship r, TherapySession s, InstrumentDefinition d, Dictionary<string, decimal?> answers, DateTimeOffset at)
    {
        var outcome = InstrumentScorer.Score(d, answers);
        if (!outcome.IsValid) throw new InvalidOperationException(string.Join("; ", outcome.Errors.Select(e => e.Message)));
        db.Responses.Add(new InstrumentResponse(r.Id, null, s.Id, answers, outcome.Result!, at));
    }

    internal static Dictionary<string, decimal?> Phq9(int total) =>
        Enumerable.Range(1, 9).ToDictionary(i => i.ToString(CultureInfo.InvariantCulture), i => (decimal?)(i == 9 ? 0 : Math.Clamp(total - 3 * (i - 1), 0, 3)));

    internal static Dictionary<string, decimal?> Connection(int each, int moment)
    {
        var answers = new[] { "heard", "safe", "seen", "goals", "approach", "room", "overall" }.ToDictionary(i => i, _ => (decimal?)each);
        answers["moment"] = moment;
        return answers;
    }
}

/// <summary>
/// Issue 18, point 10: how long the first load of each page takes after Attune starts (JIT, query compilation, the
/// first render of each component), on the demo clinic: every page once, in the order a clinician's morning visits them.
/// </summary>
internal static class FirstLoads
{
    public static async Task RunAsync(string? postgres)
    {
        var started = Stopwatch.StartNew();
        await using var host = new BenchHost(postgres, demo: true);
        // Starting migrates the database and seeds the demo clinic, as `dotnet run` does.
        await host.StartAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Started (migrated, demo clinic seeded) in {started.Elapsed.TotalMilliseconds:0} ms ({host.Database})."));
        {
            using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(host.Url) };
            var results = new List<(string Page, double Ms, int Status)>();
            async Task<string> Get(string page, string path)
            {
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                results.Add((page, sw.Elapsed.TotalMilliseconds, (int)response.StatusCode));
                return body;
            }
            var login = await Get("sign-in page", "/login");
            var token = WebUtility.HtmlDecode(Regex.Match(login, "__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value);
            var sw = Stopwatch.StartNew();
            var signIn = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["_handler"] = "login", ["Input.Email"] = "clinician@riverside.example", ["Input.Password"] = "demo-clinician-2026",
            }));
            results.Add(("sign-in (POST)", sw.Elapsed.TotalMilliseconds, (int)signIn.StatusCode));
            var caseload = await Get("caseload", "/");
            var client = Regex.Match(caseload, "href=\"/clients/([0-9a-f-]{36})\"").Groups[1].Value;
            await Get("client list", "/clients");
            var record = await Get("client page", $"/clients/{client}");
            await Get("timeline", $"/clients/{client}/timeline");
            if (Regex.Match(caseload, "href=\"/alerts/([0-9a-f-]{36})\"") is { Success: true } alert)
                await Get("alert", $"/alerts/{alert.Groups[1].Value}");
            await Get("guidance", "/guidance");
            await Get("instruments", "/instruments");
            if (Regex.Match(record, "value=\"https?://[^/]+(/p/[^\"]+)\"") is { Success: true } progress)
                await Get("client's progress page", WebUtility.HtmlDecode(progress.Groups[1].Value));
            Console.WriteLine("First load of each page after start, one after another:");
            foreach (var (page, ms, status) in results)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {page,-24} {ms,7:0} ms  ({status})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  slowest {results.Max(r => r.Ms):0} ms; over 500 ms: {results.Count(r => r.Ms > 500)} of {results.Count}"));
        }
    }
}
