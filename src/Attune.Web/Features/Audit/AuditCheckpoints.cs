using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attune.Data;
using Attune.Web.Database;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Audit;

/// <summary>One line of the checkpoint file: a head of the chain (or, after a restore of an older backup, the restored head), signed.</summary>
public sealed record AuditCheckpoint(string Kind, long Sequence, string Hash, DateTimeOffset At, string Signature)
{
    public const string Head = "checkpoint";
    public const string Restore = "restore";

    public AuditAnchor Anchor => new(Sequence, Hash);
}

/// <summary>
/// Anchors the audit chain outside the database. At start, every <c>Audit:CheckpointMinutes</c> and at shutdown Attune
/// appends the chain's head (place, hash, time) to an append-only file, each line signed (ECDSA P-256, SHA-256) with a
/// key kept beside the key-encryption certificate, never in the database. Verification checks the whole chain against
/// every signed checkpoint: a rewritten event, a re-hashed or re-chained trail, and events cut off the end (up to the
/// last checkpoint) all fail, without anyone having written a head down. Someone who can write the database but not
/// read the key cannot make a checkpoint that agrees with a forged trail.
/// </summary>
public sealed class AuditCheckpoints
{
    public const string FileName = "attune-audit-checkpoints.jsonl";
    public const string KeyFileName = "attune-audit-signing-key.pem";
    private const string Purpose = "attune-audit-checkpoint-v1";

    private readonly Lazy<ECDsa> _key;

    /// <param name="sealHolds">Checks an event waiting for its place (<see cref="AuditSeal.Holds"/>); without it such events are counted, unchecked.</param>
    public AuditCheckpoints(string filePath, string keyPath, Func<AuditEvent, bool>? sealHolds = null)
    {
        FilePath = filePath;
        KeyPath = keyPath;
        SealHolds = sealHolds;
        _key = new Lazy<ECDsa>(() => LoadOrCreateKey(keyPath));
    }

    public string FilePath { get; }
    public string KeyPath { get; }
    public Func<AuditEvent, bool>? SealHolds { get; }

    /// <summary>Where the file and key are: the settings Audit:CheckpointFile and Audit:SigningKeyPath, else beside the key-encryption certificate.</summary>
    public static AuditCheckpoints FromConfiguration(IConfiguration config, IHostEnvironment env, Func<AuditEvent, bool>? sealHolds = null)
    {
        var folder = Path.GetDirectoryName(KeyEncryption.CertificatePath(config, env))!;
        var file = config["Audit:CheckpointFile"] is { Length: > 0 } f ? Path.GetFullPath(f, env.ContentRootPath) : Path.Combine(folder, FileName);
        var key = config["Audit:SigningKeyPath"] is { Length: > 0 } k ? Path.GetFullPath(k, env.ContentRootPath) : Path.Combine(folder, KeyFileName);
        return new AuditCheckpoints(file, key, sealHolds);
    }

    public bool Exists => File.Exists(FilePath);

