using System.Diagnostics;
using System.Globalization;
using Attune.Core.Analytics;
using Attune.Core.Clinic;
using Attune.Core.Endings;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.CheckIns;
using Attune.Core.Ruptures;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web;
using Attune.Web.Features.Analytics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Issue 20, point 5: the clinic analytics A–G on a generated clinic (by default 100,000 closed relationships with
/// 1.5 million attended sessions), read from the database and computed as the page does, timed beside the same
/// computation in R (docs/analytics-check.R, lme4 from Debian's packages) on the same rows, with the figures compared.
/// </summary>
internal static class AnalyticsBench
{
    public static async Task RunAsync(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var relationships = int.TryParse(Value("--relationships"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 100_000;
        var postgres = Value("--postgres");
        var keep = Value("--keep");
        // Into an existing clinic (say the demo's, in the data directory --keep names), to look at the pages; no timing.
        var into = Value("--organisation");
        var dir = keep is null ? Directory.CreateTempSubdirectory("attune-analytics-bench-") : Directory.CreateDirectory(keep);
        var hostArgs = new List<string> { "--urls", $"http://127.0.0.1:{Ports.Free()}", "--Demo:Seed=false", "--Logging:LogLevel:Default=Warning" };
        if (postgres is not null)
            // With --keep, a database of a fixed name that stays for --reuse; without, a new one that goes at the end.
            hostArgs.AddRange(["--Database:Provider=postgres", $"--ConnectionStrings:Attune={postgres};Database={(keep is null ? $"attune_bench_{Guid.NewGuid():N}" : "attune_bench_kept")}"]);
        else
            hostArgs.Add($"--Database:DataDirectory={dir.FullName}");
        var app = AttuneHost.Build(hostArgs.ToArray());
        await app.StartAsync();
        var stem = Path.Combine(dir.FullName, "clinic");
        try
        {
            var generate = Stopwatch.StartNew();
            // --reuse: the clinic a --keep run left, to measure again after a change without generating it anew.
            var (org, sessions) = args.Contains("--reuse") ? await ReuseAsync(app.Services) : await GenerateAsync(app.Services, relationships, stem, into);
            Console.WriteLine($"Generated {relationships:N0} closed relationships with {sessions:N0} attended sessions in {generate.Elapsed.TotalSeconds:0} s ({(postgres is null ? "SQLite" : "PostgreSQL")}).");
            if (into is not null)
                return;

            // As the page does: the rows from the database, then A–G; once cold (with EF Core's query compilation), then
            // five times warm, of which the median is the figure (single runs on this machine vary by a second or more).
            ClinicAnalyticsResult? result = null;
            var runs = new List<(double Load, double Compute)>();
            for (var i = 0; i < 6; i++)
            {
                GC.Collect();
                using var scope = app.Services.CreateScope();
                var query = scope.ServiceProvider.GetRequiredService<AnalyticsQuery>();
                var sw = Stopwatch.StartNew();
                var cases = await query.CasesAsync(org, null, null, null);
                var load = sw.Elapsed.TotalSeconds;
                result = ClinicAnalytics.Compute(cases, query.Settings());
                runs.Add((load, sw.Elapsed.TotalSeconds - load));
                if (cases.Count != relationships) throw new InvalidOperationException($"Read {cases.Count} relationships, not {relationships}.");
            }
            foreach (var (run, i) in runs.Select((r, i) => (r, i)))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Attune, run {i + 1}: {run.Load + run.Compute:0.00} s (read from the database {run.Load:0.00} s, A–G {run.Compute:0.00} s)"));
            Console.WriteLine($"Attune working set after the runs: {Environment.WorkingSet / 1024 / 1024} MiB");

            var script = Path.Combine(Root(), "docs", "analytics-check.R");
            var r = Stopwatch.StartNew();
            var start = new ProcessStartInfo("Rscript") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--vanilla", script, stem }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"R failed: {error}");
            var wall = r.Elapsed.TotalSeconds;
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(','))
                .ToDictionary(l => l[0], l => l.Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
            var (read, compute) = (lines["T"][0], lines["T"][1]);
            var warm = runs.Skip(1).Select(x => x.Load + x.Compute).Order().ToList();
            var best = warm[warm.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Attune, warm runs: median {best:0.00} s, fastest {warm[0]:0.00} s, slowest {warm[^1]:0.00} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"R (Rscript, lme4): {wall:0.00} s in all (reading the CSV files {read:0.00} s, A–G {compute:0.00} s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Ratio: Attune's median warm run {best:0.00} s against R's {read + compute:0.00} s (read + compute) = {best / (read + compute):0.00}; computation alone {runs.Skip(1).Select(x => x.Compute).Order().ElementAt(warm.Count / 2):0.00} s against {compute:0.00} s"));

            // The same figures, or the benchmark has measured the wrong thing.
            var a = result!.AllianceOutcome!;
            var b = result.TherapistEffect!;
            var c = result.VideoMinusInPerson!;
            var diffs = new[]
            {
                ("A r", a.R, lines["A"][1]), ("A lower", a.Lower, lines["A"][2]), ("B tau00", b.Tau00, lines["B"][1]), ("B sigma2", b.Sigma2, lines["B"][2]),
                ("B ICC", b.Icc, lines["B"][3]), ("B slope", b.Slope, lines["B"][4]), ("C difference", c.Difference, lines["C"][2]), ("C lower", c.Lower, lines["C"][3]),
            };
            foreach (var (name, mine, theirs) in diffs)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-13} Attune {mine,22:R}  R {theirs,22:R}  relative difference {Math.Abs(mine - theirs) / Math.Max(Math.Abs(theirs), 1e-300):0.0e+0}"));
            if (result.Outcomes.N != (int)lines["D"][0] || result.Outcomes.Improved != (int)lines["D"][1] || result.Dropout.Count != (int)lines["E"][0])
                throw new InvalidOperationException("The counts of D or E differ from R's.");
            Console.WriteLine("  D and E counts equal R's.");
        }
        finally
        {
            if (postgres is not null && keep is null)
            {
                using var scope = app.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<AttuneDbContext>().Database.EnsureDeletedAsync();
            }
            await app.StopAsync();
            await app.DisposeAsync();
            if (keep is null) dir.Delete(recursive: true);
            else Console.WriteLine($"Kept the database and the CSV files in {dir.FullName}.");
        }
    }

    private static async Task<(Guid, long)> ReuseAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var org = await db.Organisations.Where(o => o.Name == "Analytics Benchmark Clinic").Select(o => o.Id).SingleAsync();
        return (org, await db.Sessions.LongCountAsync());
    }

    internal static string Root()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Attune.slnx"))) d = d.Parent;
        return d?.FullName ?? throw new DirectoryNotFoundException("Attune.slnx not found above the benchmark.");
    }

    /// <summary>
    /// The clinic, through the domain (sessions recorded, answers scored, relationships ended), in batches; and the same
    /// rows as the CSV files R reads, written as they are made.
    /// </summary>
    internal static async Task<(Guid Organisation, long Sessions)> GenerateAsync(IServiceProvider services, int count, string stem, string? into)
    {
        var random = new Random(2026);
        var now = DateTimeOffset.UtcNow;
        Guid orgId;
        List<(Guid Id, double Skill)> clinicians;
        InstrumentDefinition phq9, cc;
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var catalog = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>();
            (phq9, cc) = (catalog.Get("phq-9"), catalog.Get("connection-check"));
            var org = into is null ? new Organisation("Analytics Benchmark Clinic", now.AddYears(-5))
                : await db.Organisations.SingleAsync(o => o.Name == into);
            List<Clinician> made;
            if (into is null)
            {
                db.Organisations.Add(org);
                made = Enumerable.Range(1, 40).Select(i => new Clinician(org.Id, $"Clinician {i}", now.AddYears(-5))).ToList();
                db.Clinicians.AddRange(made);
                await db.SaveChangesAsync();
            }
            else
                made = await db.Clinicians.Where(c => c.OrganisationId == org.Id).ToListAsync();
            orgId = org.Id;
            clinicians = made.Select(c => (c.Id, 3 * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1))).ToList();
        }
        await using var sessionsCsv = new StreamWriter(stem + "-sessions.csv");
        await using var relationshipsCsv = new StreamWriter(stem + "-relationships.csv");
        await sessionsCsv.WriteLineAsync("relationship,number,video,cc");
        await relationshipsCsv.WriteLineAsync("relationship,clinician,nphq,first,last,kind,reason,ruptures,top");
        long sessionCount = 0;
        const int Batch = 1000;
        for (var done = 0; done < count; done += Batch)
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            void Answer(TherapeuticRelationship r, InstrumentDefinition d, Dictionary<string, decimal?> answers, Guid? session, DateTimeOffset at)
            {
                var scored = InstrumentScorer.Score(d, answers);
                if (scored.Result is null) throw new InvalidOperationException(string.Join("; ", scored.Errors));
                db.Responses.Add(new InstrumentResponse(r.Id, null, session, answers, scored.Result, at));
            }
            for (var k = done; k < Math.Min(count, done + Batch); k++)
            {
                var (clinicianId, skill) = clinicians[k % clinicians.Count];
                var opened = now.AddDays(-1800 + random.Next(1600));
                var client = new Client(orgId, "Generated client", opened.AddDays(-1));
                db.Clients.Add(client);
                var r = new TherapeuticRelationship(orgId, client.Id, clinicianId, opened);
                db.Relationships.Add(r);
                var videoLikely = random.NextDouble();
                var first = 6 + random.Next(20);
                var allianceBase = 5 + random.Next(5);
                var sessions = 8 + k % 15;
                for (var s = 1; s <= sessions; s++)
                {
                    var video = random.NextDouble() < videoLikely;
                    var session = r.RecordSession(opened.AddDays(7 * s), video ? SessionModality.Video : SessionModality.InPerson, SessionAttendance.Attended);
                    int? value = random.NextDouble() < 0.8 ? Math.Clamp(allianceBase + random.Next(-2, 3), 0, 10) : null;
                    if (value is { } v)
                        Answer(r, cc, new Dictionary<string, decimal?>(cc.ScoredItems.ToDictionary(i => i.Id, _ => (decimal?)v)) { ["moment"] = 2 }, session.Id, session.StartsAt.AddHours(1));
                    await sessionsCsv.WriteLineAsync($"{r.Id},{s},{(video ? "TRUE" : "FALSE")},{(value is { } x ? x.ToString(CultureInfo.InvariantCulture) : "NA")}");
                }
                sessionCount += sessions;
                var phq = new List<int> { first };
                if (random.NextDouble() < 0.9)
                    phq.Add((int)Math.Clamp(Math.Round(first - 0.4 * first - skill - 0.8 * (allianceBase - 7) + 3 * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1)), 0, 27));
                for (var i = 0; i < phq.Count; i++)
                    Answer(r, phq9, Enumerable.Range(1, 9).ToDictionary(j => j.ToString(CultureInfo.InvariantCulture), j => (decimal?)Math.Clamp(phq[i] - 3 * (j - 1), 0, 3)),
                        null, opened.AddDays(i == 0 ? 1 : 7 * sessions + 1));
                var history = (RuptureHistory)random.Next(3);
                if (history != RuptureHistory.None)
                {
                    var s1 = r.Sessions.First();
                    db.Ruptures.Add(new RuptureRecord(r.Id, s1.Id, s1.StartsAt, RuptureMarker.ComplaintAboutActivities, NoticedBy.ClientReport, [RepairStrategy.InviteDiscussion],
                        history == RuptureHistory.Repaired ? RuptureResolution.Resolved : RuptureResolution.NotResolved, null, null, Guid.Empty, s1.StartsAt.AddDays(1)));
                }
                var planned = random.NextDouble() < 0.6;
                var reason = planned ? EndingReason.GoalsMet : new[] { EndingReason.NoContact, EndingReason.ClientMovedOn, EndingReason.FinancialOrPractical }[random.Next(3)];
                var endAt = opened.AddDays(7 * sessions + 3);
                if (planned)
                    r.MoveTo(RelationshipPhase.Termination, "cipher", endAt.AddHours(-1));
                db.Endings.Add(r.End(planned ? EndingKind.Planned : EndingKind.Unplanned, reason, "cipher", null, endAt));
                var top = random.Next(3) switch { 0 => "none", 1 => "yes", _ => "no" };
                if (top != "none")
                    db.MatchAssignments.Add(new Attune.Core.Matching.MatchAssignment(orgId, client.Id, r.Id, clinicianId, top == "yes" ? 1 : 2, 3, 1, false, "cipher", Guid.Empty, opened));
                await relationshipsCsv.WriteLineAsync($"{r.Id},{clinicianId},{phq.Count},{phq[0]},{phq[^1]},{(planned ? "Planned" : "Unplanned")},{reason},{history},{top}");
            }
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            if ((done + Batch) % 10_000 == 0)
                Console.Write($"\r  {done + Batch:N0} of {count:N0}");
        }
        Console.WriteLine();
        return (orgId, sessionCount);
    }
}
