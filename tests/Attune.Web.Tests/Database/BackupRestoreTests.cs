using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Database;

/// <summary>
/// The SQLite backup taken while Attune serves requests, and the restore from it. (PostgreSQL has its own tools,
/// pg_dump and pg_restore, which the README describes; the verbs refuse it with that advice.)
/// </summary>
public class BackupRestoreTests
{
    [Fact, System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_backup_taken_under_load_restores_to_exactly_what_it_held()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("attune-backup-").FullName;
        var connection = $"Data Source={Path.Combine(dir, "attune.db")}";
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Attune"] = connection };
        var backupFile = Path.Combine(dir, "nightly.attune-backup");
        try
        {
            Guid before, after;
            string head;
            await using (var app = await AttuneFactory.StartAsync("sqlite", settings))
            {
                var staff = await Demo.ClinicianAsync(app);
                before = await Slice.AddClientAsync(staff, "Before Backup");
                await Slice.RecordSessionAsync(staff, before, "2026-11-02T10:00");
                await app.ChainAuditAsync(); // a trail with a head, as a running clinic's has

                // The backup runs while twenty requests write their audit events.
                var load = Enumerable.Range(0, 20).Select(_ => staff.Http.GetAsync($"/clients/{before}", ct)).ToList();
                var backup = await CommandLine.RunAsync("backup", "--to", backupFile, $"--ConnectionStrings:Attune={connection}");
                Assert.All(await Task.WhenAll(load), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
                Assert.Equal(0, backup.Exit);
                var report = JsonDocument.Parse(backup.Out).RootElement;
                Assert.Equal("ok", report.GetProperty("integrity").GetString());
                Assert.True(report.GetProperty("auditIntact").GetBoolean());
                head = report.GetProperty("auditHead").GetString()!;

                // The database, its log and the backup are the Attune account's alone (issue 17: they were 0644).
                var db = Path.Combine(dir, "attune.db");
                // Another test's restore or clean-up in this process may clear every SQLite pool, closing this app's idle
                // connections, and the last one to close removes the -wal and -shm files (seen once). A connection held
                // open here keeps them; SQLite gives them the database file's mode whoever opens it.
                await using (var held = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=false"))
                {
                    await held.OpenAsync(ct);
                    await using (var read = held.CreateCommand())
                    {
                        read.CommandText = "SELECT count(*) FROM sqlite_master";
                        await read.ExecuteScalarAsync(ct);
                    }
                    foreach (var file in new[] { db, db + "-wal", db + "-shm", backupFile })
                        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                }

                after = await Slice.AddClientAsync(staff, "After Backup");
                var again = await CommandLine.RunAsync("backup", "--to", backupFile, $"--ConnectionStrings:Attune={connection}");
                Assert.Equal(2, again.Exit);
                Assert.Contains("already exists", again.Err);
            }

            // Not a backup: refused, and the database is untouched.
            var junk = Path.Combine(dir, "junk.db");
            await File.WriteAllTextAsync(junk, "this is not a database", ct);
            var fingerprint = await FingerprintAsync(Path.Combine(dir, "attune.db"));
            var refused = await CommandLine.RunAsync("restore", "--from", junk, $"--ConnectionStrings:Attune={connection}");
            Assert.Equal(2, refused.Exit);
            Assert.Contains("not a readable SQLite database", refused.Err);
            Assert.Equal(fingerprint, await FingerprintAsync(Path.Combine(dir, "attune.db")));

            // The backup ends before the trail's last signed checkpoint (Attune wrote one when it stopped, after "After
            // Backup" was added): restoring it loses events, so it is refused unless asked for, and then recorded.
            var older = await CommandLine.RunAsync("restore", "--from", backupFile, $"--ConnectionStrings:Attune={connection}");
            Assert.Equal(2, older.Exit);
            Assert.Contains("--accept-older", older.Err);
            Assert.Equal(fingerprint, await FingerprintAsync(Path.Combine(dir, "attune.db")));
            var restored = await CommandLine.RunAsync("restore", "--from", backupFile, "--accept-older", $"--ConnectionStrings:Attune={connection}");
            Assert.True(restored.Exit == 0, restored.Err);
            var checkpoints = await File.ReadAllLinesAsync(Path.Combine(dir, Attune.Web.Features.Audit.AuditCheckpoints.FileName), ct);
            Assert.StartsWith("{\"kind\":\"restore\"", checkpoints[^1]);
            var verifiedAfterRestore = await CommandLine.RunAsync("audit", "verify", $"--ConnectionStrings:Attune={connection}");
            Assert.True(verifiedAfterRestore.Exit == 0, verifiedAfterRestore.Out + string.Join("\n", checkpoints));
            var setAside = JsonDocument.Parse(restored.Out).RootElement.GetProperty("setAside").GetString()!;
            Assert.True(File.Exists(setAside), "the replaced database is kept");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "attune.db")));

            await using (var app = await AttuneFactory.StartAsync("sqlite", settings))
            {
                var staff = await Demo.ClinicianAsync(app);
                Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync($"/clients/{before}", ct)).StatusCode);
                Assert.Equal(HttpStatusCode.NotFound, (await staff.Http.GetAsync($"/clients/{after}", ct)).StatusCode);
                await using var db = app.CreateDbContext();
                Assert.Equal(1, await db.Sessions.CountAsync(s => db.Relationships.Any(r => r.Id == s.RelationshipId && r.ClientId == before), ct));
                // The restored trail verifies against the head the backup reported, and grows on from it.
                var verified = await AuditChain.VerifyAsync(db, AuditAnchor.TryParse(head, out var anchor) ? anchor : null, ct);
                Assert.True(verified.Intact, string.Join("; ", verified.Problems.Select(p => p.Message)));
                Assert.True(verified.Head!.Sequence > anchor!.Sequence);
                Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "restore-older" && e.Sequence == anchor.Sequence + 1, ct));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_tampered_backup_is_not_restored()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("attune-backup-").FullName;
        var connection = $"Data Source={Path.Combine(dir, "attune.db")}";
        var backupFile = Path.Combine(dir, "copy.attune-backup");
        try
        {
            await using (var app = await AttuneFactory.StartAsync("sqlite", new Dictionary<string, string> { ["ConnectionStrings:Attune"] = connection }))
            {
                var staff = await Demo.ClinicianAsync(app);
                await Slice.AddClientAsync(staff, "Someone");
                await app.ChainAuditAsync(); // the events given their places, so that there is an event 2 to delete
                Assert.Equal(0, (await CommandLine.RunAsync("backup", "--to", backupFile, $"--ConnectionStrings:Attune={connection}")).Exit);
            }
            await using (var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={backupFile};Pooling=false"))
            {
                await copy.OpenAsync(ct);
                await using var edit = copy.CreateCommand();
                edit.CommandText = """DELETE FROM "AuditEvents" WHERE "Sequence" = 2""";
                await edit.ExecuteNonQueryAsync(ct);
            }
            var fingerprint = await FingerprintAsync(Path.Combine(dir, "attune.db"));
            var refused = await CommandLine.RunAsync("restore", "--from", backupFile, $"--ConnectionStrings:Attune={connection}");
            Assert.Equal(2, refused.Exit);
            Assert.Contains("audit trail does not verify", refused.Err);
            Assert.Equal(fingerprint, await FingerprintAsync(Path.Combine(dir, "attune.db")));

            var postgres = await CommandLine.RunAsync("backup", "--to", Path.Combine(dir, "pg"), "--Database:Provider=postgres");
            Assert.Equal(2, postgres.Exit);
            Assert.Contains("pg_dump", postgres.Err);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<string> FingerprintAsync(string file) =>
        Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(file)));
}
