using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Attune.Data;

/// <summary>
/// The audit trail as a hash chain. Each event gets the next place (1, 2, 3, …) and the SHA-256 of the previous
/// event's hash and its own fields, in the same transaction as the change it records. Changing an event's fields,
/// deleting one, or inserting one outside the chain shows up in <see cref="VerifyAsync"/>. Writers take the chain
/// in turn: SQLite's write lock (transactions begin immediate), a transaction-scoped advisory lock on PostgreSQL,
/// and a unique index on the place so that a fork fails rather than saves.
/// </summary>
/// <remarks>
/// Anyone who can write to the database could rebuild the whole chain after an edit; that is caught by comparing the
/// chain with heads recorded outside the database earlier: the signed checkpoints Attune writes
/// (<c>AuditCheckpoints</c> in the web app) and any head written down (<c>attune audit verify --expect</c>).
/// </remarks>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);
    private const long PostgresLockKey = 0x4174_7475_6E65; // "Attune"
    private const int MaxProblems = 100;

    public static string HashOf(AuditEvent e, string previousHash)
    {
        // A JSON array keeps the fields apart whatever they contain.
        object?[] values =
        [
            e.Sequence, e.At.ToUnixTimeMilliseconds(), e.OrganisationId, e.ActorKind, e.ActorId, e.Action,
            e.EntityType, e.EntityId, e.ClientId, e.RemoteAddress, previousHash,
        ];
        // The detail came later: events without one keep the hash they were given.
        var fields = JsonSerializer.Serialize(e.Detail is null ? values : [.. values, e.Detail]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fields)));
    }

    /// <summary>An event's time as both databases keep it (milliseconds): the hash and the seal must survive the round trip.</summary>
    public static DateTimeOffset Stored(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    /// <summary>The fields an event's seal covers (<see cref="AuditEvent.Seal"/>): all but its place and hash, which it has not yet.</summary>
    public static byte[] SealedFields(AuditEvent e) => SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new object?[]
    {
        e.At.ToUnixTimeMilliseconds(), e.OrganisationId, e.ActorKind, e.ActorId, e.Action, e.EntityType, e.EntityId, e.ClientId, e.RemoteAddress, e.Detail,
    })));

    /// <summary>
    /// Gives the events saved outside the chain (<see cref="AuditEvent.Seal"/>) their places, in the order they were
    /// saved, up to <paramref name="max"/> at a time; an event whose seal does not hold is left where it is, for
    /// <see cref="VerifyAsync(AttuneDbContext, IReadOnlyCollection{AuditAnchor}, AuditAnchor?, Func{AuditEvent, bool}?, CancellationToken)"/>
    /// to report. Call inside a transaction, after finding that some wait (the chain's turn is taken here), and save;
    /// returns how many were chained.
    /// </summary>
    public static async Task<int> ChainPendingAsync(AttuneDbContext db, Func<AuditEvent, bool> sealHolds, int max, CancellationToken ct)
    {
        var (sequence, previous) = await HeadAsync(db, ct);
        var pending = await db.AuditEvents.Where(e => e.Sequence == null && e.Seal != null).OrderBy(e => e.Id).Take(max).ToListAsync(ct);
        var chained = 0;
        foreach (var e in pending.Where(sealHolds))
        {
            e.Sequence = ++sequence;
            e.Hash = previous = HashOf(e, previous);
            chained++;
        }
        return chained;
    }

    private static async Task<(long Sequence, string Hash)> HeadAsync(AttuneDbContext db, CancellationToken ct)
    {
        if (db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", ct);
        var head = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        return (head?.Sequence ?? 0, head?.Hash ?? Genesis);
    }

    /// <summary>Gives new events their places and hashes. Call inside the transaction that saves them.</summary>
    internal static async Task LinkAsync(AttuneDbContext db, IReadOnlyList<AuditEvent> added, CancellationToken ct)
    {
        var (sequence, previous) = await HeadAsync(db, ct);
        foreach (var e in added)
        {
            e.At = Stored(e.At);
            e.Sequence = ++sequence;
            e.Hash = previous = HashOf(e, previous);
        }
    }

    /// <summary>Walks the whole chain in order and reports every place where it does not hold.</summary>
    public static Task<AuditVerification> VerifyAsync(AttuneDbContext db, AuditAnchor? expect = null, CancellationToken ct = default) =>
        VerifyAsync(db, expect is null ? [] : [expect], from: null, sealHolds: null, ct);

    /// <inheritdoc cref="VerifyAsync(AttuneDbContext, IReadOnlyCollection{AuditAnchor}, AuditAnchor?, Func{AuditEvent, bool}?, CancellationToken)"/>
    public static Task<AuditVerification> VerifyAsync(AttuneDbContext db, IReadOnlyCollection<AuditAnchor> anchors, AuditAnchor? from, CancellationToken ct = default) =>
        VerifyAsync(db, anchors, from, sealHolds: null, ct);

    /// <summary>
    /// Walks the chain in order and reports every place where it does not hold, and every anchor (a place and hash
    /// recorded outside the database earlier: a signed checkpoint, a head written down) that the trail no longer has.
    /// With <paramref name="from"/> the walk starts at that anchor, trusted once it matches, instead of at event 1.
    /// An event without a place is an error unless it is waiting for the chaining pass and its seal holds
    /// (<paramref name="sealHolds"/>, which needs the key outside the database; without it a sealed event is counted as
    /// waiting, unchecked).
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(AttuneDbContext db, IReadOnlyCollection<AuditAnchor> anchors, AuditAnchor? from,
        Func<AuditEvent, bool>? sealHolds, CancellationToken ct = default)
    {
        var problems = new List<AuditProblem>();
        void Report(AuditProblem p)
        {
            if (problems.Count < MaxProblems) problems.Add(p);
        }

        var expectedAt = anchors.GroupBy(a => a.Sequence).ToDictionary(g => g.Key, g => g.Select(a => a.Hash.ToLowerInvariant()).Distinct().ToList());
        var seen = new HashSet<long>();
        long expected = from?.Sequence ?? 1, count = 0;
        var previous = Genesis;
        AuditAnchor? head = null;
        var events = db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null);
        if (from is not null)
            events = events.Where(e => e.Sequence >= from.Sequence);
        await foreach (var e in events.OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            var sequence = e.Sequence!.Value;
            if (sequence != expected)
            {
                Report(new AuditProblem(expected, sequence == expected + 1 ? $"Event {expected} is missing: deleted from the trail."
                    : $"Events {expected} to {sequence - 1} are missing: deleted from the trail."));
                // Resynchronise on the event found, so one deletion is reported once.
                previous = e.Hash ?? previous;
            }
            else if (from is not null && sequence == from.Sequence)
            {
                // The starting point is trusted as recorded, not recomputed: it must be the event recorded.
                if (!string.Equals(e.Hash, from.Hash, StringComparison.OrdinalIgnoreCase))
                    Report(new AuditProblem(sequence, $"Event {sequence} is not the one recorded earlier: the trail was rewritten from there or before."));
                previous = from.Hash;
            }
            else if (e.Hash != HashOf(e, previous))
            {
                Report(new AuditProblem(sequence, $"Event {sequence} does not match its hash: it, or the event before it, was changed."));
                previous = e.Hash ?? previous;
            }
            else
            {
                previous = e.Hash;
            }
            if (expectedAt.TryGetValue(sequence, out var recorded))
            {
                seen.Add(sequence);
                if (!recorded.Contains(e.Hash?.ToLowerInvariant() ?? ""))
                    Report(new AuditProblem(sequence, $"Event {sequence} is not the one recorded earlier: the trail was rewritten from there or before."));
            }
            expected = sequence + 1;
            head = new AuditAnchor(sequence, e.Hash ?? "");
        }
        if (from is not null && count == 0)
            Report(new AuditProblem(from.Sequence, $"Event {from.Sequence}, recorded earlier, is no longer in the trail: events were deleted from the end."));
        var unplaced = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence == null).ToListAsync(ct);
        var pending = unplaced.Count(e => e.Seal is not null && (sealHolds is null || sealHolds(e)));
        var outside = unplaced.Count - pending;
        if (outside > 0)
            Report(new AuditProblem(null, $"{outside} event(s) are outside the chain: inserted without going through Attune, or taken out of it."));
        foreach (var missing in expectedAt.Keys.Where(k => !seen.Contains(k) && (from is null || k >= from.Sequence)).Order())
        {
            Report(new AuditProblem(missing, $"Event {missing}, recorded earlier, is no longer in the trail: events were deleted from the end."));
            break; // the first is enough: the rest went with it
        }
        return new AuditVerification(problems.Count == 0, count, head, problems) { Pending = pending };
    }
}

/// <summary>A place in the chain and its hash, written down to compare with later (for example "1234:ab12…").</summary>
public sealed record AuditAnchor(long Sequence, string Hash)
{
    public override string ToString() => $"{Sequence}:{Hash}";

    public static bool TryParse(string? text, out AuditAnchor? anchor)
    {
        anchor = null;
        var parts = text?.Trim().Split(':');
        if (parts is not [var s, var h] || !long.TryParse(s, out var sequence) || sequence < 1
            || h.Length != 64 || !h.All(Uri.IsHexDigit))
            return false;
        anchor = new AuditAnchor(sequence, h.ToLowerInvariant());
        return true;
    }
}

public sealed record AuditProblem(long? Sequence, string Message);

public sealed record AuditVerification(bool Intact, long Events, AuditAnchor? Head, IReadOnlyList<AuditProblem> Problems)
{
    /// <summary>The latest signed checkpoint the trail was checked against, when there was one.</summary>
    public AuditAnchor? Checkpoint { get; init; }

    /// <summary>Events saved and sealed, waiting for the chaining pass to give them their places.</summary>
    public int Pending { get; init; }
}
