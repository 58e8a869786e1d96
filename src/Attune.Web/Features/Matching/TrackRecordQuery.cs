using Attune.Core.Matching;
using Attune.Core.Relationships;
using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Attune.Web.Features.Matching;

/// <summary>A clinic's track records: the domain models and each clinician's record, with the clinicians' names and emails.</summary>
public sealed record TrackRecordView(IReadOnlyList<ProblemDomain> Domains, IReadOnlyList<DomainModel> Models, IReadOnlyList<ClinicianTrackRecord> Records,
    IReadOnlyDictionary<Guid, (string Name, string? Email)> Clinicians, TrackRecordSettings Settings);

/// <summary>
/// The clinic's history as the track-record method reads it: every closed relationship with at least two scores on a
/// domain's measure gives one case, its first and its last score, to the clinician who held it.
/// </summary>
public sealed class TrackRecordQuery(AttuneDbContext db, IOptions<MatchingOptions> options, ProblemDomainCatalog domainCatalog)
{
    public async Task<TrackRecordView> LoadAsync(Guid organisationId, CancellationToken ct = default)
    {
        var domains = await domainCatalog.ForAsync(organisationId, ct);
        var instruments = domains.Select(d => d.InstrumentId).ToList();
        var closed = await db.Relationships.AsNoTracking()
            .Where(r => r.OrganisationId == organisationId && r.Phase == RelationshipPhase.Closed)
            .Select(r => new { r.Id, r.ClinicianId }).ToListAsync(ct);
        var ids = closed.Select(r => r.Id).ToList();
        var scores = await db.Responses.AsNoTracking()
            .Where(x => ids.Contains(x.RelationshipId) && instruments.Contains(x.Instrument))
            .Select(x => new { x.RelationshipId, x.Instrument, x.Score, x.CompletedAt }).ToListAsync(ct);
        var holder = closed.ToDictionary(r => r.Id, r => r.ClinicianId);
        var cases = new List<DomainCase>();
        foreach (var g in scores.GroupBy(x => (x.RelationshipId, x.Instrument)))
        {
            if (g.Count() < 2)
                continue;
            // Ordered by when answered (SQLite keeps times as text, so the order is taken here, not in the query).
            var ordered = g.OrderBy(x => x.CompletedAt).ToList();
            var domain = domains.First(d => d.InstrumentId == g.Key.Instrument);
            cases.Add(new DomainCase(holder[g.Key.RelationshipId], domain.Id, ordered[0].Score, ordered[^1].Score));
        }
        var settings = options.Value.TrackRecord;
        var (models, records) = TrackRecordMethod.Compute(domains, cases, settings);
        var clinicians = await db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == organisationId).Select(c => new { c.Id, c.DisplayName }).ToListAsync(ct);
        var emails = await db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId && u.ClinicianId != null)
            .Select(u => new { u.ClinicianId, u.Email }).ToListAsync(ct);
        var named = clinicians.ToDictionary(c => c.Id, c => (c.DisplayName, emails.FirstOrDefault(e => e.ClinicianId == c.Id)?.Email));
        return new TrackRecordView(domains, models, records, named, settings);
    }
}
