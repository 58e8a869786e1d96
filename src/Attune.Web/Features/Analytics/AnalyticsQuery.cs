using Attune.Core.Analytics;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Analytics;

/// <summary>A closed relationship as the analytics read it, with what the research export also needs: whose, and when.</summary>
public sealed record AnalyticsRow(Guid RelationshipId, Guid ClientId, DateTimeOffset OpenedAt, DateTimeOffset ClosedAt, AnalyticsCase Case);

/// <summary>
/// The clinic's closed relationships as the analytics read them (<see cref="AnalyticsCase"/>, one row each): attended
/// sessions with their Connection Check score and whether by video, PHQ-9 scores in the order answered, the ending,
/// whether every logged rupture was repaired, and whether the clinician was the top suggestion at intake. Six queries
/// whatever the clinic's size (the two largest at once), each joined to the clinic's closed relationships in the database (no list of ids is
/// sent), and grouped here by lookups (bench/: 100,000 relationships and 1.5 million sessions).
/// </summary>
public sealed class AnalyticsQuery(AttuneDbContext db, InstrumentCatalog catalog, IServiceScopeFactory scopes)
{
    public const string Outcome = "phq-9";
    public const string Alliance = "connection-check";

    /// <summary>The settings from the PHQ-9's definition: its reliable-change value and clinical cut-off.</summary>
    public AnalyticsSettings Settings(double level = 0.95, int minimumCell = 10)
    {
        var phq9 = catalog.Get(Outcome);
        return new AnalyticsSettings((double)(phq9.ReliableChange?.Value ?? 6), (double)(phq9.Cutoff?.Value ?? 10), level, minimumCell);
    }

    // Structs, not objects: a million rows are one array, not a million objects for the collector to move.
    private readonly record struct SessionRow(Guid Id, Guid RelationshipId, int Number, bool Video);
    private readonly record struct ResponseRow(Guid RelationshipId, bool Outcome, double Score, Guid? SessionId, DateTimeOffset CompletedAt);

    private static IQueryable<TherapeuticRelationship> Closed(AttuneDbContext db, Guid organisationId) =>
        db.Relationships.Where(r => r.OrganisationId == organisationId && r.Phase == RelationshipPhase.Closed);

    private async Task<T> InOwnContextAsync<T>(Func<AttuneDbContext, Task<T>> read)
    {
        using var scope = scopes.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<AttuneDbContext>());
    }

    /// <param name="clinicians">Only these clinicians' relationships (null: the whole clinic).</param>
    /// <param name="from">Relationships closed on or after this time.</param>
    /// <param name="to">Relationships closed before this time.</param>
    public async Task<IReadOnlyList<AnalyticsCase>> CasesAsync(Guid organisationId, IReadOnlyCollection<Guid>? clinicians, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default) =>
        (await RowsAsync(organisationId, clinicians, from, to, ct)).Select(r => r.Case).ToList();

    /// <inheritdoc cref="CasesAsync"/>
    public async Task<IReadOnlyList<AnalyticsRow>> RowsAsync(Guid organisationId, IReadOnlyCollection<Guid>? clinicians, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default)
    {
        var closedInClinic = Closed(db, organisationId);
        // SQLite keeps times as text: the range and the clinicians are applied here, not in the query.
        var closed = (await closedInClinic.AsNoTracking().Select(r => new { r.Id, r.ClientId, r.ClinicianId, r.OpenedAt, r.ClosedAt }).ToListAsync(ct))
            .Where(r => r.ClosedAt is not null && (clinicians is null || clinicians.Contains(r.ClinicianId)) && (from is null || r.ClosedAt >= from) && (to is null || r.ClosedAt < to))
            .ToList();
        if (closed.Count == 0)
            return [];
        // Each query starts from the closed relationships and joins to their rows by index (relationship first); the
        // responses' index covers what is read. The sessions are read beside the responses, on a second connection.
        var sessionsRead = Task.Run(() => InOwnContextAsync(other => (from r in Closed(other, organisationId) join s in other.Sessions on r.Id equals s.RelationshipId
                                                                      where s.Number != null
                                                                      select new SessionRow(s.Id, s.RelationshipId, s.Number!.Value, s.Modality == SessionModality.Video)).ToListAsync(ct)), ct);
        var responses = (await (from r in closedInClinic join x in db.Responses on r.Id equals x.RelationshipId
                                where x.Instrument == Outcome || x.Instrument == Alliance
                                select new ResponseRow(x.RelationshipId, x.Instrument == Outcome, (double)x.Score, x.SessionId, x.CompletedAt)).ToListAsync(ct)).ToLookup(x => x.RelationshipId);
        var sessions = (await sessionsRead).ToLookup(s => s.RelationshipId);
        var endings = (await (from r in closedInClinic join e in db.Endings on r.Id equals e.RelationshipId select new { e.RelationshipId, e.Kind, e.Reason, e.EndedAt })
                .AsNoTracking().ToListAsync(ct)).GroupBy(e => e.RelationshipId).ToDictionary(g => g.Key, g => g.MaxBy(e => e.EndedAt)!);
        var ruptures = (await (from r in closedInClinic join x in db.Ruptures on r.Id equals x.RelationshipId select new { x.RelationshipId, x.Resolution })
                .AsNoTracking().ToListAsync(ct)).ToLookup(x => x.RelationshipId);
        var ranks = (await (from r in closedInClinic join a in db.MatchAssignments on r.Id equals a.RelationshipId select new { a.RelationshipId, a.Rank })
                .AsNoTracking().ToListAsync(ct)).GroupBy(a => a.RelationshipId).ToDictionary(g => g.Key, g => g.First().Rank);

        return closed.Select(r =>
        {
            var mine = responses[r.Id].OrderBy(x => x.CompletedAt).ToList();
            // A session's Connection Check: the last one answered for it.
            var alliance = new Dictionary<Guid, double>();
            foreach (var x in mine)
                if (!x.Outcome && x.SessionId is { } session)
                    alliance[session] = x.Score;
            var attended = sessions[r.Id].OrderBy(s => s.Number)
                .Select(s => new AttendedSession(s.Number, s.Video, alliance.TryGetValue(s.Id, out var cc) ? cc : null)).ToList();
            var logged = ruptures[r.Id].ToList();
            var history = logged.Count == 0 ? RuptureHistory.None
                : logged.All(x => x.Resolution == RuptureResolution.Resolved) ? RuptureHistory.Repaired : RuptureHistory.Unrepaired;
            var ending = endings.GetValueOrDefault(r.Id);
            bool? top = ranks.TryGetValue(r.Id, out var rank) ? rank == 1 : null;
            return new AnalyticsRow(r.Id, r.ClientId, r.OpenedAt, r.ClosedAt!.Value, new AnalyticsCase(r.ClinicianId, attended,
                mine.Where(x => x.Outcome).Select(x => x.Score).ToList(), ending?.Kind, ending?.Reason, history, top));
        }).ToList();
    }
}
