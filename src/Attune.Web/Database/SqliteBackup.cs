using Attune.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Database;

/// <summary>
/// Online backup and restore of the SQLite database. The backup is SQLite's own consistent snapshot
/// (<c>VACUUM INTO</c>), taken while Attune runs and writes; it is checked before it is kept. A restore checks the
/// backup the same way, sets the current files aside (never deletes them) and puts the backup in their place.
/// </summary>
public static class SqliteBackup
{
    public sealed record Report(string File, long Bytes, string Integrity, long AuditEvents, string? AuditHead, bool AuditIntact, string? SetAside = null);

    public static async Task<Report> BackupAsync(string connectionString, string destination, CancellationToken ct = default)
    {
        var target = Path.GetFullPath(destination);
        if (File.Exists(target))
            throw new BackupException($"{target} already exists; choose a new file name (Attune never overwrites a backup).");
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
            throw new BackupException($"The folder {folder} does not exist.");
        var source = DataFile(connectionString);
        if (!File.Exists(source))
            throw new BackupException($"There is no database at {source}.");

        // Written beside the target and renamed only once checked, so a half-written file never looks like a backup.
        var partial = target + ".partial";
        File.Delete(partial);
        // VACUUM INTO fills an empty file: made first, private, so the copy is never readable by others.
        PrivateFiles.Ensure(partial);
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $target";
            command.Parameters.AddWithValue("$target", partial);
            await command.ExecuteNonQueryAsync(ct);
        }
        try
        {
            var report = await CheckAsync(partial, ct);
            File.Move(partial, target);
            return report with { File = target, Bytes = new FileInfo(target).Length };
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>
    /// Replaces the database with a checked backup. Attune must be stopped: a running server keeps the old file open.
    /// The backup's audit trail must agree with every signed checkpoint up to its own end; a backup that ends before the
    /// latest checkpoint (it would lose the events after it) is refused unless <paramref name="acceptOlder"/>, and then
    /// the restore is recorded twice: as a signed "restore" line in the checkpoint file, and as an event in the trail.
    /// </summary>
    public static async Task<Report> RestoreAsync(string backup, string connectionString, TimeProvider clock, Features.Audit.AuditCheckpoints checkpoints, bool acceptOlder, CancellationToken ct = default)
    {
        var from = Path.GetFullPath(backup);
        if (!File.Exists(from))
            throw new BackupException($"There is no backup at {from}.");
        var report = await CheckAsync(from, ct);
        if (!report.AuditIntact)
            throw new BackupException("The backup's audit trail does not verify (run 'attune audit verify' on it); it was changed after it was taken. Nothing was restored.");
        var head = AuditAnchor.TryParse(report.AuditHead, out var h) ? h : null;
        var (inForce, _) = checkpoints.Read();
        var latest = inForce.LastOrDefault();
        await using (var db = Open(from))
        {
            var upToHead = inForce.Select(c => c.Anchor).Where(a => head is not null && a.Sequence <= head.Sequence).ToList();
            var against = await AuditChain.VerifyAsync(db, upToHead, from: null, checkpoints.SealHolds, ct);
            if (!against.Intact)
                throw new BackupException($"The backup's audit trail does not agree with the signed checkpoints in {checkpoints.FilePath}: it is not a copy of this clinic's trail as it was. Nothing was restored.");
        }
        var older = latest is not null && (head is null || head.Sequence < latest.Sequence);
        if (older && !acceptOlder)
            throw new BackupException($"The backup ends at audit event {head?.Sequence ?? 0}, but the trail was signed at event {latest!.Sequence} on {latest.At:yyyy-MM-dd HH:mm} UTC: restoring it loses every event after the backup. " +
                                      "If that is what you mean (the newer data is lost), run restore again with --accept-older; the restore is recorded. Nothing was restored.");

        var target = DataFile(connectionString);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // A pooled connection still open in this process would keep reading the file that is set aside below.
        SqliteConnection.ClearAllPools();
        string? setAside = null;
        if (File.Exists(target))
        {
            setAside = $"{target}.before-restore-{clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}";
            // The main file with its write-ahead log and index travel together.
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                if (File.Exists(target + suffix))
                    File.Move(target + suffix, setAside + suffix);
        }
        File.Copy(from, target);
        PrivateFiles.Restrict(target);
        SqliteConnection.ClearAllPools();
        if (older && head is not null)
        {
            // The checkpoints start again from the restored head, and the trail says who chose to go back, and to where.
            checkpoints.Append(Features.Audit.AuditCheckpoint.Restore, head, clock.GetUtcNow());
            await using var db = Open(target, readOnly: false);
            var organisation = await db.Organisations.Select(o => o.Id).FirstOrDefaultAsync(ct);
            db.AuditEvents.Add(new AuditEvent
            {
                At = clock.GetUtcNow(), OrganisationId = organisation, ActorKind = "system", Action = "restore-older", EntityType = "AuditTrail", RemoteAddress = "attune restore",
            });
            await db.SaveChangesAsync(ct);
        }
        return report with { File = target, SetAside = setAside };
    }

    /// <summary>A backup or database file on its own, outside the app's pool (read-only unless it is to be written).</summary>
    private static AttuneDbContext Open(string file, bool readOnly = true)
    {
        var options = new DbContextOptionsBuilder<AttuneDbContext>();
        DatabaseSetup.Configure(options, DatabaseSetup.Sqlite, ConnectionTo(file, readOnly));
        return new AttuneDbContext(options.Options);
    }

    private static string ConnectionTo(string file, bool readOnly) =>
        new SqliteConnectionStringBuilder { DataSource = file, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite, Pooling = false }.ToString();

    /// <summary>SQLite's integrity check, the migrations table, and the audit chain of a copy, opened read-only.</summary>
    private static async Task<Report> CheckAsync(string file, CancellationToken ct)
    {
        var connection = ConnectionTo(file, readOnly: true);
        string integrity;
        try
        {
            await using var c = new SqliteConnection(connection);
            await c.OpenAsync(ct);
            await using var check = c.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            integrity = (string)(await check.ExecuteScalarAsync(ct) ?? "");
            check.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('__EFMigrationsHistory', 'AuditEvents', 'Clients')";
            if ((long)(await check.ExecuteScalarAsync(ct) ?? 0L) != 3)
                throw new BackupException($"{file} is an SQLite database but not an Attune one.");
        }
        catch (SqliteException e)
        {
            throw new BackupException($"{file} is not a readable SQLite database ({e.Message}).");
        }
        if (integrity != "ok")
            throw new BackupException($"{file} fails SQLite's integrity check: {integrity}");

        await using var db = Open(file);
        var audit = await AuditChain.VerifyAsync(db, ct: ct);
        return new Report(file, new FileInfo(file).Length, integrity, audit.Events, audit.Head?.ToString(), audit.Intact);
    }

    private static string DataFile(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrWhiteSpace(source) || source == ":memory:")
            throw new BackupException("The SQLite connection string names no database file.");
        return Path.GetFullPath(source);
    }
}

/// <summary>A backup or restore that cannot go ahead, with the reason; nothing was changed.</summary>
public sealed class BackupException(string message) : Exception(message);
