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
/// process, as the relationship's history grows: the same relationship with 24 responses, then with more PHQ-9s
/// added (124, 324, 1,024). A cost independent of history is the same on every line. The first size is evaluated as
/// many times again before it is timed, for the JIT to warm up.
/// </summary>
internal static class SignalsBench
{
    public static async Task RunAsync(string? postgres, bool explain = false, int evaluations = 600)
    {
        await using var host = new BenchHost(postgres);
        await host.StartAsync();
        await Clinic.GenerateAsync(host.App.Services, 20, 20);
        Guid relationship;
        using (var scope = host.App.Services.CreateScope())
            relationship = await scope.ServiceProvider.GetRequiredService<AttuneDbContext>().Relationships.Where(r => r.ClosedAt == null).Select(r => r.Id).FirstAsync();
        Console.WriteLine($"One relationship's signals evaluated {evaluations} times, in process, at each size of its history ({host.Database}):");
        foreach (var size in new[] { 24, 124, 324, 1024 })
        {
            using (var scope = host.App.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
                var phq9 = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>().Get("phq-9");
                var answers = Clinic.Phq9(7);
                var result = InstrumentScorer.Score(phq9, answers).Result!;
                var have = await db.Responses.CountAsync(r => r.RelationshipId == relationship);
                for (var i = have; i < size; i++)
                    db.Responses.Add(new InstrumentResponse(relationship, null, null, answers, result, DateTimeOffset.UtcNow.AddDays(-7).AddMinutes(i)));
                await db.SaveChangesAsync();
            }
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
        if (!explain) return;
        // The evaluation's reads, each with the database's plan for it.
        using var recorder = new SqlFloor();
        recorder.Start();
        using (var scope = host.App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationship);
        SqlFloor.Print(await SqlFloor.ExplainAsync(host.App.Services, recorder.Stop()));
    }
}