    /// <summary>
    /// The checkpoints in force, oldest first, and the lines that fail (unreadable, or a signature that does not verify).
    /// A restore line (an older backup accepted on purpose) starts the list again from the head it restored.
    /// </summary>
    public (IReadOnlyList<AuditCheckpoint> InForce, IReadOnlyList<string> Problems) Read()
    {
        var inForce = new List<AuditCheckpoint>();
        var problems = new List<string>();
        if (!File.Exists(FilePath))
            return (inForce, problems);
        var number = 0;
        foreach (var line in Retry(() => File.ReadAllLines(FilePath)))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            AuditCheckpoint? checkpoint;
            try
            {
                checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(line, Json);
            }
            catch (JsonException)
            {
                checkpoint = null;
            }
            if (checkpoint is null || checkpoint.Kind is not (AuditCheckpoint.Head or AuditCheckpoint.Restore) || checkpoint.Sequence < 1 || checkpoint.Hash is not { Length: 64 })
            {
                problems.Add($"Line {number} of {FilePath} is not a checkpoint.");
                continue;
            }
            if (!SignatureHolds(checkpoint))
            {
                problems.Add($"Line {number} of {FilePath} (event {checkpoint.Sequence}) is not signed by Attune's audit key: the file was changed.");
                continue;
            }
            if (checkpoint.Kind == AuditCheckpoint.Restore)
                inForce.Clear();
            inForce.Add(checkpoint);
        }
        return (inForce, problems);
    }

    /// <summary>Appends one signed line; the file is created private (0600).</summary>
    public AuditCheckpoint Append(string kind, AuditAnchor head, DateTimeOffset at)
    {
        at = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        var signature = Convert.ToBase64String(_key.Value.SignData(Payload(kind, head.Sequence, head.Hash, at), HashAlgorithmName.SHA256));
        var checkpoint = new AuditCheckpoint(kind, head.Sequence, head.Hash, at, signature);
        PrivateFiles.EnsureFolder(Path.GetDirectoryName(FilePath)!);
        PrivateFiles.Ensure(FilePath);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(checkpoint, Json) + "\n");
        // .NET's FileMode.Append seeks to the end when the file is opened (it is not O_APPEND): two writers at once would
        // write at the same place. One writer at a time in this process, and an exclusive lock on the file across
        // processes (another instance or the CLI), held for the one write.
        lock (AppendLock)
            Retry(() =>
            {
                using var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.None);
                stream.Write(line);
                stream.Flush(flushToDisk: true);
            });
        return checkpoint;
    }

    /// <summary>
    /// The whole chain against every checkpoint in force (and a head written down, if given). No checkpoint file while
    /// the trail has events is itself a problem: the anchors were deleted, or this is not the file of this database.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(AttuneDbContext db, AuditAnchor? expect = null, CancellationToken ct = default)
    {
        var (inForce, fileProblems) = Read();
        var anchors = inForce.Select(c => c.Anchor).ToList();
        if (expect is not null) anchors.Add(expect);
        var result = await AuditChain.VerifyAsync(db, anchors, from: null, SealHolds, ct);
        var problems = result.Problems.ToList();
        problems.AddRange(fileProblems.Select(p => new AuditProblem(null, p)));
        if (!Exists && (result.Events > 0 || await db.AuditEvents.AnyAsync(ct)))
            problems.Add(new AuditProblem(null, $"There is no checkpoint file at {FilePath}: the trail cannot be checked against its signed checkpoints. Attune writes one from its first start; give the same Audit:CheckpointFile as the app."));
        return result with { Intact = problems.Count == 0, Problems = problems, Checkpoint = inForce.LastOrDefault()?.Anchor };
    }

    /// <summary>
    /// Appends the current head if it moved since the last checkpoint, after checking the events since that checkpoint
    /// (the whole chain when there is none): Attune never signs a head it has not verified. Returns the problems
    /// found instead, if any; null when there was nothing to do or the checkpoint was written.
    /// </summary>
    public async Task<IReadOnlyList<AuditProblem>?> WriteAsync(AttuneDbContext db, DateTimeOffset now, CancellationToken ct = default)
    {
        // One at a time (the timer's and the shutdown's), so that a head is never signed twice or read half-written.
        await _writing.WaitAsync(ct);
        try
        {
            var (inForce, _) = Read();
            var last = inForce.LastOrDefault()?.Anchor;
            var result = await AuditChain.VerifyAsync(db, last is null ? [] : [last], from: last, SealHolds, ct);
            if (!result.Intact)
                return result.Problems;
            if (result.Head is null || result.Head == last)
                return null;
            Append(AuditCheckpoint.Head, result.Head, now);
            return null;
        }
        finally
        {
            _writing.Release();
        }
    }

    private readonly SemaphoreSlim _writing = new(1, 1);

    private static readonly Lock AppendLock = new();

    /// <summary>A file another process holds locked for its one short write is tried again, for up to a few seconds.</summary>
    private static void Retry(Action action) => Retry(() => { action(); return true; });

    private static T Retry<T>(Func<T> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return action();
            }
            catch (IOException e) when (attempt < 50 && e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                Thread.Sleep(20 * Math.Min(attempt, 5));
            }
        }
    }

    private bool SignatureHolds(AuditCheckpoint c)
    {
        try
        {
            return _key.Value.VerifyData(Payload(c.Kind, c.Sequence, c.Hash, c.At), Convert.FromBase64String(c.Signature), HashAlgorithmName.SHA256);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Payload(string kind, long sequence, string hash, DateTimeOffset at) =>
        Encoding.UTF8.GetBytes(string.Join('\n', Purpose, kind, sequence.ToString(CultureInfo.InvariantCulture), hash.ToLowerInvariant(),
            at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));

    private static ECDsa LoadOrCreateKey(string path)
    {
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        // Two processes starting at once: the first one's key is the one kept.
        if (!PrivateFiles.WriteOnce(path, Encoding.UTF8.GetBytes(key.ExportPkcs8PrivateKeyPem())))
            key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>Writes a checkpoint at start, every Audit:CheckpointMinutes (10) and at shutdown.</summary>
public sealed class AuditCheckpointWriter(IServiceScopeFactory scopes, AuditCheckpoints checkpoints, TimeProvider clock, IConfiguration config, ILogger<AuditCheckpointWriter> logger) : BackgroundService
{
    private bool _warned;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(Math.Clamp(config.GetValue("Audit:CheckpointMinutes", 10.0), 0.01, 24 * 60));
        while (!stoppingToken.IsCancellationRequested)
        {
            await WriteAsync(CancellationToken.None);
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Not cancelled part-way: a checkpoint is one short read and one line, and a query cancelled mid-way costs the
        // database a connection of its own (PostgreSQL's cancel request).
        await WriteAsync(CancellationToken.None);
    }

    /// <summary>One checkpoint, if the head moved; a trail that fails its check is logged (place numbers only) and not signed.</summary>
    public async Task WriteAsync(CancellationToken ct)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var problems = await checkpoints.WriteAsync(db, clock.GetUtcNow(), ct);
            if (problems is { Count: > 0 } && !_warned)
            {
                _warned = true;
                logger.LogCritical("The audit trail does not verify against its last signed checkpoint; no checkpoint is written until it does. Run 'attune audit verify'. First problem at event {Sequence}.", problems[0].Sequence);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Audit checkpoint not written: {ErrorType}", e.GetType().Name);
        }
    }
}
