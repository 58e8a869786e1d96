using Attune.Core.CheckIns;
using Attune.Core.Goals;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Caseload;

public sealed record OutcomeTrend(InstrumentDefinition Instrument, IReadOnlyList<(DateTimeOffset At, decimal Value)> Points, TrackLight? Light);

public sealed record AlertBadge(Guid Id, SignalKind Kind);

/// <summary>A page of the caseload: its rows, how many active clients there are in all and how many need attention.</summary>
public sealed record CaseloadView(IReadOnlyList<CaseloadRow> Rows, int Total, int NeedingAttention, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>The place of the page's first row among all the rows (1-based).</summary>
    public int From => (Page - 1) * PageSize + 1;

    public static CaseloadView Empty(int pageSize) => new([], 0, 0, 1, pageSize);
}

/// <summary>One active relationship on the caseload, with what it needs.</summary>
public sealed record LeftBehindRisk(Guid AlertId, Guid ClientId, string ClientName, string Explanation, DateTimeOffset At);

public sealed record CaseloadRow(
    Guid RelationshipId, Guid ClientId, string ClientName, string? ClinicianName, RelationshipPhase Phase, int Sessions,
    OutcomeTrend? Outcome, IReadOnlyList<(DateTimeOffset At, decimal Value)> Alliance,
    Guid? UrgentAlertId, IReadOnlyList<AlertBadge> Signals, FitCheckResult? Fit, int GoalsToTalkAbout, int MissedCheckIns,
    string? ReferredBy, Guid ClinicianId, DateTimeOffset? UrgentSince)
{
    /// <summary>
    /// The order of the caseload: an open risk alert first; then off track (red); then open signals (a repaired rupture
    /// is a strength and does not count), goals to talk about and missed check-ins; then amber.
    /// </summary>
    public int Need => NeedOf(UrgentAlertId is not null, Outcome?.Light, Signals.Count(s => s.Kind != SignalKind.RuptureRepaired),
        Signals.Any(s => s.Kind == SignalKind.GoalDisagreement), GoalsToTalkAbout, MissedCheckIns);

    /// <summary>
    /// <see cref="Need"/> from its parts: whether a risk alert is open, the outcome's light, the open signals (a repaired
    /// rupture not counted), whether one of them is "Goal not agreed", the goals to talk about and the missed check-ins.
    /// The caseload's pages are ordered by it before any row is read whole, so both must come from here.
    /// </summary>
    public static int NeedOf(bool urgent, TrackLight? light, int signals, bool goalSignal, int goals, int missed) =>
        (urgent ? 10_000 : 0)
        + (light == TrackLight.Red ? 1_000 : 0)
        + 100 * signals
        + 50 * (goalSignal ? 0 : goals)
        + 20 * missed
        + (light == TrackLight.Amber ? 10 : 0);

    public bool NeedsAttention => Need > 0;

    /// <summary>
    /// Goals the client asked to change, when no open "Goal not agreed" alert already stands for them: one badge per
    /// problem. After the alert is resolved the goal still waits to be talked about until it is agreed.
    /// </summary>
    public int GoalsOnlyToTalkAbout => Signals.Any(s => s.Kind == SignalKind.GoalDisagreement) ? 0 : GoalsToTalkAbout;
}

/// <summary>
/// The caseload in a fixed number of queries, whatever its size: relationships with sessions, then scores, alerts,
/// check-ins and goals for all of them at once (only the columns needed), joined in memory.
/// </summary>
public sealed class CaseloadQuery(AttuneDbContext db, CaseloadAccess access, InstrumentCatalog catalog, ClinicClock clock, ExpectedResponses expected, AuditTrail audit, IConfiguration config)
{
    /// <summary>Check-ins that expired unanswered in this window count as not completed; older ones are history.</summary>
    public static readonly TimeSpan MissedWithin = TimeSpan.FromDays(30);

