using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Core.Signals;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Signals;

/// <summary>
/// Issue 22: of a long series of scores the evaluator reads the first and the latest
/// (<see cref="SignalEvaluator.LatestScores"/>) from the database, and the whole series when an off-track run reaches back
/// past them. Its alerts must be those the rules find in every response.
/// </summary>
public class SignalHistoryTests
{
    [Theory, AllDatabases]
    public async Task A_long_off_track_run_is_found_from_where_it_began_though_only_the_latest_scores_are_read(string provider)
    {
        // Three closed clients make the clinic's expected course (a setting lowers the minimum of 20 clients).
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["ExpectedResponse:MinimumClients"] = "3" });
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ada Longhaul");
        var now = app.Clock.GetUtcNow();
        var phq9 = app.Services.GetRequiredService<InstrumentCatalog>().Get("phq-9");
        List<Guid> series = [];
        Guid relationshipId;
        await using (var db = app.CreateDbContext())
        {
            var open = await db.Relationships.SingleAsync(r => r.ClientId == clientId, ct);
            relationshipId = open.Id;
            var protector = app.Services.GetRequiredService<FreeTextProtector>();
            for (var c = 0; c < 3; c++)
            {
                var client = new Client(open.OrganisationId, $"Closed {c}", now.AddDays(-400));
                db.Clients.Add(client);
                var closed = new TherapeuticRelationship(open.OrganisationId, client.Id, open.ClinicianId, now.AddDays(-399));
                db.Relationships.Add(closed);
                // From 20 (severe) down by about half a point a week.
                for (var k = 0; k < 30; k++)
                    db.Responses.Add(Response(phq9, closed.Id, k == 0 ? 20 : 20 - k / 2 - c % 2, now.AddDays(-398 + 7 * k)));
                closed.MoveTo(RelationshipPhase.Termination, "Planned ending", now.AddDays(-150));
                db.Endings.Add(closed.End(Core.Endings.EndingKind.Planned, Core.Endings.EndingReason.GoalsMet, protector.Protect("Ended")!, null, now.AddDays(-149)));
            }
            // The open client: 20, then better for three weeks, then 24 for twenty weeks (off track from the 5th score on).
            int[] scores = [20, 15, 12, 10, .. Enumerable.Repeat(24, 20)];
            for (var k = 0; k < scores.Length; k++)
            {
                var response = Response(phq9, open.Id, scores[k], now.AddDays(-7 * (scores.Length - k)));
                db.Responses.Add(response);
                series.Add(response.Id);
            }
            await db.SaveChangesAsync(ct);
        }

        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationshipId, ct);

        await using (var db = app.CreateDbContext())
        {
            var alerts = await db.Alerts.AsNoTracking().Where(a => a.RelationshipId == relationshipId).ToListAsync(ct);
            var offTrack = Assert.Single(alerts, a => a.Kind == SignalKind.NotOnTrack);
            // The run began at the 5th score, 16 scores before the latest 8 that were read.
            Assert.Equal($"off-track:{series[4]}", offTrack.Key);
            Assert.StartsWith("PHQ-9 24 at measurement 24: worse than the lower bound", offTrack.Explanation);

            // The same as the rules find in every response, read whole.
            using var scope = app.Services.CreateScope();
            var relationship = await db.Relationships.Include(r => r.Sessions).AsNoTracking().SingleAsync(r => r.Id == relationshipId, ct);
            var all = await db.Responses.AsNoTracking().Where(r => r.RelationshipId == relationshipId).ToListAsync(ct);
            var tables = await scope.ServiceProvider.GetRequiredService<ExpectedResponses>().ForClinicAsync(relationship.OrganisationId, ct);
            var expected = SignalEngine.Evaluate(new SignalInput(relationship, all, [], [], app.Clock.GetUtcNow(), tables, []), new SignalSettings(),
                app.Services.GetRequiredService<InstrumentCatalog>().Find);
            var ids = alerts.Select(a => a.Id).ToList();
            var found = alerts.Select(a => a.Key).Concat(await db.AlertEvidence.Where(e => ids.Contains(e.AlertId)).Select(e => e.Key).ToListAsync(ct));
            Assert.Equal(expected.Select(s => s.Key).Order(), found.Order());
        }
    }

    private static InstrumentResponse Response(InstrumentDefinition phq9, Guid relationshipId, int total, DateTimeOffset at)
    {
        // Nine items adding up to the total, item 9 always 0 (no risk answer).
        var items = Enumerable.Range(0, 9).Select(i => i == 8 ? 0 : Math.Min(3, Math.Max(0, total - 3 * i))).ToArray();
        var answers = items.Select((v, i) => (i, v)).ToDictionary(x => $"{x.i + 1}", x => (decimal?)x.v);
        var result = InstrumentScorer.Score(phq9, answers).Result!;
        Assert.Equal(total, result.Score);
        return new InstrumentResponse(relationshipId, null, null, answers, result, at);
    }
}
