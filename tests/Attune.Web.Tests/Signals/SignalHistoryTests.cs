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
            AddExpectedCourse(app, db, open, phq9, now);
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
            Assert.Equal(expected.Select(s => s.Key).Order(), (await KeysRaisedAsync(db, relationshipId, ct)).Order());
        }
    }

    /// <summary>
    /// Issue 22: the database keeps each relationship's series of a measure summed (ResponseSeries: a trigger on every
    /// insert, rescore and delete of a response), and the evaluator reads a long series of Connection Checks as its latest
    /// with that sum: the client's running baseline is still the mean of every Check before the latest.
    /// </summary>
    [Theory, AllDatabases]
    public async Task A_long_series_of_Connection_Checks_is_judged_against_every_earlier_Check_from_the_sum_the_database_keeps(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ada Longhaul");
        var now = app.Clock.GetUtcNow();
        var catalog = app.Services.GetRequiredService<InstrumentCatalog>();
        var (cc, phq9) = (catalog.Get("connection-check"), catalog.Get("phq-9"));
        InstrumentResponse Check(Guid relationshipId, int[] items, int weeksAgo) => Scored(cc, relationshipId,
            LowAllianceRule.SessionItems.Select((item, i) => (item, (decimal?)items[i])).Append(("moment", 0m)).ToDictionary(x => x.Item1, x => x.Item2), now.AddDays(-7 * weeksAgo));
        int[] ten = [10, 10, 10, 10, 10, 10, 10], nine = [9, 9, 9, 9, 9, 9, 9], eightish = [8, 8, 8, 9, 9, 8, 9], eight = [8, 8, 8, 8, 8, 8, 8];
        Guid relationshipId, revised, removed;
        await using (var db = app.CreateDbContext())
        {
            relationshipId = await db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id).SingleAsync(ct);
            // Fourteen Checks of 10, then seven that alternate 9.0 and 8.4 (none a run of low ones as long as the window),
            // with a PHQ-9 each week.
            var checks = Enumerable.Range(0, 14).Select(k => Check(relationshipId, ten, 30 - k))
                .Concat(Enumerable.Range(0, 7).Select(k => Check(relationshipId, k % 2 == 0 ? nine : eightish, 16 - k))).ToList();
            db.Responses.AddRange(checks);
            db.Responses.AddRange(Enumerable.Range(0, 21).Select(k => Response(phq9, relationshipId, 12 - k / 3, now.AddDays(-7 * (30 - k)).AddHours(-1))));
            await db.SaveChangesAsync(ct);
            (revised, removed) = (checks[2].Id, checks[3].Id);
        }
        // A Check rescored (the client changed their answers), another deleted: the database's sums follow.
        await using (var db = app.CreateDbContext())
        {
            var r = await db.Responses.SingleAsync(x => x.Id == revised, ct);
            var answers = LowAllianceRule.SessionItems.Select((item, i) => (item, (decimal?)(i < 2 ? 10 : 9))).ToDictionary(x => x.item, x => x.Item2);
            answers["moment"] = 0;
            r.Revise(answers, InstrumentScorer.Score(cc, answers).Result!, now.AddDays(-28));
            db.Responses.Remove(await db.Responses.SingleAsync(x => x.Id == removed, ct));
            await db.SaveChangesAsync(ct);
        }
        await AssertSeriesAsync(app, relationshipId, ct);

        // The latest Check, 8.0 after them: against every earlier Check its usual is (12 × 10 + 9.3 + 4 × 9.0 + 3 × 8.4) / 20 = 9.525
        // (from the sum of the Checks read, the first and the latest eight, it would be nothing like it, and no drop).
        await using (var db = app.CreateDbContext())
        {
            db.Responses.Add(Check(relationshipId, eight, 0));
            await db.SaveChangesAsync(ct);
        }
        await AssertSeriesAsync(app, relationshipId, ct);
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationshipId, ct);
        await using (var db = app.CreateDbContext())
        {
            var scores = (await db.Responses.AsNoTracking().Where(r => r.RelationshipId == relationshipId && r.Instrument == "connection-check").ToListAsync(ct))
                .OrderBy(r => r.CompletedAt).Select(r => r.Score).ToList();
            Assert.Equal(21, scores.Count);
            var usual = scores.SkipLast(1).Average();
            Assert.Equal(9.525m, usual);
            var drop = Assert.Single(await db.Alerts.AsNoTracking().Where(a => a.RelationshipId == relationshipId && a.Kind == SignalKind.AllianceDrop).ToListAsync(ct));
            Assert.Equal($"Connection Check mean 8.0, {usual - 8.0m:0.0} below this client's usual {usual:0.0}.", drop.Explanation);
            Assert.Equal("Connection Check mean 8.0, 1.5 below this client's usual 9.5.", drop.Explanation);
        }

        // A relationship deleted (as erasure deletes one) takes its series with it.
        await using (var db = app.CreateDbContext())
        {
            await db.Relationships.Where(r => r.Id == relationshipId).ExecuteDeleteAsync(ct);
            Assert.False(await db.ResponseSeries.AnyAsync(s => s.RelationshipId == relationshipId, ct));
        }
    }

    /// <summary>
    /// Issue 22: the evaluator reads a long series as the database's sum with its latest Checks, two statements. A Check
    /// of the same client that commits between them (a second device, a FHIR system and the check-in screen at once)
    /// must not be read in one and not the other: the baseline would be computed from a sum without it and a place one
    /// short. Here one commits right after the summary is first read; the evaluation running then must explain the new
    /// Check's drop against every Check before it, as the new Check's own evaluation does, or leave it to that one.
    /// </summary>
    [Theory, AllDatabases]
    public async Task A_Check_that_commits_while_the_series_is_being_read_is_judged_against_every_Check_before_it_not_half_read(string provider)
    {
        var interleave = new AfterSeriesRead();
        await using var app = await AttuneFactory.StartAsync(provider, services: s => s.ConfigureDbContext<Attune.Data.AttuneDbContext>(o => o.AddInterceptors(interleave)));
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ada Twodevices");
        var now = app.Clock.GetUtcNow();
        var cc = app.Services.GetRequiredService<InstrumentCatalog>().Get("connection-check");
        InstrumentResponse Check(Guid relationshipId, decimal item, int daysAgo) => Scored(cc, relationshipId,
            LowAllianceRule.SessionItems.Select(i => (i, (decimal?)item)).Append(("moment", 0m)).ToDictionary(x => x.Item1, x => x.Item2), now.AddDays(-daysAgo));
        Guid relationshipId;
        await using (var db = app.CreateDbContext())
        {
            relationshipId = await db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id).SingleAsync(ct);
            db.Responses.AddRange(Enumerable.Range(0, 20).Select(k => Check(relationshipId, 10, 7 * (20 - k))));
            await db.SaveChangesAsync(ct);
        }
        // Twenty Checks of 10; a 21st, of 8, commits while the evaluation of the 20th is between its reads.
        interleave.Then = async () =>
        {
            await using var other = app.CreateDbContext();
            other.Responses.Add(Check(relationshipId, 8, 0));
            await other.SaveChangesAsync(ct);
        };
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationshipId, ct);
        Assert.True(interleave.Done, "the 21st Check was not written between the evaluation's reads");
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationshipId, ct);
        await using (var db = app.CreateDbContext())
        {
            var drop = Assert.Single(await db.Alerts.AsNoTracking().Where(a => a.RelationshipId == relationshipId && a.Kind == SignalKind.AllianceDrop).ToListAsync(ct));
            // Against the twenty before it: (20 × 10) / 20. Half read, it was (200 − 8) / 19 = 10.1 and 2.1 below.
            Assert.Equal("Connection Check mean 8.0, 2.0 below this client's usual 10.0.", drop.Explanation);
        }
    }

    /// <summary>
    /// The same for a long outcome series, read as its latest scores with the series' length: a PHQ-9 that commits
    /// between the summary's read and the scores' is counted in the place it is given ("measurement 25", not 24).
    /// </summary>
    [Theory, AllDatabases]
    public async Task A_score_that_commits_while_its_series_is_being_read_is_given_its_own_place(string provider)
    {
        var interleave = new AfterSeriesRead();
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["ExpectedResponse:MinimumClients"] = "3" },
            s => s.ConfigureDbContext<Attune.Data.AttuneDbContext>(o => o.AddInterceptors(interleave)));
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ada Twodevices");
        var now = app.Clock.GetUtcNow();
        var phq9 = app.Services.GetRequiredService<InstrumentCatalog>().Get("phq-9");
        Guid relationshipId;
        await using (var db = app.CreateDbContext())
        {
            var open = await db.Relationships.SingleAsync(r => r.ClientId == clientId, ct);
            relationshipId = open.Id;
            AddExpectedCourse(app, db, open, phq9, now);
            // From 20 down the expected course for twenty weeks, then 24 for three: off track within the latest scores
            // read (a run that began before them would have the series read whole, and the window's length not used).
            int[] scores = [.. Enumerable.Range(0, 21).Select(k => 20 - k / 2), 24, 24, 24];
            for (var k = 0; k < scores.Length; k++)
                db.Responses.Add(Response(phq9, open.Id, scores[k], now.AddDays(-7 * (scores.Length - k) - 1)));
            await db.SaveChangesAsync(ct);
        }
        // A 25th PHQ-9 of 24 commits while the evaluation is between its reads.
        interleave.Then = async () =>
        {
            await using var other = app.CreateDbContext();
            other.Responses.Add(Response(phq9, relationshipId, 24, now));
            await other.SaveChangesAsync(ct);
        };
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationshipId, ct);
        Assert.True(interleave.Done, "the 25th PHQ-9 was not written between the evaluation's reads");
        await using (var db = app.CreateDbContext())
        {
            var offTrack = Assert.Single(await db.Alerts.AsNoTracking().Where(a => a.RelationshipId == relationshipId && a.Kind == SignalKind.NotOnTrack).ToListAsync(ct));
            Assert.StartsWith("PHQ-9 24 at measurement 25: worse than the lower bound", offTrack.Explanation);
        }
    }

    /// <summary>Runs <see cref="Then"/> once, right after a read of the summed series has run (on another connection).</summary>
    private sealed class AfterSeriesRead : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public Func<Task>? Then { get; set; }
        public bool Done { get; private set; }

        public override async ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (Then is { } then && command.CommandText.Contains("\"ResponseSeries\"", StringComparison.Ordinal) && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.Ordinal))
            {
                Then = null;
                await then();
                Done = true;
            }
            return result;
        }
    }

    /// <summary>
    /// Issue 22: of a relationship's sessions the evaluator reads only those the engagement rule speaks of, from the latest
    /// attended one on. A no-show before it is over; one after it is a signal; and, with a clinic's long gap set, the time
    /// since the last attended one is a signal too: so with thirty sessions behind them.
    /// </summary>
    [Theory, AllDatabases]
    public async Task Of_a_long_run_of_sessions_only_a_no_show_since_the_last_attended_one_is_a_signal(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ira Regular");
        var now = app.Clock.GetUtcNow();
        Guid relationshipId, recent, last;
        await using (var db = app.CreateDbContext())
        {
            var r = await db.Relationships.Include(x => x.Sessions).SingleAsync(x => x.ClientId == clientId, ct);
            relationshipId = r.Id;
            (await db.Organisations.SingleAsync(o => o.Id == r.OrganisationId, ct)).SetSignalLevels(new SignalSettings { LongGapDays = 14 });
            for (var k = 0; k < 30; k++)
                r.RecordSession(now.AddDays(-7 * (32 - k)), SessionModality.InPerson, k == 10 ? SessionAttendance.NoShow : SessionAttendance.Attended);
            last = r.RecordSession(now.AddDays(-20), SessionModality.InPerson, SessionAttendance.Attended).Id;
            recent = r.RecordSession(now.AddDays(-2), SessionModality.InPerson, SessionAttendance.NoShow).Id;
            await db.SaveChangesAsync(ct);
        }
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationshipId, ct);
        await using (var db = app.CreateDbContext())
        {
            var alert = Assert.Single(await db.Alerts.AsNoTracking().Where(a => a.RelationshipId == relationshipId).ToListAsync(ct));
            // One engagement alert: the no-show, refreshed with the long gap.
            var keys = (await KeysRaisedAsync(db, relationshipId, ct)).Distinct().Order().ToList();
            Assert.Equal(new[] { $"long-gap:{last}", $"no-show:{recent}" }.Order(), keys);
            // The same as the rule finds in every session.
            var whole = await db.Relationships.Include(x => x.Sessions).AsNoTracking().SingleAsync(x => x.Id == relationshipId, ct);
            Assert.Equal(32, whole.Sessions.Count);
            var expected = new EngagementRule().Evaluate(new SignalInput(whole, [], [], [], app.Clock.GetUtcNow()), new SignalSettings { LongGapDays = 14 }, _ => null);
            Assert.Equal(keys, expected.Select(x => x.Key).Order());
        }
    }

    /// <summary>
    /// Issue 22: of the clinician's ratings the evaluator reads the latest and those of the sessions whose Connection Check
    /// it read; of a long series of Checks, those of the sessions rated. Twenty sessions on, a Check that arrives late for
    /// a session rated long ago, and a rating revised late on a session whose Check is long past, are still perception gaps.
    /// </summary>
    [Theory, AllDatabases]
    public async Task A_perception_gap_is_found_when_a_Check_or_a_rating_arrives_late_for_a_session_long_past(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Lou Later");
        var now = app.Clock.GetUtcNow();
        var cc = app.Services.GetRequiredService<InstrumentCatalog>().Get("connection-check");
        InstrumentResponse Check(Guid relationshipId, Guid sessionId, int each, DateTimeOffset at) => Scored(cc, relationshipId,
            LowAllianceRule.SessionItems.Select(i => (i, (decimal?)each)).Append(("moment", 0m)).ToDictionary(x => x.Item1, x => x.Item2), at, sessionId);
        Guid relationshipId;
        List<Guid> sessions;
        await using (var db = app.CreateDbContext())
        {
            var r = await db.Relationships.Include(x => x.Sessions).SingleAsync(x => x.ClientId == clientId, ct);
            relationshipId = r.Id;
            sessions = Enumerable.Range(0, 20).Select(k => r.RecordSession(now.AddDays(-7 * (21 - k)), SessionModality.InPerson, SessionAttendance.Attended).Id).ToList();
            for (var k = 0; k < 20; k++)
            {
                var at = now.AddDays(-7 * (21 - k));
                // Every session has its Check (the second a low 6, the rest 9) save the third; each its rating, the third's a 10.
                if (k != 2) db.Responses.Add(Check(r.Id, sessions[k], k == 1 ? 6 : 9, at.AddHours(1)));
                db.Reflections.Add(new Core.Reflections.SessionReflection(r.Id, sessions[k], r.ClinicianId, k == 2 ? 10 : k == 1 ? 6 : 9, Core.Reflections.Tension.None, null, at.AddHours(2)));
            }
            await db.SaveChangesAsync(ct);
        }
        async Task<List<string>> GapsAfterEvaluationAsync()
        {
            using (var scope = app.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<SignalEvaluator>().EvaluateAsync(relationshipId, ct);
            await using var db = app.CreateDbContext();
            return [.. (await KeysRaisedAsync(db, relationshipId, ct)).Where(k => k.StartsWith("perception-gap:", StringComparison.Ordinal)).Order()];
        }
        Assert.Empty(await GapsAfterEvaluationAsync());

        // The third session's Check arrives now, a 6 where the clinician had felt a 10.
        await using (var db = app.CreateDbContext())
        {
            db.Responses.Add(Check(relationshipId, sessions[2], 6, now));
            await db.SaveChangesAsync(ct);
        }
        Assert.Equal([$"perception-gap:{sessions[2]}"], await GapsAfterEvaluationAsync());

        // The clinician revises their rating of the second session (whose Check was a 6) to a 10.
        await using (var db = app.CreateDbContext())
        {
            var reflection = await db.Reflections.SingleAsync(x => x.SessionId == sessions[1], ct);
            reflection.Revise(10, Core.Reflections.Tension.None, null, now.AddMinutes(5));
            await db.SaveChangesAsync(ct);
        }
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(new[] { $"perception-gap:{sessions[1]}", $"perception-gap:{sessions[2]}" }.Order(), await GapsAfterEvaluationAsync());
    }

    /// <summary>Every signal a relationship's alerts were raised or refreshed for: their keys and those of their earlier evidence.</summary>
    private static async Task<List<string>> KeysRaisedAsync(Data.AttuneDbContext db, Guid relationshipId, CancellationToken ct)
    {
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.RelationshipId == relationshipId).Select(a => new { a.Id, a.Key }).ToListAsync(ct);
        var ids = alerts.Select(a => a.Id).ToList();
        return [.. alerts.Select(a => a.Key), .. await db.AlertEvidence.Where(e => ids.Contains(e.AlertId)).Select(e => e.Key).ToListAsync(ct)];
    }

    /// <summary>The database's sums equal the relationship's responses counted and added up here.</summary>
    /// <summary>Three closed clients whose PHQ-9 fell from 20 by about half a point a week: the clinic's expected course (with a minimum of 3).</summary>
    private static void AddExpectedCourse(AttuneFactory app, Attune.Data.AttuneDbContext db, TherapeuticRelationship open, InstrumentDefinition phq9, DateTimeOffset now)
    {
        var protector = app.Services.GetRequiredService<FreeTextProtector>();
        for (var c = 0; c < 3; c++)
        {
            var client = new Client(open.OrganisationId, $"Closed {c}", now.AddDays(-400));
            db.Clients.Add(client);
            var closed = new TherapeuticRelationship(open.OrganisationId, client.Id, open.ClinicianId, now.AddDays(-399));
            db.Relationships.Add(closed);
            for (var k = 0; k < 30; k++)
                db.Responses.Add(Response(phq9, closed.Id, k == 0 ? 20 : 20 - k / 2 - c % 2, now.AddDays(-398 + 7 * k)));
            closed.MoveTo(RelationshipPhase.Termination, "Planned ending", now.AddDays(-150));
            db.Endings.Add(closed.End(Core.Endings.EndingKind.Planned, Core.Endings.EndingReason.GoalsMet, protector.Protect("Ended")!, null, now.AddDays(-149)));
        }
    }

    private static async Task AssertSeriesAsync(AttuneFactory app, Guid relationshipId, CancellationToken ct)
    {
        await using var db = app.CreateDbContext();
        var responses = await db.Responses.AsNoTracking().Where(r => r.RelationshipId == relationshipId).ToListAsync(ct);
        var expected = responses.GroupBy(r => r.Instrument).Select(g => (g.Key, g.Count(), g.Sum(r => r.Score))).Order().ToList();
        var kept = (await db.ResponseSeries.AsNoTracking().Where(s => s.RelationshipId == relationshipId).ToListAsync(ct))
            .Select(s => (s.Instrument, s.Count, s.ScoreSum)).Order().ToList();
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected, kept);
    }

    private static InstrumentResponse Scored(InstrumentDefinition d, Guid relationshipId, Dictionary<string, decimal?> answers, DateTimeOffset at, Guid? sessionId = null) =>
        new(relationshipId, null, sessionId, answers, InstrumentScorer.Score(d, answers).Result!, at);

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
