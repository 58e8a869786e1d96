using Attune.Core.Analytics;
using Attune.Core.Endings;
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
/// whether every logged rupture was repaired, and whether the clinician was the top suggestion at intake. Three queries
/// at once whatever the clinic's size, each joined to the clinic's closed relationships in the database (no list of ids
/// is sent), grouped here by relationship (bench/ and docs/analytics.md, "Speed": 100,000 relationships and 1.5 million
/// sessions in 3.6 s on PostgreSQL, 5.5 s on SQLite).
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

    /// <summary>
    /// A read on a context (and connection) of its own. On SQLite the connection maps the database file into memory for
    /// the read (PRAGMA mmap_size), so that a million index entries are read without a system call for each page, and
    /// stops mapping it afterwards, before the connection goes back to the pool.
    /// </summary>
    private async Task<T> InOwnContextAsync<T>(Func<AttuneDbContext, Task<T>> read)
    {
        using var scope = scopes.CreateScope();
        var other = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        if (!other.Database.IsSqlite())
            return await read(other);
        await other.Database.OpenConnectionAsync();
        try
        {
            await other.Database.ExecuteSqlRawAsync($"PRAGMA mmap_size = {MappedBytes};");
            return await read(other);
        }
        finally
        {
            await other.Database.ExecuteSqlRawAsync("PRAGMA mmap_size = 0;");
            await other.Database.CloseConnectionAsync();
        }
    }

    /// <summary>At most this much of a SQLite database file is mapped for the analytics' reads (2 GiB; SQLite may cap it lower).</summary>
    private const long MappedBytes = 2L << 30;

    /// <summary>The rows a read of these relationships held (their attended sessions and PHQ-9 scores), for <see cref="Database.LargeReads"/>.</summary>
    public static long RowsOf(IEnumerable<AnalyticsCase> cases) => cases.Sum(c => (long)c.Sessions.Count + c.Phq9.Count);

    /// <param name="clinicians">Only these clinicians' relationships (null: the whole clinic).</param>
    /// <param name="from">Relationships closed on or after this time.</param>
    /// <param name="to">Relationships closed before this time.</param>
    public async Task<IReadOnlyList<AnalyticsCase>> CasesAsync(Guid organisationId, IReadOnlyCollection<Guid>? clinicians, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default) =>
        (await RowsAsync(organisationId, clinicians, from, to, ct)).Select(r => r.Case).ToList();

    private sealed record ClosedRow(Guid Id, Guid ClientId, Guid ClinicianId, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt,
        EndingKind? Kind, EndingReason? Reason, int? Rank, int Ruptures, int Repaired);

    /// <inheritdoc cref="CasesAsync"/>
    public async Task<IReadOnlyList<AnalyticsRow>> RowsAsync(Guid organisationId, IReadOnlyCollection<Guid>? clinicians, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default)
    {
        // Three reads at once, each on its own connection and each joined to the clinic's closed relationships in the
        // database (no list of ids is sent): the attended sessions and the scores, each from its covering index, and the
        // relationships themselves with their ending, their rank at intake (each at most one, by unique index) and their
        // ruptures counted.
        var sessionsRead = Task.Run(() => InOwnContextAsync(other => (from r in Closed(other, organisationId) join s in other.Sessions on r.Id equals s.RelationshipId
                                                                      where s.Number != null
                                                                      select new SessionRow(s.Id, s.RelationshipId, s.Number!.Value, s.Modality == SessionModality.Video)).ToListAsync(ct)), ct);
        var responsesRead = Task.Run(() => InOwnContextAsync(other => (from r in Closed(other, organisationId) join x in other.Responses on r.Id equals x.RelationshipId
                                                                       where x.Instrument == Outcome || x.Instrument == Alliance
                                                                       select new ResponseRow(x.RelationshipId, x.Instrument == Outcome, (double)x.Score, x.SessionId, x.CompletedAt)).ToListAsync(ct)), ct);
        List<ClosedRow> closed;
        try
        {
            // The range and the clinicians are applied here: times are compared as instants, which SQLite's stored form
            // of a time with its offset does not do.
            closed = (await (from r in Closed(db, organisationId)
                             join e in db.Endings on r.Id equals e.RelationshipId into ends
                             from e in ends.DefaultIfEmpty()
                             join a in db.MatchAssignments on r.Id equals a.RelationshipId into assigned
                             from a in assigned.DefaultIfEmpty()
                             select new ClosedRow(r.Id, r.ClientId, r.ClinicianId, r.OpenedAt, r.ClosedAt, e == null ? null : e.Kind, e == null ? null : e.Reason,
                                 a == null ? null : a.Rank, db.Ruptures.Count(x => x.RelationshipId == r.Id),
                                 db.Ruptures.Count(x => x.RelationshipId == r.Id && x.Resolution == RuptureResolution.Resolved)))
                    .AsNoTracking().ToListAsync(ct))
                .Where(r => r.ClosedAt is not null && (clinicians is null || clinicians.Contains(r.ClinicianId)) && (from is null || r.ClosedAt >= from) && (to is null || r.ClosedAt < to))
                .ToList();
        }
        finally
        {
            // Never leave a read running on a connection of its own, whatever happened to this one.
            await Task.WhenAll(sessionsRead, responsesRead).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        if (closed.Count == 0)
            return [];
        var index = new Dictionary<Guid, int>(closed.Count);
        for (var i = 0; i < closed.Count; i++)
            index[closed[i].Id] = i;
        // Each relationship's rows side by side in one array (a counting sort by relationship), not a list each.
        var (responseStart, responses) = Bucket(await responsesRead, x => x.RelationshipId, index);
        var (sessionStart, sessions) = Bucket(await sessionsRead, x => x.RelationshipId, index);

        var alliance = new Dictionary<Guid, double>();
        var rows = new List<AnalyticsRow>(closed.Count);
        for (var k = 0; k < closed.Count; k++)
        {
            var r = closed[k];
            var mine = responses.AsSpan(responseStart[k], responseStart[k + 1] - responseStart[k]);
            StableSort(mine, static (x, y) => x.CompletedAt.CompareTo(y.CompletedAt));
            // A session's Connection Check: the last one answered for it.
            alliance.Clear();
            var phq9 = new List<double>();
            foreach (var x in mine)
                if (x.Outcome)
                    phq9.Add(x.Score);
                else if (x.SessionId is { } session)
                    alliance[session] = x.Score;
            var attended = sessions.AsSpan(sessionStart[k], sessionStart[k + 1] - sessionStart[k]);
            StableSort(attended, static (x, y) => x.Number.CompareTo(y.Number));
            var list = new List<AttendedSession>(attended.Length);
            foreach (var s in attended)
                list.Add(new AttendedSession(s.Number, s.Video, alliance.TryGetValue(s.Id, out var cc) ? cc : null));
            var history = r.Ruptures == 0 ? RuptureHistory.None : r.Repaired == r.Ruptures ? RuptureHistory.Repaired : RuptureHistory.Unrepaired;
            rows.Add(new AnalyticsRow(r.Id, r.ClientId, r.OpenedAt, r.ClosedAt!.Value,
                new AnalyticsCase(r.ClinicianId, list, phq9, r.Kind, r.Reason, history, r.Rank is { } rank ? rank == 1 : null)));
        }
        return rows;
    }

    /// <summary>
    /// The rows of the relationships in <paramref name="index"/>, grouped by relationship in one array: those of the
    /// relationship at position k are from start[k] up to start[k + 1], in the order read. Rows of other relationships
    /// (outside the range, or of other clinicians) are left out.
    /// </summary>
    private static (int[] Start, T[] Rows) Bucket<T>(List<T> read, Func<T, Guid> relationship, Dictionary<Guid, int> index)
    {
        var slot = new int[read.Count];
        var start = new int[index.Count + 1];
        for (var i = 0; i < read.Count; i++)
        {
            if (index.TryGetValue(relationship(read[i]), out var k))
                start[(slot[i] = k) + 1]++;
            else
                slot[i] = -1;
        }
        for (var k = 0; k < index.Count; k++)
            start[k + 1] += start[k];
        var next = (int[])start.Clone();
        var rows = new T[start[^1]];
        for (var i = 0; i < read.Count; i++)
            if (slot[i] >= 0)
                rows[next[slot[i]]++] = read[i];
        return (start, rows);
    }

    /// <summary>An insertion sort, which keeps the order of equal items (a relationship has some tens of rows, not thousands).</summary>
    private static void StableSort<T>(Span<T> items, Comparison<T> compare)
    {
        for (var i = 1; i < items.Length; i++)
        {
            var item = items[i];
            var j = i - 1;
            for (; j >= 0 && compare(items[j], item) > 0; j--)
                items[j + 1] = items[j];
            items[j + 1] = item;
        }
    }
}
