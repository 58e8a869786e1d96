using System.Diagnostics;
using System.Globalization;
using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web.Features.Signals;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Issue 22, P1: what one evaluation of a relationship's signals costs (the step every check-in save ends with), in
/// process, as the relationship's history grows: a relationship with 24 responses, then with more PHQ-9s added (124,
/// 324, 1,024); then another, growing by attended sessions, each with its Connection Check and the clinician's
/// reflection. A cost independent of history is the same on every line. The first size is evaluated as many times
/// again before it is timed, for the JIT to warm up.
/// </summary>
internal static class SignalsBench
{
    public static async Task RunAsync(string? postgres, bool explain = false, int evaluations = 600)
    {
        await using var host = new BenchHost(postgres);
        await host.StartAsync();
        await Clinic.GenerateAsync(host.App.Services, 20, 20);
        List<Guid> relationships;
        using (var scope = host.App.Services.CreateScope())
            relationships = await scope.ServiceProvider.GetRequiredService<AttuneDbContext>().Relationships.Where(r => r.ClosedAt == null).OrderBy(r => r.Id).Select(r => r.Id).Take(2).ToListAsync();
        // Two histories: one growing by outcome measures (PHQ-9, read as scores), one by attended sessions with a Connection
        // Check and a reflection each (read by the alliance and engagement rules), each on its own relationship.
        foreach (var (relationship, instrument, growth) in new[] { (relationships[0], "phq-9", "PHQ-9s"),
                     (relationships[1], "connection-check", "attended sessions with a Connection Check and a reflection each") })
        {
            Console.WriteLine($"One relationship's signals evaluated {evaluations} times, in process, at each size of its history, growing by {growth} ({host.Database}):");
            foreach (var size in new[] { 24, 124, 324, 1024 })
            {
                using (var scope = host.App.Services.CreateScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
                    var definition = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>().Get(instrument);
                    var have = await db.Responses.CountAsync(r => r.RelationshipId == relationship);
                    var tracked = await db.Relationships.Include(r => r.Sessions).SingleAsync(r => r.Id == relationship);
                    for (var i = have; i < size; i++)
                    {
                        var at = DateTimeOffset.UtcNow.AddDays(-7).AddMinutes(i);
                        // Connection Checks of 8 and 9 in turn, with no moment of disconnection (an alliance that holds), each
                        // after an attended session, as in a clinic.
                        var answers = instrument == "phq-9" ? Clinic.Phq9(7) : Clinic.Connection(8 + i % 2, 0);
                        var session = instrument == "phq-9" ? null : tracked.RecordSession(at.AddSeconds(-30), Attune.Core.Relationships.SessionModality.InPerson,
                            Attune.Core.Relationships.SessionAttendance.Attended);
                        db.Responses.Add(new InstrumentResponse(relationship, null, session?.Id, answers, InstrumentScorer.Score(definition, answers).Result!, at));
                        // The clinician's reflection on the session, close to the client's Check.
                        if (session is not null)
                            db.Reflections.Add(new Attune.Core.Reflections.SessionReflection(relationship, session.Id, tracked.ClinicianId, 8 + i % 2,
                                Attune.Core.Reflections.Tension.None, null, at.AddMinutes(5)));
                    }
                    await db.SaveChangesAsync();
                }
                // The planner's statistics of the grown tables, as autovacuum gathers them in a running clinic.
                await Clinic.AnalyzeAsync(host.App.Services);
                var times = new List<double>();
                for (var i = size == 24 ? -evaluations : 0; i < evaluations; i++)
                {
                    using var scope = host.App.Services.CreateScope();
                    var evaluator = scope.ServiceProvider.GetRequiredService<SignalEvaluator>();
                    var sw = Stopwatch.StartNew();
                    await evaluator.EvaluateAsync(relationship);
                    if (i >= 0) times.Add(sw.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {size,5} responses: median {times[times.Count / 2],5:0.00} ms, p25 {times[times.Count / 4],5:0.00} ms, fastest {times[0],5:0.00} ms"));
            }
        }
        if (!explain) return;
        // The evaluation's reads, each with the database's plan for it.
        using var recorder = new SqlFloor();
        recorder.Start();
        using (var scope = host.App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationships[1]);
        SqlFloor.Print(await SqlFloor.ExplainAsync(host.App.Services, recorder.Stop()));
    }
}
