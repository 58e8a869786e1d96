using Attune.Core.Analytics;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Analytics;

/// <summary>
/// The clinic's closed relationships as the analytics read them (<see cref="AnalyticsCase"/>, one row each): attended
/// sessions with their Connection Check score and whether by video, PHQ-9 scores in the order answered, the ending,
/// whether every logged rupture was repaired, and whether the clinician was the top suggestion at intake.
/// </summary>
public sealed class AnalyticsQuery(AttuneDbContext db, InstrumentCatalog catalog)
{
    public const string Outcome = "phq-9";
    public const string Alliance = "connection-check";

    /// <summary>The settings from the PHQ-9's definition: its reliable-change value and clinical cut-off.</summary>
    public AnalyticsSettings Settings(double level = 0.95, int minimumCell = 10)
    {
        var phq9 = catalog.Get(Outcome);
        return new AnalyticsSettings((double)(phq9.ReliableChange?.Value ?? 6), (double)(phq9.Cutoff?.Value ?? 10), level, minimumCell);
    }

    /// <param name="clinicians">Only these clinicians' relationships (null: the whole clinic).</param>
    /// <param name="from">Relationships closed on or after this time.</param>
    /// <param name="to">Relationships closed before this time.</param>
    public async Task<IReadOnlyList<AnalyticsCase>> CasesAsync(Guid organisationId, IReadOnlyCollection<Guid>? clinicians, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default)
    {
        // SQLite keeps times as text: the range is applied here, not in the query.
        var closed = (await db.Relationships.AsNoTracking().Include(r => r.Sessions)
                .Where(r => r.OrganisationId == organisationId && r.Phase == RelationshipPhase.Closed).ToListAsync(ct))
            .Where(r => (clinicians is null || clinicians.Contains(r.ClinicianId)) && (from is null || r.ClosedAt >= from) && (to is null || r.ClosedAt < to))
            .ToList();
        var ids = closed.Select(r => r.Id).ToList();
        var responses = await db.Responses.AsNoTracking().Where(x => ids.Contains(x.RelationshipId) && (x.Instrument == Outcome || x.Instrument == Alliance))
            .Select(x => new { x.RelationshipId, x.Instrument, x.Score, x.SessionId, x.CompletedAt }).ToListAsync(ct);
        var endings = await db.Endings.AsNoTracking().Where(e => ids.Contains(e.RelationshipId)).Select(e => new { e.RelationshipId, e.Kind, e.Reason }).ToListAsync(ct);
        var ruptures = await db.Ruptures.AsNoTracking().Where(x => ids.Contains(x.RelationshipId)).Select(x => new { x.RelationshipId, x.Resolution }).ToListAsync(ct);
        var ranks = await db.MatchAssignments.AsNoTracking().Where(a => ids.Contains(a.RelationshipId)).Select(a => new { a.RelationshipId, a.Rank }).ToListAsync(ct);

        var byRelationship = responses.ToLookup(x => x.RelationshipId);
        return closed.Select(r =>
        {
            var mine = byRelationship[r.Id].OrderBy(x => x.CompletedAt).ToList();
            // A session's Connection Check: the last one answered for it.
            var alliance = mine.Where(x => x.Instrument == Alliance && x.SessionId is not null).GroupBy(x => x.SessionId!.Value).ToDictionary(g => g.Key, g => (double)g.Last().Score);
            var sessions = r.Sessions.Where(s => s.Number is not null).OrderBy(s => s.Number)
                .Select(s => new AttendedSession(s.Number!.Value, s.Modality == SessionModality.Video, alliance.TryGetValue(s.Id, out var cc) ? cc : null)).ToList();
            var logged = ruptures.Where(x => x.RelationshipId == r.Id).ToList();
            var history = logged.Count == 0 ? RuptureHistory.None
                : logged.All(x => x.Resolution == RuptureResolution.Resolved) ? RuptureHistory.Repaired : RuptureHistory.Unrepaired;
            var ending = endings.FirstOrDefault(e => e.RelationshipId == r.Id);
            var rank = ranks.FirstOrDefault(a => a.RelationshipId == r.Id)?.Rank;
            return new AnalyticsCase(r.ClinicianId, sessions, mine.Where(x => x.Instrument == Outcome).Select(x => (double)x.Score).ToList(),
                ending?.Kind, ending?.Reason, history, rank is null ? null : rank == 1);
        }).ToList();
    }
}
