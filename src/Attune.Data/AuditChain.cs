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
/// Anyone who can write to the database could rebuild the whole chain after an edit; that is caught by comparing
/// the head (place and hash) with one recorded elsewhere earlier (<c>attune audit verify --expect</c>).
/// </remarks>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);
    private const long PostgresLockKey = 0x4174_7475_6E65; // "Attune"
    private const int MaxProblems = 100;

    public static string HashOf(AuditEvent e, string previousHash)
    {
        // A JSON array keeps the fields apart whatever they contain.
        var fields = JsonSerializer.Serialize(new object?[]
        {
            e.Sequence, e.At.ToUnixTimeMilliseconds(), e.OrganisationId, e.ActorKind, e.ActorId, e.Action,
            e.EntityType, e.EntityId, e.ClientId, e.RemoteAddress, previousHash,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fields)));
    }

    /// <summary>Gives new events their places and hashes. Call inside the transaction that saves them.</summary>
    internal static async Task LinkAsync(AttuneDbContext db, IReadOnlyList<AuditEvent> added, CancellationToken ct)
    {
        if (db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", ct);
        var head = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var (sequence, previous) = (head?.Sequence ?? 0, head?.Hash ?? Genesis);
        foreach (var e in added)
        {
            // Both databases keep at least milliseconds; the hash must survive the round trip.
            e.At = DateTimeOffset.FromUnixTimeMilliseconds(e.At.ToUnixTimeMilliseconds());
            e.Sequence = ++sequence;
            e.Hash = previous = HashOf(e, previous);
        }
    }

    /// <summary>
    /// Chains the events written before the chain existed, once: only while no event has a place yet. After that, an
    /// event without a place is an insertion that verification reports.
    /// </summary>
    public static async Task<int> ChainEarlierEventsAsync(AttuneDbContext db, CancellationToken ct = default)
    {
        if (await db.AuditEvents.AnyAsync(e => e.Sequence != null, ct) || !await db.AuditEvents.AnyAsync(ct))
            return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var earlier = await db.AuditEvents.Where(e => e.Sequence == null).OrderBy(e => e.Id).ToListAsync(ct);
        await LinkAsync(db, earlier, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return earlier.Count;
    }

    /// <summary>Walks the whole chain in order and reports every place where it does not hold.</summary>
    public static async Task<AuditVerification> VerifyAsync(AttuneDbContext db, AuditAnchor? expect = null, CancellationToken ct = default)
    {
        var problems = new List<AuditProblem>();
        void Report(AuditProblem p)
        {
            if (problems.Count < MaxProblems) problems.Add(p);
        }

        long expected = 1, count = 0;
        var previous = Genesis;
        AuditAnchor? head = null;
        var anchorSeen = false;
        await foreach (var e in db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
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
            else if (e.Hash != HashOf(e, previous))
            {
                Report(new AuditProblem(sequence, $"Event {sequence} does not match its hash: it, or the event before it, was changed."));
                previous = e.Hash ?? previous;
            }
            else
            {
                previous = e.Hash;
            }
            if (expect is { } a && a.Sequence == sequence)
            {
                anchorSeen = true;
                if (!string.Equals(a.Hash, e.Hash, StringComparison.OrdinalIgnoreCase))
                    Report(new AuditProblem(sequence, $"Event {sequence} is not the one recorded earlier: the trail was rewritten from there or before."));
            }
            expected = sequence + 1;
            head = new AuditAnchor(sequence, e.Hash ?? "");
        }
        var outside = await db.AuditEvents.CountAsync(e => e.Sequence == null, ct);
        if (outside > 0)
            Report(new AuditProblem(null, $"{outside} event(s) are outside the chain: inserted without going through Attune."));
        if (expect is { } anchor && !anchorSeen)
            Report(new AuditProblem(anchor.Sequence, $"Event {anchor.Sequence}, recorded earlier, is no longer in the trail: events were deleted from the end."));
        return new AuditVerification(problems.Count == 0, count, head, problems);
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

public sealed record AuditVerification(bool Intact, long Events, AuditAnchor? Head, IReadOnlyList<AuditProblem> Problems);
