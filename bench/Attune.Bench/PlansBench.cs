using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Attune.Data;
using Attune.Web.Features.Integrations;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Issue 22, point 3: the pages and searches other than the caseload, each with its reads and their plans. For every
/// request: its time (median of a few, after warming up), the SQL it runs (its reads replayed as plain SQL, as the
/// caseload's floor) and every step of a plan that reads a whole table or index rather than searching one
/// (SQLite's <c>SCAN</c>, PostgreSQL's <c>Seq Scan</c>, with the rows it went through). <c>--explain</c> prints every
/// plan whole.
/// </summary>
internal static class PlansBench
{
    public static async Task RunAsync(Args options)
    {
        await using var host = new BenchHost(options.Postgres);
        await host.StartAsync();
        var generate = Stopwatch.StartNew();
        var (email, password) = await Clinic.GenerateAsync(host.App.Services, options.Clients, options.History);
        if (options.AtScale > 0)
        {
            var stem = Path.Combine(Directory.CreateTempSubdirectory("attune-plans-scale-").FullName, "clinic");
            await AnalyticsBench.GenerateAsync(host.App.Services, options.AtScale, stem, into: Clinic.Name);
            Directory.Delete(Path.GetDirectoryName(stem)!, recursive: true);
            await Clinic.AnalyzeAsync(host.App.Services);
        }
        Console.WriteLine($"Generated {options.Clients} active clients and {options.History + options.AtScale:N0} closed ones in {generate.Elapsed.TotalSeconds:0} s ({host.Database}).");

        Guid client;
        NewApiClient system;
        using (var scope = host.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
            client = await db.Relationships.AsNoTracking().Where(r => r.ClosedAt == null).OrderBy(r => r.Id).Select(r => r.ClientId).FirstAsync();
            system = await scope.ServiceProvider.GetRequiredService<ApiClientRegistry>().CreateAsync(null, user.OrganisationId, "Bench EHR", user.Id, [ApiScopes.AllFhirRead]);
        }
        using var staff = await host.SignInAsync(email, password);
        using var api = new HttpClient { BaseAddress = new Uri(host.Url) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CheckInBench.TokenAsync(api, system));

        var requests = Requests(staff, api, client);
        using var floor = new SqlFloor();
        foreach (var (http, path) in requests)
        {
            for (var i = 0; i < 3; i++) await GetAsync(http, path);
            floor.Start();
            await GetAsync(http, path);
            var queries = floor.Stop();
            var times = new List<double>();
            for (var i = 0; i < 9; i++)
            {
                var sw = Stopwatch.StartNew();
                await GetAsync(http, path);
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            var sql = new List<double>();
            for (var i = 0; i < 9; i++) sql.Add(await SqlFloor.ReplayAsync(host.App.Services, queries));
            times.Sort();
            sql.Sort();
            var plans = await SqlFloor.ExplainAsync(host.App.Services, queries);
            var shown = path.Replace(client.ToString(), "{client}", StringComparison.Ordinal);
            // A read of an empty list (EF Core's "WHERE 0" on SQLite, "WHERE FALSE" on PostgreSQL) finds nothing in no time,
            // but is still a round trip and a query's fixed cost: counted, not listed.
            var empty = plans.Count(p => Regex.IsMatch(p.Sql, @"WHERE (0|FALSE)\s*$"));
            // The reads are those of the busiest database context in the recording; a background pass that ran more
            // queries in that moment than the request did would be taken instead: said, not passed off as a figure.
            Console.WriteLine(queries.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"GET {shown}: median {times[4],6:0.0} ms; its reads were not recorded (another context was busier)")
                : string.Create(CultureInfo.InvariantCulture, $"GET {shown}: median {times[4],6:0.0} ms; {queries.Count} reads{(empty > 0 ? $" ({empty} of an empty list)" : "")}, as plain SQL {sql[4]:0.0} ms ({times[4] / sql[4]:0.0}×)"));
            foreach (var step in plans.Where(p => !Regex.IsMatch(p.Sql, @"WHERE (0|FALSE)\s*$")).SelectMany(p => Scans(p.Sql, p.Plan)).Distinct())
                Console.WriteLine($"    reads whole: {step}");
            if (options.Explain) SqlFloor.Print(plans);
        }
    }

    /// <summary>The pages and searches this benchmark times, as a signed-in clinician and as a system with every FHIR read scope.</summary>
    internal static (HttpClient Http, string Path)[] Requests(HttpClient staff, HttpClient api, Guid client)
    {
        var since = DateTimeOffset.UtcNow.AddYears(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return
        [
            (staff, "/clients"),
            // Every client the clinician ever had, sorted by name: the list's largest page to find.
            (staff, "/clients?status=all&page=2"),
            (staff, $"/clients/{client}"),
            (staff, $"/clients/{client}/timeline"),
            (staff, "/analytics"),
            (api, "/fhir/Patient?name=a"),
            (api, $"/fhir/Patient/{client}"),
            (api, $"/fhir/EpisodeOfCare?patient=Patient/{client}"),
            (api, $"/fhir/Encounter?patient=Patient/{client}"),
            (api, $"/fhir/QuestionnaireResponse?patient=Patient/{client}"),
            (api, $"/fhir/Observation?patient=Patient/{client}&code=44261-6"),
            (api, $"/fhir/QuestionnaireResponse?authored=ge{since}"),
            (api, $"/fhir/Encounter?date=ge{since}"),
        ];
    }

    internal static async Task GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
    }

    /// <summary>
    /// The steps of a plan that go through a whole table or index: SQLite's SCAN (its alias named by the table, from the
    /// query's text), PostgreSQL's Seq Scan of a thousand rows or more. A scan of a constant row or of a parameter's list
    /// is not one.
    /// </summary>
    private static IEnumerable<string> Scans(string sql, string plan)
    {
        var tables = Regex.Matches(sql, "\"(\\w+)\" AS \"?(\\w+)").GroupBy(m => m.Groups[2].Value).ToDictionary(g => g.Key, g => g.First().Groups[1].Value);
        foreach (var line in plan.Split('\n').Select(l => l.Trim().TrimStart('-', '>', ' ')))
        {
            if (line.StartsWith("SCAN ", StringComparison.Ordinal))
            {
                var alias = line.Split(' ')[1];
                if (alias == "CONSTANT" || !tables.TryGetValue(alias, out var table)) continue;
                yield return $"SCAN {table}{line[(5 + alias.Length)..]}";
            }
            // PostgreSQL chooses a sequential scan of a small table over its index, rightly: only one that went
            // through a thousand rows or more is listed.
            else if (line.StartsWith("Seq Scan on", StringComparison.Ordinal)
                     && Regex.Match(line, @"actual time=\S+ rows=(\d+) loops=(\d+)") is { Success: true } m
                     && long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) >= 1000)
                yield return Regex.Replace(line, @"\(cost=[^)]*\) ", "");
        }
    }
}
