using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Signals;

/// <summary>
/// The clinic's expected-treatment-response tables, one per outcome measure, built from its closed relationships
/// (<see cref="ExpectedResponseTable"/> documents the bands and the fallback); settings come from the "ExpectedResponse"
/// configuration section. Kept by <see cref="ExpectedResponseStore"/>.
/// </summary>
public sealed class ExpectedResponses(ExpectedResponseStore store, AttuneDbContext db)
{
    public ExpectedResponseSettings Settings => store.Settings;

    /// <summary>Drops the kept tables, after the clinic's history changed at once (an import).</summary>
    public void Forget(Guid organisationId) => store.Forget(organisationId);

    /// <summary>
    /// The kept tables; inside a transaction (the demo clinic's seeding, an import) built from this unit of work's own
    /// view of the history, which other connections cannot see yet, and not kept.
    /// </summary>
    public Task<IReadOnlyDictionary<string, ExpectedResponseTable>> ForClinicAsync(Guid organisationId, CancellationToken ct = default) =>
        db.Database.CurrentTransaction is not null ? store.ReadAsync(db, organisationId, ct) : store.GetAsync(organisationId, ct);
}

/// <summary>
/// Keeps each clinic's tables. History changes slowly, so tables are fresh for ten minutes; for ten more, a request is
/// answered with them while one rebuild runs in the background; after that (a clinic idle for twenty minutes), or
/// after <see cref="Forget"/>, the tables are rebuilt before the answer. However many requests ask at once, one build
/// runs per clinic: at 100,000 closed relationships a build reads 1.4 M scores, which no request should wait for
/// every ten minutes and no fifty requests should read at once.
/// </summary>
public sealed class ExpectedResponseStore(IServiceScopeFactory scopes, InstrumentCatalog catalog, IConfiguration config, TimeProvider clock, ILogger<ExpectedResponseStore> logger)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(10);

    public ExpectedResponseSettings Settings { get; } = config.GetSection("ExpectedResponse").Get<ExpectedResponseSettings>() ?? new();

    private sealed class Entry
    {
        public IReadOnlyDictionary<string, ExpectedResponseTable>? Tables;
        public DateTimeOffset BuiltAt;
        public Task<IReadOnlyDictionary<string, ExpectedResponseTable>>? Building;
    }

    private readonly Dictionary<Guid, Entry> _entries = [];
    private readonly Lock _lock = new();

    public async Task<IReadOnlyDictionary<string, ExpectedResponseTable>> GetAsync(Guid organisationId, CancellationToken ct = default)
    {
        Task<IReadOnlyDictionary<string, ExpectedResponseTable>> building;
        lock (_lock)
        {
            if (!_entries.TryGetValue(organisationId, out var entry))
                _entries[organisationId] = entry = new Entry();
            var age = clock.GetUtcNow() - entry.BuiltAt;
            if (entry.Tables is { } fresh && age < FreshFor)
                return fresh;
            building = entry.Building ??= BuildAsync(organisationId, entry);
            if (entry.Tables is { } stale && age < 2 * FreshFor)
                return stale;
        }
        return await building.WaitAsync(ct);
    }

    /// <summary>Drops the kept tables, after the clinic's history changed at once (an import): the next request rebuilds them.</summary>
    public void Forget(Guid organisationId)
    {
        lock (_lock) _entries.Remove(organisationId);
    }

    private async Task<IReadOnlyDictionary<string, ExpectedResponseTable>> BuildAsync(Guid organisationId, Entry entry)
    {
        try
        {
            // Off the caller's thread and scope: the build outlives a request that stops waiting for it.
            var tables = await Task.Run(() => ReadAsync(organisationId));
            lock (_lock)
            {
                entry.Tables = tables;
                entry.BuiltAt = clock.GetUtcNow();
                entry.Building = null;
            }
            return tables;
        }
        catch (Exception e)
        {
            lock (_lock) entry.Building = null;
            logger.LogWarning("Expected-response tables not built for organisation {OrganisationId}: {ErrorType}", organisationId, e.GetType().Name);
            throw;
        }
    }

    private async Task<IReadOnlyDictionary<string, ExpectedResponseTable>> ReadAsync(Guid organisationId)
    {
        using var scope = scopes.CreateScope();
        return await ReadAsync(scope.ServiceProvider.GetRequiredService<AttuneDbContext>(), organisationId, CancellationToken.None);
    }

    /// <summary>The tables built from the clinic's closed relationships as <paramref name="db"/> sees them.</summary>
    public async Task<IReadOnlyDictionary<string, ExpectedResponseTable>> ReadAsync(AttuneDbContext db, Guid organisationId, CancellationToken ct)
    {
        var outcomes = catalog.All.Where(d => d.Purpose == InstrumentPurpose.Outcome).Select(d => d.Id).ToList();
        var closed = db.Relationships.Where(r => r.OrganisationId == organisationId && r.Phase == RelationshipPhase.Closed).Select(r => r.Id);
        var rows = await db.Responses.Where(x => closed.Contains(x.RelationshipId) && outcomes.Contains(x.Instrument))
            .Select(x => new { x.RelationshipId, x.Instrument, x.Score, x.CompletedAt }).AsNoTracking().ToListAsync(ct);
        var tables = rows.GroupBy(x => x.Instrument).ToDictionary(g => g.Key, g => new ExpectedResponseTable(catalog.Find(g.Key)!,
            g.GroupBy(x => x.RelationshipId).Select(e => new ScoreHistory(e.OrderBy(x => x.CompletedAt).Select(x => x.Score).ToList())), Settings));
        // Measures with no history yet still get the fallback.
        foreach (var id in outcomes.Where(id => !tables.ContainsKey(id)))
            tables[id] = new ExpectedResponseTable(catalog.Find(id)!, [], Settings);
        return tables;
    }
}
