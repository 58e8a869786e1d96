using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web.Features.Integrations;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Issue 22, P1: check-in saves under load. A generated clinic on the real host; wrk (Debian's HTTP load tool, a
/// second process) posts PHQ-9 QuestionnaireResponses to the FHIR create as a registered system would, spread over
/// the active clients, and, in the same run, the same bodies to a bare endpoint mapped into the same host that only
/// inserts the same row into the same database (the floor). Rounds alternate floor and Attune so that both see the
/// same machine. Every figure is printed beside its floor with the ratio; non-2xx answers and lost rows are errors.
/// </summary>
internal static class CheckInBench
{
    private const string BarePath = "/bench/bare-insert";

    public static async Task RunAsync(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => int.TryParse(Value(name), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
        var (clients, history, connections, seconds, rounds) = (Int("--clients", 100), Int("--history", 300), Int("--connections", 50), Int("--seconds", 10), Int("--rounds", 2));
        // Long enough for the runtime to finish compiling the hot code at its best tier: measured on PostgreSQL, 2 s of
        // warming left the JIT recompiling on a core's fifth for the whole of the next 40 s (issue 22).
        var warmup = Int("--warmup", 10);
        var wrk = Environment.GetEnvironmentVariable("ATTUNE_WRK") ?? "wrk";

        await using var host = new BenchHost(Value("--postgres"));
        var floor = new BareInsert();
        host.App.MapPost(BarePath, floor.InsertAsync).AllowAnonymous().DisableAntiforgery();
        await host.StartAsync();

        var generate = Stopwatch.StartNew();
        var (email, _) = await Clinic.GenerateAsync(host.App.Services, clients, history);
        Console.WriteLine($"Generated {clients} active clients (12 sessions, 12 PHQ-9 and 12 Connection Checks each) and {history} closed ones in {generate.Elapsed.TotalSeconds:0.0} s ({host.Database}).");

        // A system registered as the clinic's EHR, acting as the clinician, with the scopes it needs and no more.
        NewApiClient system;
        List<(Guid Client, Guid Relationship)> open;
        using (var scope = host.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
            system = await scope.ServiceProvider.GetRequiredService<ApiClientRegistry>().CreateAsync(null, user.OrganisationId, "Bench EHR", user.Id,
                [ApiScopes.Write("QuestionnaireResponse"), ApiScopes.Read("Questionnaire")]);
            open = (await db.Relationships.AsNoTracking().Where(r => r.ClosedAt == null).Select(r => new { r.ClientId, r.Id }).ToListAsync())
                .Select(r => (r.ClientId, r.Id)).ToList();
            var definition = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>().Get("phq-9");
            floor.Prepare(open.Select(o => o.Relationship).ToList(), definition);
        }
        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        var token = await TokenAsync(http, system);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var scale = await AnswerScaleAsync(http);

        // One body per active client (item 9 "Not at all": no risk alert), sent round-robin by every connection.
        var bodies = open.Select((o, i) => Phq9Body(o.Client, scale, 1 + i % 2, 1, 2, 1, 0, 1, 1, 0, 0)).ToList();
        var script = Path.Combine(Path.GetTempPath(), $"attune-bench-checkins-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, WrkScript(bodies, token));
        try
        {
            var countBefore = await CountResponsesAsync(host);
            // Warm up both (JIT, query compilation, connection pools), then measure in alternating rounds.
            var warm = new[]
            {
                await RunWrkAsync(wrk, script, $"{host.Url}{BarePath}", Math.Min(connections, 10), warmup),
                await RunWrkAsync(wrk, script, $"{host.Url}/fhir/QuestionnaireResponse", Math.Min(connections, 10), warmup),
            };
            // The statements one answer runs while its request is served (not the audit chainer's at that moment), floor and Attune.
            var statements = new[] { await StatementsAsync(host, http, BarePath, bodies[0]), await StatementsAsync(host, http, "/fhir/QuestionnaireResponse", bodies[1]) };
            var bare = new List<WrkResult>();
            var attune = new List<WrkResult>();
            for (var round = 0; round < rounds; round++)
            {
                bare.Add(await RunWrkAsync(wrk, script, $"{host.Url}{BarePath}", connections, seconds));
                attune.Add(await RunWrkAsync(wrk, script, $"{host.Url}/fhir/QuestionnaireResponse", connections, seconds));
            }
            var saved = await CountResponsesAsync(host) - countBefore;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Check-in saves (FHIR QuestionnaireResponse create), {connections} connections, {rounds} round(s) of {seconds} s each, floor and Attune alternating ({host.Database}):"));
            Row("throughput (req/s)", bare.Select(r => r.PerSecond), attune.Select(r => r.PerSecond), higherIsBetter: true);
            Row("p50 latency (ms)", bare.Select(r => r.P50), attune.Select(r => r.P50), higherIsBetter: false);
            Row("p99 latency (ms)", bare.Select(r => r.P99), attune.Select(r => r.P99), higherIsBetter: false);
            Row("CPU per answer (ms)", bare.Select(r => r.CpuMs), attune.Select(r => r.CpuMs), higherIsBetter: false);
            Row("SQL per answer", [statements[0].Count], [statements[1].Count], higherIsBetter: false);
            if (args.Contains("--explain"))
                foreach (var text in statements[1]) Console.WriteLine($"\n{text}");
            // Each round adds to every client's history, so a cost that grows with history shows from round to round.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  by round (req/s, floor / Attune): {string.Join("; ", bare.Zip(attune, (b, a) => $"{b.PerSecond:0} / {a.PerSecond:0}"))}"));
            var errors = bare.Concat(attune).Sum(r => r.Errors);
            // wrk counts the answers it read; a request still in flight when a round ends may be saved uncounted.
            var answered = bare.Concat(attune).Sum(r => r.Requests) + warm.Sum(r => r.Requests);
            Console.WriteLine($"  answers other than 201: {errors}{Statuses(bare.Concat(attune))}; rows saved {saved} for {answered} answered requests");
            Console.WriteLine($"  working set after the load: {Environment.WorkingSet / 1024 / 1024} MiB (the server; wrk is its own process)");
            if (errors > 0) throw new InvalidOperationException($"{errors} requests failed under load.");
            if (saved < answered) throw new InvalidOperationException($"{answered - saved} answered requests saved no row.");
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// Every statement one request runs, reads and writes: those run while serving that request (marked by a header),
    /// not those of a background pass (the audit chainer) that ran at the same moment.
    /// </summary>
    private static async Task<IReadOnlyList<string>> StatementsAsync(BenchHost host, HttpClient http, string path, string body)
    {
        var mark = Guid.NewGuid().ToString("N");
        var requests = host.App.Services.GetRequiredService<IHttpContextAccessor>();
        using var recorder = new SqlFloor { Only = () => requests.HttpContext?.Request.Headers["X-Bench-Mark"].ToString() == mark };
        recorder.Start();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") };
        request.Headers.Add("X-Bench-Mark", mark);
        using var response = await http.SendAsync(request);
        var statements = recorder.StopAll();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}.");
        return statements;
    }

    /// <summary>Prints the floor's median over the rounds, Attune's, and Attune as a multiple of the floor.</summary>
    internal static void Row(string what, IEnumerable<double> floor, IEnumerable<double> attune, bool higherIsBetter,
        string first = "floor", string second = "Attune", string? ratioOf = null)
    {
        var (f, a) = (Median(floor), Median(attune));
        var ratio = higherIsBetter ? a / f : f / a;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-20} {first} {f,8:0.0}   {second} {a,8:0.0}   ratio {ratio:0.00}× ({ratioOf ?? (higherIsBetter ? $"{second} / {first}" : $"{first} / {second}")})"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<long> CountResponsesAsync(BenchHost host)
    {
        using var scope = host.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AttuneDbContext>().Responses.LongCountAsync();
    }

    internal static async Task<string> TokenAsync(HttpClient http, NewApiClient system)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{system.Client.ClientId}:{system.Secret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"No token: the token endpoint answered {(int)response.StatusCode}.");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The codings the PHQ-9 Questionnaire offers for its items, read from Attune's own FHIR Questionnaire.</summary>
    internal static async Task<List<(string System, string Code)>> AnswerScaleAsync(HttpClient http)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/fhir/Questionnaire/phq-9"));
        var group = json.RootElement.GetProperty("item")[0];
        return group.GetProperty("item")[0].GetProperty("answerOption").EnumerateArray()
            .Select(o => o.GetProperty("valueCoding"))
            .Select(c => (c.GetProperty("system").GetString()!, c.GetProperty("code").GetString()!)).ToList();
    }

    internal static string Phq9Body(Guid client, List<(string System, string Code)> scale, params int[] answers)
    {
        var items = answers.Select((a, i) => $$$"""{"linkId":"{{{i + 1}}}","answer":[{"valueCoding":{"system":"{{{scale[a].System}}}","code":"{{{scale[a].Code}}}"}}]}""");
        return $$$"""{"resourceType":"QuestionnaireResponse","status":"completed","questionnaire":"urn:attune:questionnaire:phq-9","subject":{"reference":"Patient/{{{client}}}"},"item":[{"linkId":"stem","item":[{{{string.Join(",", items)}}}]}]}""";
    }

    /// <summary>
    /// wrk's Lua script: POST with the system's token, each connection's thread taking the bodies in turn; at the end it
    /// prints one line the bench reads (requests, seconds, non-2xx answers and socket errors, latency percentiles in µs).
    /// </summary>
    internal static string WrkScript(IReadOnlyList<string> bodies, string token)
    {
        var lua = new StringBuilder();
        lua.AppendLine("local bodies = {");
        foreach (var body in bodies) lua.Append("  [==[").Append(body).AppendLine("]==],");
        lua.AppendLine("}");
        lua.AppendLine("local i = 0");
        lua.AppendLine("wrk.method = \"POST\"");
        lua.AppendLine("wrk.headers[\"Content-Type\"] = \"application/fhir+json\"");
        lua.AppendLine($"wrk.headers[\"Authorization\"] = \"Bearer {token}\"");
        lua.AppendLine("request = function() i = i + 1; return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1]) end");
        // Each answer other than 2xx counted by its status, so that a failed run says what the server answered.
        lua.AppendLine("""
            local threads = {}
            setup = function(thread) table.insert(threads, thread) end
            statuses = {}
            response = function(status, headers, body) if status > 299 then statuses[status] = (statuses[status] or 0) + 1 end end
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("WRK %d %.6f %d %d %.1f %.1f %.1f\n", summary.requests, summary.duration / 1e6, e.status,
                e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
              for _, thread in ipairs(threads) do
                for status, count in pairs(thread:get("statuses")) do io.write(string.format("WRKSTATUS %d %d\n", status, count)) end
              end
            end
            """);
        return lua.ToString();
    }

    /// <param name="Errors">Answers other than 2xx and requests without an answer (a socket error, or none within wrk's 10 s).</param>
    /// <param name="CpuMs">This process's processor time per answered request (ms), when the server is this process.</param>
    /// <param name="Unanswered">Of the errors, the requests without an answer.</param>
    /// <param name="Statuses">The answers other than 2xx by status, as "status×count, …" (empty when none).</param>
    internal sealed record WrkResult(long Requests, double Seconds, long Errors, double P50, double P95, double P99, double CpuMs = double.NaN, long Unanswered = 0, string Statuses = "")
    {
        public double PerSecond => Requests / Seconds;
    }

    /// <summary>" (status×count, …)" of the runs' answers other than 2xx, or nothing when there were none.</summary>
    internal static string Statuses(IEnumerable<WrkResult> runs) =>
        runs.SelectMany(r => r.Statuses.Split(", ", StringSplitOptions.RemoveEmptyEntries)).ToList() is { Count: > 0 } all ? $" ({string.Join(", ", all)})" : "";

    internal static async Task<WrkResult> RunWrkAsync(string wrk, string script, string url, int connections, int seconds)
    {
        // The processor time the server (this process) spent, per answer: unlike throughput it hardly moves with what
        // else the machine runs, so it is the steadier measure of what a change saved.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        // One wrk thread: the machine has two cores and the server needs them more than the driver does.
        var start = new ProcessStartInfo(wrk, ["-t1", $"-c{connections}", $"-d{seconds}s", "--timeout", "10s", "-s", script, url])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {wrk} (Debian's package 'wrk').");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = Regex.Match(output, @"^WRK (\d+) ([\d.]+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)$", RegexOptions.Multiline);
        // Only the exit code: wrk's own output can carry what the server answered.
        if (process.ExitCode != 0 || !line.Success) throw new InvalidOperationException($"wrk failed (exit code {process.ExitCode}); run it by hand with the same script to see why.");
        double D(int g) => double.Parse(line.Groups[g].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        return new WrkResult(requests, D(2),
            long.Parse(line.Groups[3].Value, CultureInfo.InvariantCulture) + long.Parse(line.Groups[4].Value, CultureInfo.InvariantCulture),
            D(5) / 1000, D(6) / 1000, D(7) / 1000, requests > 0 ? cpu / requests : double.NaN, long.Parse(line.Groups[4].Value, CultureInfo.InvariantCulture),
            string.Join(", ", Regex.Matches(output, @"^WRKSTATUS (\d+) (\d+)$", RegexOptions.Multiline).Select(m => $"{m.Groups[1].Value}×{m.Groups[2].Value}")));
    }

    /// <summary>
    /// The floor: an ASP.NET Core endpoint in the same host that reads the same body and inserts the same scored row
    /// (a PHQ-9 response of one of the active relationships, in turn) into the same database with the same DbContext,
    /// and nothing else: no authentication, no checks, no signals, no audit.
    /// </summary>
    private sealed class BareInsert
    {
        private List<Guid> relationships = [];
        private Dictionary<string, decimal?> answers = [];
        private ScoreResult? result;
        private int next;

        public void Prepare(List<Guid> open, InstrumentDefinition phq9)
        {
            relationships = open;
            answers = Clinic.Phq9(7);
            result = InstrumentScorer.Score(phq9, answers).Result!;
        }

        public async Task<IResult> InsertAsync(HttpRequest request, AttuneDbContext db, CancellationToken ct)
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            var relationship = relationships[(int)((uint)Interlocked.Increment(ref next) % (uint)relationships.Count)];
            db.Responses.Add(new InstrumentResponse(relationship, null, null, answers, result!, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(ct);
            return Results.StatusCode(StatusCodes.Status201Created);
        }
    }
}
