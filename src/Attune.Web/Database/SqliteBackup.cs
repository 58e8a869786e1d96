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

    /// <summary>Replaces the database with a checked backup. Attune must be stopped: a running server keeps the old file open.</summary>
    public static async Task<Report> RestoreAsync(string backup, string connectionString, TimeProvider clock, CancellationToken ct = default)
    {
        var from = Path.GetFullPath(backup);
        if (!File.Exists(from))
            throw new BackupException($"There is no backup at {from}.");
        var report = await CheckAsync(from, ct);
        if (!report.AuditIntact)
            throw new BackupException("The backup's audit trail does not verify (run 'attune audit verify' on it); it was changed after it was taken. Nothing was restored.");

        var target = DataFile(connectionString);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
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
        return report with { File = target, SetAside = setAside };
    }

    /// <summary>SQLite's integrity check, the migrations table, and the audit chain of a copy, opened read-only.</summary>
    private static async Task<Report> CheckAsync(string file, CancellationToken ct)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
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

        var options = new DbContextOptionsBuilder<AttuneDbContext>();
        DatabaseSetup.Configure(options, DatabaseSetup.Sqlite, connection);
        await using var db = new AttuneDbContext(options.Options);
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