    /// <summary>How many clients a page of the caseload shows unless the clinic sets <c>Caseload:PageSize</c>.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>
    /// One page of the caller's open caseload (none for staff who are not clinicians), those who need attention first;
    /// the view is audited. Every open relationship is ranked from a summary counted in the database (its open alerts,
    /// goals and missed check-ins, and its outcome series' first and latest score and length), and only the page's rows
    /// are read whole: the cost of a page does not grow with the size of the caseload beyond one summary row a client.
    /// </summary>
    public async Task<CaseloadView> PageAsync(StaffUser user, int page, CancellationToken ct = default)
    {
        var size = Math.Max(1, config.GetValue("Caseload:PageSize", DefaultPageSize));
        var result = CaseloadView.Empty(size);
        // A caseload that fits on one page (most) is read whole and ranked from its rows, without the summary.
        if (user.ClinicianId is not null && await access.Relationships(user).CountAsync(r => r.Phase != RelationshipPhase.Closed, ct) <= size)
        {
            var rows = await RowsAsync(user, null, ct);
            result = new CaseloadView(rows, rows.Count, rows.Count(r => r.NeedsAttention), 1, size);
        }
        else if (user.ClinicianId is not null)
        {
            var ranked = await RankAsync(user, ct);
            var pages = Math.Max(1, (ranked.Count + size - 1) / size);
            page = Math.Clamp(page, 1, pages);
            var ids = ranked.Skip((page - 1) * size).Take(size).Select(r => r.RelationshipId).ToList();
            var rows = ids.Count == 0 ? [] : await RowsAsync(user, ids, ct);
            result = new CaseloadView(rows, ranked.Count, ranked.Count(r => r.Need > 0), page, size);
        }
        audit.Staff(user, "read", "Caseload", null);
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>Every open relationship of the caller's caseload with its need, in the caseload's order.</summary>
    private async Task<List<(Guid RelationshipId, int Need)>> RankAsync(StaffUser user, CancellationToken ct)
    {
        var now = clock.Now;
        var recent = now - MissedWithin;
        var outcomes = catalog.All.Where(d => d.Purpose == InstrumentPurpose.Outcome && d.Id != FitCheck.InstrumentId).Select(d => d.Id).ToList();
        var mine = access.Relationships(user).Where(r => r.Phase != RelationshipPhase.Closed);
        // The alerts the caseload shows: not resolved, not snoozed (as RowsAsync reads them).
        var shown = db.Alerts.Where(a => a.Status != AlertStatus.Resolved && (a.SnoozedUntil == null || a.SnoozedUntil <= now));
        // With each relationship's latest outcome measure (found by the responses index from the relationship)...
        var summary = await mine.Select(r => new
            {
                r.Id,
                Name = db.Clients.Where(c => c.Id == r.ClientId).Select(c => c.DisplayName).FirstOrDefault(),
                Urgent = shown.Any(a => a.RelationshipId == r.Id && a.Urgent && a.Status == AlertStatus.Open),
                Signals = shown.Count(a => a.RelationshipId == r.Id && (!a.Urgent || a.Status == AlertStatus.Acknowledged) && a.Kind != SignalKind.RuptureRepaired),
                GoalSignal = shown.Any(a => a.RelationshipId == r.Id && (!a.Urgent || a.Status == AlertStatus.Acknowledged) && a.Kind == SignalKind.GoalDisagreement),
                Goals = db.Goals.Count(g => g.RelationshipId == r.Id && (g.Agreement == GoalAgreement.ChangeRequested || g.Agreement == GoalAgreement.Disagreed)),
                Missed = db.CheckIns.Count(c => c.RelationshipId == r.Id && c.Status == CheckInStatus.Pending && c.ExpiresAt <= now && c.ExpiresAt > recent),
                Outcome = db.Responses.Where(x => x.RelationshipId == r.Id && outcomes.Contains(x.Instrument))
                    .OrderByDescending(x => x.CompletedAt).Select(x => x.Instrument).FirstOrDefault(),
            }).AsNoTracking().ToListAsync(ct);
        // ... and then, of the outcome series of more than one score, the length (kept by the database: ResponseSeries),
        // first and latest score, all the light needs (ExpectedResponseTable.Track): each by an index from its series.
        // A second statement rather than the same subqueries under the first, where the latest measure would be found
        // again for each of them.
        var withOutcome = summary.Where(s => s.Outcome is not null).Select(s => s.Id).ToList();
        var series = withOutcome.Count == 0 ? [] : await db.ResponseSeries
            .Where(x => withOutcome.Contains(x.RelationshipId) && outcomes.Contains(x.Instrument) && x.Count > 1)
            .Select(x => new
            {
                x.RelationshipId, x.Instrument, x.Count,
                First = db.Responses.Where(y => y.RelationshipId == x.RelationshipId && y.Instrument == x.Instrument).OrderBy(y => y.CompletedAt).Select(y => (decimal?)y.Score).FirstOrDefault(),
                Last = db.Responses.Where(y => y.RelationshipId == x.RelationshipId && y.Instrument == x.Instrument).OrderByDescending(y => y.CompletedAt).Select(y => (decimal?)y.Score).FirstOrDefault(),
            }).AsNoTracking().ToListAsync(ct);
        var seriesOf = series.ToDictionary(x => (x.RelationshipId, x.Instrument));
        var tables = await expected.ForClinicAsync(user.OrganisationId, ct);
        return summary.Select(s =>
            {
                TrackLight? light = null;
                if (s.Outcome is { } o && seriesOf.GetValueOrDefault((s.Id, o)) is { First: { } first, Last: { } last } run && tables.GetValueOrDefault(o) is { } table)
                    light = table.For(first, run.Count)?.LightFor(last, table.Instrument.Direction);
                return (s.Id, Name: s.Name ?? "—", Need: CaseloadRow.NeedOf(s.Urgent, light, s.Signals, s.GoalSignal, s.Goals, s.Missed));
            })
            // The relationship's id last, so that clients of one need and name keep their pages from one view to the next.
            .OrderByDescending(r => r.Need).ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(r => r.Id)
            .Select(r => (r.Id, r.Need)).ToList();
    }

    /// <summary>
    /// Risk alerts still open on episodes that have closed (ended before the rule that stops it, or as an answer arrived
    /// while the episode closed): the client is off the caseload, so these are listed above it until resolved.
    /// </summary>
    public async Task<IReadOnlyList<LeftBehindRisk>> RisksOffCaseloadAsync(StaffUser user, CancellationToken ct = default)
    {
        if (user.ClinicianId is null) return [];
        var closed = access.Relationships(user).Where(r => r.Phase == RelationshipPhase.Closed);
        // From the unresolved risk alerts (few; IX_Alerts_OpenUrgent) to their relationships, not from every closed
        // relationship to its alerts: the clinic's closed history grows without end.
        return await (from a in db.Alerts
                      where a.Urgent && a.Status != AlertStatus.Resolved && closed.Any(r => r.Id == a.RelationshipId)
                      join r in db.Relationships on a.RelationshipId equals r.Id
                      join c in db.Clients on r.ClientId equals c.Id
                      select new LeftBehindRisk(a.Id, c.Id, c.DisplayName, a.Explanation, a.CreatedAt)).AsNoTracking().ToListAsync(ct);
    }

    /// <summary>The caller's open caseload with their supervisees' (as <see cref="PageAsync"/>, all on one page), not audited: for a caller that audits its own view.</summary>
    internal Task<IReadOnlyList<CaseloadRow>> RowsAsync(StaffUser user, CancellationToken ct) => RowsAsync(user, null, ct);

    /// <summary>The rows of the caller's open caseload, or of those of its relationships in <paramref name="only"/>, in the caseload's order.</summary>
    private async Task<IReadOnlyList<CaseloadRow>> RowsAsync(StaffUser user, IReadOnlyCollection<Guid>? only, CancellationToken ct)
    {
        var now = clock.Now;
        var recent = now - MissedWithin;
        var mine = access.Relationships(user).Where(r => r.Phase != RelationshipPhase.Closed);
        if (only is not null) mine = mine.Where(r => only.Contains(r.Id));
        // Only the columns the rows need, and the attended sessions counted in the database (not every session loaded).
        var relationships = await mine.Select(r => new
            {
                r.Id, r.ClientId, r.ClinicianId, r.Phase, r.PreviousRelationshipId,
                AttendedSessionCount = r.Sessions.Count(s => s.Attendance == SessionAttendance.Attended),
            }).AsNoTracking().ToListAsync(ct);
        // The open relationships' and clients' ids, read once: each later query looks them up by index rather than
        // re-testing every relationship of the clinician (closed ones included) for every row, which grew with history.
        var ids = relationships.Select(r => r.Id).ToList();
        var clientIds = relationships.Select(r => r.ClientId).Distinct().ToList();
        var clients = await db.Clients.Where(c => clientIds.Contains(c.Id)).Select(c => new { c.Id, c.DisplayName }).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var clinicians = await db.Clinicians.Where(c => c.OrganisationId == user.OrganisationId).Select(c => new { c.Id, c.DisplayName }).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var scores = (await db.Responses.Where(x => ids.Contains(x.RelationshipId) && x.Instrument != FitCheck.InstrumentId)
                .Select(x => new { x.RelationshipId, x.Instrument, x.Score, x.CompletedAt }).AsNoTracking().ToListAsync(ct))
            .ToLookup(x => x.RelationshipId);
        var fitChecks = (await db.Responses.Where(x => ids.Contains(x.RelationshipId) && x.Instrument == FitCheck.InstrumentId).AsNoTracking().ToListAsync(ct))
            .ToLookup(x => x.RelationshipId);
        var alerts = (await db.Alerts.Where(a => ids.Contains(a.RelationshipId) && a.Status != AlertStatus.Resolved && (a.SnoozedUntil == null || a.SnoozedUntil <= now))
                .Select(a => new { a.Id, a.RelationshipId, a.Kind, a.Urgent, a.Status, a.CreatedAt }).AsNoTracking().ToListAsync(ct))
            .ToLookup(a => a.RelationshipId);
        var missed = await db.CheckIns.Where(c => ids.Contains(c.RelationshipId) && c.Status == CheckInStatus.Pending && c.ExpiresAt <= now && c.ExpiresAt > recent)
            .GroupBy(c => c.RelationshipId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var goals = await db.Goals.Where(g => ids.Contains(g.RelationshipId) && (g.Agreement == GoalAgreement.ChangeRequested || g.Agreement == GoalAgreement.Disagreed))
            .GroupBy(g => g.RelationshipId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var tables = await expected.ForClinicAsync(user.OrganisationId, ct);
        // A client referred in by a colleague and not yet seen: who referred them.
        var previousIds = relationships.Where(r => r.PreviousRelationshipId is not null && r.AttendedSessionCount == 0).Select(r => r.PreviousRelationshipId!.Value).ToList();
        var previousClinicians = await db.Relationships.Where(r => previousIds.Contains(r.Id)).Select(r => new { r.Id, r.ClinicianId }).ToDictionaryAsync(r => r.Id, r => r.ClinicianId, ct);

        return relationships.Select(r =>
        {
            var own = scores[r.Id].OrderBy(x => x.CompletedAt).ToList();
            var outcomeId = own.LastOrDefault(x => catalog.Find(x.Instrument)?.Purpose == InstrumentPurpose.Outcome)?.Instrument;
            OutcomeTrend? outcome = null;
            if (outcomeId is not null)
            {
                var series = own.Where(x => x.Instrument == outcomeId).Select(x => (x.CompletedAt, x.Score)).ToList();
                var light = tables.GetValueOrDefault(outcomeId)?.Track(series.Select(p => p.Score).ToList())[^1].Light;
                outcome = new OutcomeTrend(catalog.Find(outcomeId)!, series, light);
            }
            var open = alerts[r.Id].ToList();
            var urgent = open.Where(a => a.Urgent && a.Status == AlertStatus.Open).OrderBy(a => a.CreatedAt).FirstOrDefault();
            return new CaseloadRow(r.Id, r.ClientId, clients.GetValueOrDefault(r.ClientId, "—"),
                r.ClinicianId == user.ClinicianId ? null : clinicians.GetValueOrDefault(r.ClinicianId),
                r.Phase, r.AttendedSessionCount, outcome,
                own.Where(x => x.Instrument == Core.Progress.ClientProgress.ConnectionCheck).Select(x => (x.CompletedAt, x.Score)).ToList(),
                urgent?.Id,
                open.Where(a => !a.Urgent || a.Status == AlertStatus.Acknowledged).OrderByDescending(a => a.CreatedAt).Select(a => new AlertBadge(a.Id, a.Kind)).ToList(),
                FitCheck.Latest(fitChecks[r.Id]), goals.GetValueOrDefault(r.Id), missed.GetValueOrDefault(r.Id),
                r.PreviousRelationshipId is { } previous && previousClinicians.TryGetValue(previous, out var from) && from != r.ClinicianId
                    ? clinicians.GetValueOrDefault(from) ?? "a colleague" : null,
                r.ClinicianId, urgent?.CreatedAt);
        })
        .OrderByDescending(r => r.Need).ThenBy(r => r.ClientName, StringComparer.CurrentCultureIgnoreCase).ThenBy(r => r.RelationshipId).ToList();
    }
}
