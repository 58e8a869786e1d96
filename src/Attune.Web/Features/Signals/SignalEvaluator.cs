using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Signals;

/// <summary>
/// Runs the signal rules for one relationship when its data changes (a screen of answers saved, a session recorded,
/// a reflection written) and opens an alert for each signal not seen before; a signal already alerted (same key) is
/// the same alert. It also links a logged rupture to the alliance's later recovery (the V-shaped sequence).
/// Rule settings come from the "Signals" configuration section (PRODUCT.md's defaults otherwise).
/// </summary>
public sealed class SignalEvaluator(AttuneDbContext db, InstrumentCatalog catalog, AuditTrail audit, TimeProvider clock, IConfiguration config, ExpectedResponses expected)
{
    /// <summary>The installation's levels: the Signals section of the configuration, else PRODUCT.md's.</summary>
    public SignalSettings Defaults { get; } = config.GetSection("Signals").Get<SignalSettings>() ?? new SignalSettings();

    /// <summary>The levels in force for a clinic: its admins' own, else the installation's.</summary>
    public async Task<SignalSettings> SettingsForAsync(Guid organisationId, CancellationToken ct = default) =>
        await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.SignalLevels).SingleOrDefaultAsync(ct) ?? Defaults;

    /// <summary>Evaluates and saves any new alerts; returns them.</summary>
    public async Task<IReadOnlyList<ClinicalAlert>> EvaluateAsync(Guid relationshipId, CancellationToken ct = default)
    {
        // One connection for the dozen reads below, rather than one opened and closed for each.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await EvaluateOpenAsync(relationshipId, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<IReadOnlyList<ClinicalAlert>> EvaluateOpenAsync(Guid relationshipId, CancellationToken ct)
    {
        // The relationship with its sessions, its clinic's levels and the therapist's name, in one read; with it, whether
        // there is anything to read of the unanswered check-ins, the clinician's ratings, the goals and the ruptures below,
        // so that a relationship without any (most, at any one check-in) costs no statement for them. Of the sessions, only
        // those the engagement rule reads: from the latest attended one on (the no-shows since, the sessions booked), all
        // of them when none was attended; found from the end of the relationship's sessions by their index.
        var now = clock.GetUtcNow();
        var head = await db.Relationships.Include(r => r.Sessions.Where(s => s.StartsAt >= (db.Sessions
                .Where(x => x.RelationshipId == relationshipId && x.Attendance == Core.Relationships.SessionAttendance.Attended && x.StartsAt <= now)
                .OrderByDescending(x => x.StartsAt).Select(x => (DateTimeOffset?)x.StartsAt).FirstOrDefault() ?? DateTimeOffset.MinValue)))
            .AsNoTracking().Where(r => r.Id == relationshipId)
            .Select(r => new
            {
                Relationship = r,
                Levels = db.Organisations.Where(o => o.Id == r.OrganisationId).Select(o => o.SignalLevels).FirstOrDefault(),
                Therapist = db.Clinicians.Where(c => c.Id == r.ClinicianId).Select(c => c.DisplayName).FirstOrDefault(),
                AnyUnanswered = db.CheckIns.Where(c => c.RelationshipId == r.Id).Any(Unanswered),
                AnyRating = db.Reflections.Any(x => x.RelationshipId == r.Id),
                AnyGoalAnswer = db.Goals.Where(g => g.RelationshipId == r.Id).Any(QuestionedGoal),
                AnyRuptureToLink = db.Ruptures.Where(x => x.RelationshipId == r.Id).Any(NotYetRecovered),
            }).SingleAsync(ct);
        var relationship = head.Relationship;
        // Whole where a rule reads the answers (SignalEngine.ReadsWhole), as scores where it reads only those; of a long
        // series, only its first and latest (SeriesWindow), with the number and sum of all its scores that the database
        // keeps (ResponseSeries), so that the cost does not grow with the history. Each read finds its rows by an index,
        // never by visiting the relationship's other responses: under a stream of check-ins every page a read touches
        // may have changed since the connection last read it.
        var series = await db.ResponseSeries.AsNoTracking().Where(s => s.RelationshipId == relationshipId && s.Count > 0)
            .ToDictionaryAsync(s => s.Instrument, ct);
        var answersRead = SignalEngine.AnswersReadFor;
        var windowed = series.Values.Where(s => s.Count > LatestScores + 1 && !answersRead.Contains(s.Instrument)).Select(s => s.Instrument).ToList();
        var checksWindowed = series.GetValueOrDefault(AllianceBaseline.Instrument)?.Count > LatestScores + 1;
        var whole = answersRead.Where(i => !checksWindowed || i != AllianceBaseline.Instrument).ToList();
        var wholeRead = db.Responses.AsNoTracking().Where(r => r.RelationshipId == relationshipId && whole.Contains(r.Instrument))
            .Concat(db.Responses.AsNoTracking().Where(r => r.RelationshipId == relationshipId && r.IsRisk && !answersRead.Contains(r.Instrument)));
        // A long series of Connection Checks: its first and latest, whole, in the same read.
        var checks = db.Responses.AsNoTracking().Where(r => r.RelationshipId == relationshipId && r.Instrument == AllianceBaseline.Instrument);
        if (checksWindowed)
            wholeRead = wholeRead.Concat(checks.OrderByDescending(r => r.CompletedAt).Take(LatestScores)).Concat(checks.OrderBy(r => r.CompletedAt).Take(1));
        List<InstrumentResponse> responses;
        var windows = new Dictionary<string, SeriesWindow>();
        if (checksWindowed)
        {
            // With the series' number and sum as they are when these Checks are read, in the same statement: a Check of
            // this client that commits after the summary above was read (a second device, a system) is then in both or
            // in neither, never read without its share of the sum (its baseline would be a place short and too high).
            var rows = await (from r in wholeRead
                              from s in db.ResponseSeries.Where(s => s.RelationshipId == relationshipId && s.Instrument == AllianceBaseline.Instrument)
                              select new { Response = r, Series = s }).AsNoTracking().ToListAsync(ct);
            if (rows.Count == 0)
                return []; // the relationship was erased meanwhile: its summary went with its responses
            responses = rows.Select(x => x.Response).DistinctBy(r => r.Id).ToList();
            windows[AllianceBaseline.Instrument] = new SeriesWindow(rows[0].Series.Count,
                responses.Where(r => r.Instrument == AllianceBaseline.Instrument).OrderByDescending(r => r.CompletedAt).Take(LatestScores).Min(r => r.CompletedAt),
                rows[0].Series.ScoreSum);
        }
        else
            responses = (await wholeRead.ToListAsync(ct)).DistinctBy(r => r.Id).ToList();
        var shortSeries = series.Keys.Except(windowed).Except(answersRead).ToList();
        var read = responses.Select(r => r.Id).ToHashSet();
        if (shortSeries.Count > 0)
            responses.AddRange((await ScoresAsync(relationshipId, r => shortSeries.Contains(r.Instrument), null, read, ct)).Scores);
        foreach (var instrument in windowed)
        {
            var (latest, from, count) = await ScoresAsync(relationshipId, r => r.Instrument == instrument, LatestScores, read, ct);
            windows[instrument] = new SeriesWindow(count, from);
            responses.AddRange(latest);
        }
        // Of the check-ins and goals, only those a rule can speak of (it filters them again): unanswered check-ins, and
        // goals the client disagreed with or asked to change; not every one the relationship ever had.
        var checkIns = !head.AnyUnanswered ? [] : await db.CheckIns.Where(c => c.RelationshipId == relationshipId).Where(Unanswered).AsNoTracking().ToListAsync(ct);
        // Of the clinician's ratings, the latest (the tension the rules read is the latest's; a rating just written is among
        // them) and those of the sessions whose Connection Check was read (a Check just answered, for the perception gap).
        var checkedSessions = responses.Where(r => r.Instrument == AllianceBaseline.Instrument && r.SessionId != null).Select(r => r.SessionId!.Value).ToList();
        // (Those by their sessions, each a reflection's own: found by the sessions' index, not among the relationship's others.)
        var ratings = !head.AnyRating ? [] : (await db.Reflections.AsNoTracking().Where(r => r.RelationshipId == relationshipId).OrderByDescending(r => r.UpdatedAt).Take(LatestScores)
            .Concat(db.Reflections.AsNoTracking().Where(r => checkedSessions.Contains(r.SessionId)))
            .Select(r => new ClinicianRating(r.SessionId, r.Connected, r.UpdatedAt, r.Tension)).ToListAsync(ct)).Distinct().ToList();
        // The client's Connection Check of each session the clinician rated, for the perception gap, where a window left it out.
        if (checksWindowed && ratings.Select(r => (Guid?)r.SessionId).Except(responses.Where(r => r.Instrument == AllianceBaseline.Instrument).Select(r => r.SessionId)).ToList() is { Count: > 0 } rated)
            responses.AddRange((await ScoresAsync(relationshipId, r => r.Instrument == AllianceBaseline.Instrument && rated.Contains(r.SessionId), null, read, ct)).Scores);
        var goals = !head.AnyGoalAnswer ? [] : await db.Goals.Where(g => g.RelationshipId == relationshipId).Where(QuestionedGoal).AsNoTracking().ToListAsync(ct);
        var tables = await expected.ForClinicAsync(relationship.OrganisationId, ct);
        var settings = head.Levels ?? Defaults;
        // The therapist by name, for the explanations that speak of their own ratings (read by them and their supervisor alike).
        var input = new SignalInput(relationship, responses, checkIns, ratings, now, tables, goals, head.Therapist, windows);
        // A run of low Connection Checks, or a repair, that may reach back past the window: read them whole.
        if (checksWindowed && AllianceBaseline.NeedsWholeSeries(input, settings, catalog.Find))
        {
            responses.RemoveAll(r => r.Instrument == AllianceBaseline.Instrument);
            responses.AddRange(await db.Responses.AsNoTracking().Where(r => r.RelationshipId == relationshipId && r.Instrument == AllianceBaseline.Instrument).ToListAsync(ct));
            windows.Remove(AllianceBaseline.Instrument);
            checksWindowed = false;
            input = input with { Responses = responses, Windows = windows };
        }
        // A run of off-track scores that began before the window: read that series whole to find where it began.
        if (NotOnTrackRule.NeedsWholeSeries(input, catalog.Find) is { Count: > 0 } more)
        {
            foreach (var instrument in more)
            {
                responses.RemoveAll(r => r.Instrument == instrument && !r.IsRisk);
                read = responses.Select(r => r.Id).ToHashSet();
                responses.AddRange((await ScoresAsync(relationshipId, r => r.Instrument == instrument, null, read, ct)).Scores);
                windows.Remove(instrument);
            }
            input = input with { Responses = responses, Windows = windows };
        }
        var signals = SignalEngine.Evaluate(input, settings, catalog.Find);
        if (head.AnyRuptureToLink)
            await LinkRecoveriesAsync(relationship, checksWindowed
                ? (await ScoresAsync(relationshipId, r => r.Instrument == AllianceBaseline.Instrument, null, new HashSet<Guid>(), ct)).Scores : responses, settings, ct);
        // Which of the signals are known already (an alert's key, or the earlier evidence of one): in steady state, all.
        var keys = signals.Select(s => s.Key).ToList();
        // From the relationship's alerts to their evidence (both indexed by their parent), never across the clinic's evidence.
        var known = keys.Count == 0 ? [] : (await db.Alerts.Where(a => a.RelationshipId == relationshipId && keys.Contains(a.Key)).Select(a => a.Key)
            .Concat(from a in db.Alerts
                    where a.RelationshipId == relationshipId
                    join e in db.AlertEvidence on a.Id equals e.AlertId
                    where keys.Contains(e.Key)
                    select e.Key)
            .ToListAsync(ct)).ToHashSet();
        var fresh = signals.Where(s => !known.Contains(s.Key)).ToList();
        var alerts = fresh.Count == 0 ? [] : await db.Alerts.Where(a => a.RelationshipId == relationshipId).ToListAsync(ct);
        var added = new List<ClinicalAlert>();
        var refreshed = false;
        // Risk alerts are raised with the answers themselves, in the same transaction; the rules never lose one.
        // One alert per problem: a new signal of a kind that already has an alert not yet resolved refreshes that
        // alert with the newest evidence (what it said before is kept in its history); several new ones of one kind
        // at once go in order, the newest last.
        foreach (var signal in fresh.OrderBy(s => s.At))
        {
            var open = signal.Urgent ? null : alerts.FirstOrDefault(a => a.Kind == signal.Kind && !a.Urgent && a.Status != AlertStatus.Resolved);
            if (open is not null)
            {
                db.AlertEvidence.Add(open.Refresh(signal, now));
                audit.System(relationship.OrganisationId, "update", "ClinicalAlert", open.Id, relationship.ClientId);
                refreshed = true;
                continue;
            }
            var alert = new ClinicalAlert(relationship.OrganisationId, relationship.Id, relationship.ClinicianId, signal, now);
            db.Alerts.Add(alert);
            alerts.Add(alert);
            audit.System(relationship.OrganisationId, "create", "ClinicalAlert", alert.Id, relationship.ClientId);
            added.Add(alert);
        }
        if (added.Count == 0 && !refreshed)
        {
            await db.SaveChangesAsync(ct); // recoveries linked, if any
            return added;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another evaluation saved the same alerts first (the key is unique per relationship).
            db.ChangeTracker.Clear();
            return [];
        }
        return added;
    }

    // What the rules can speak of, asked first whether a relationship has any, then read: each written once for both.
    private static readonly System.Linq.Expressions.Expression<Func<Core.CheckIns.CheckIn, bool>> Unanswered =
        c => c.Status == Core.CheckIns.CheckInStatus.Pending && c.LastSavedAt == null;
    private static readonly System.Linq.Expressions.Expression<Func<Core.Goals.TreatmentGoal, bool>> QuestionedGoal =
        g => g.RespondedAt != null && (g.Agreement == Core.Goals.GoalAgreement.Disagreed || g.Agreement == Core.Goals.GoalAgreement.ChangeRequested);
    private static readonly System.Linq.Expressions.Expression<Func<Core.Ruptures.RuptureRecord, bool>> NotYetRecovered = r => r.RecoveryResponseId == null;

    /// <summary>How many of a long series' latest scores are read (with its first): enough for every rule but a long off-track run.</summary>
    public const int LatestScores = 8;

    /// <summary>
    /// A relationship's responses matching <paramref name="which"/> as scores (<see cref="InstrumentResponse.ScoreOnly"/>),
    /// leaving out those in <paramref name="read"/> (read whole): all of them, or the first and the <paramref name="latest"/>,
    /// with the time from which the latest run (<see cref="SeriesWindow.LatestFrom"/>) and the length of their series as it
    /// is when they are read (the summary, in the same statement, so that a score committed meanwhile is in both or neither).
    /// </summary>
    private async Task<(List<InstrumentResponse> Scores, DateTimeOffset LatestFrom, int Count)> ScoresAsync(Guid relationshipId,
        System.Linq.Expressions.Expression<Func<InstrumentResponse, bool>> which, int? latest, IReadOnlySet<Guid> read, CancellationToken ct)
    {
        var q = db.Responses.AsNoTracking().Where(r => r.RelationshipId == relationshipId).Where(which);
        if (latest is { } n)
            q = q.OrderByDescending(r => r.CompletedAt).Take(n).Concat(q.OrderBy(r => r.CompletedAt).Take(1));
        var rows = await (latest is null
                ? q.Select(r => new ScoreRow(r.Id, r.SessionId, r.Instrument, r.Score, r.CompletedAt, 0))
                : q.Select(r => new ScoreRow(r.Id, r.SessionId, r.Instrument, r.Score, r.CompletedAt,
                    db.ResponseSeries.Where(s => s.RelationshipId == relationshipId && s.Instrument == r.Instrument).Select(s => s.Count).FirstOrDefault())))
            .ToListAsync(ct);
        var from = latest is { } k && rows.Count > 0 ? rows.OrderByDescending(r => r.CompletedAt).Take(k).Min(r => r.CompletedAt) : DateTimeOffset.MinValue;
        return (rows.Where(r => !read.Contains(r.Id)).DistinctBy(r => r.Id)
            .Select(r => InstrumentResponse.ScoreOnly(r.Id, relationshipId, r.SessionId, r.Instrument, r.Score, r.CompletedAt)).ToList(), from,
            rows.Count > 0 ? rows[0].SeriesCount : 0);
    }

    private sealed record ScoreRow(Guid Id, Guid? SessionId, string Instrument, decimal Score, DateTimeOffset CompletedAt, int SeriesCount);

    /// <summary>Links each logged rupture not yet linked to the Connection Check at which the alliance came back.</summary>
    private async Task LinkRecoveriesAsync(Core.Relationships.TherapeuticRelationship relationship, List<Core.CheckIns.InstrumentResponse> responses, SignalSettings settings, CancellationToken ct)
    {
        // Without a Connection Check there is no recovery to link.
        var cc = responses.Where(r => r.Instrument == Core.Progress.ClientProgress.ConnectionCheck).ToList();
        if (cc.Count == 0) return;
        var open = await db.Ruptures.Where(r => r.RelationshipId == relationship.Id).Where(NotYetRecovered).ToListAsync(ct);
        if (open.Count == 0) return;
        foreach (var rupture in open)
        {
            if (Core.Ruptures.RuptureRecovery.Find(rupture.OccurredAt, cc, settings.AllianceDropAtLeast, settings.RepairWindowSessions) is { } found
                && rupture.LinkRecovery(found))
                audit.System(relationship.OrganisationId, "update", "RuptureRecord", rupture.Id, relationship.ClientId);
        }
    }
}
