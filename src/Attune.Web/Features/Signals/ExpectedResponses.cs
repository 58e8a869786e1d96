using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Attune.Web.Features.Signals;

/// <summary>
/// The clinic's expected-treatment-response tables, one per outcome measure, built from its closed relationships
/// (<see cref="ExpectedResponseTable"/> documents the bands and the fallback). History changes slowly, so a table is
/// kept for ten minutes; settings come from the "ExpectedResponse" configuration section.
/// </summary>
public sealed class ExpectedResponses(AttuneDbContext db, InstrumentCatalog catalog, IMemoryCache cache, IConfiguration config)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);

    public ExpectedResponseSettings Settings { get; } = config.GetSection("ExpectedResponse").Get<ExpectedResponseSettings>() ?? new();

    /// <summary>Drops the kept tables, after the clinic's history changed at once (an import).</summary>
    public void Forget(Guid organisationId) => cache.Remove((nameof(ExpectedResponses), organisationId));

    public async Task<IReadOnlyDictionary<string, ExpectedResponseTable>> ForClinicAsync(Guid organisationId, CancellationToken ct = default)
    {
        if (cache.TryGetValue((nameof(ExpectedResponses), organisationId), out IReadOnlyDictionary<string, ExpectedResponseTable>? cached) && cached is not null)
            return cached;
        var outcomes = catalog.All.Where(d => d.Purpose == InstrumentPurpose.Outcome).Select(d => d.Id).ToList();
        var closed = db.Relationships.Where(r => r.OrganisationId == organisationId && r.Phase == RelationshipPhase.Closed).Select(r => r.Id);
        var rows = await db.Responses.Where(x => closed.Contains(x.RelationshipId) && outcomes.Contains(x.Instrument))
            .Select(x => new { x.RelationshipId, x.Instrument, x.Score, x.CompletedAt }).AsNoTracking().ToListAsync(ct);
        var tables = rows.GroupBy(x => x.Instrument).ToDictionary(g => g.Key, g => new ExpectedResponseTable(catalog.Find(g.Key)!,
            g.GroupBy(x => x.RelationshipId).Select(e => new ScoreHistory(e.OrderBy(x => x.CompletedAt).Select(x => x.Score).ToList())), Settings));
        // Measures with no history yet still get the fallback.
        foreach (var id in outcomes.Where(id => !tables.ContainsKey(id)))
            tables[id] = new ExpectedResponseTable(catalog.Find(id)!, [], Settings);
        cache.Set((nameof(ExpectedResponses), organisationId), (IReadOnlyDictionary<string, ExpectedResponseTable>)tables, CacheFor);
        return tables;
    }
}
