using System.Data.Common;
using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Attune.Web.Database;

/// <summary>
/// What is deleted is gone from the files, not only from the tables. On SQLite every connection runs with
/// <c>secure_delete</c> on (deleted content is overwritten with zeros, in the table's pages and its indexes' pages), and
/// an erasure ends with <see cref="ScrubAsync"/>: the write-ahead log (which still holds the pages as they were before)
/// is checkpointed and truncated, the file is rebuilt by <c>VACUUM</c>, and the log truncated again. On PostgreSQL the
/// tables are vacuumed after the transaction, so the dead rows are pruned from their pages.
/// </summary>
public static class DeletedData
{
    /// <summary>
    /// Turns on <c>secure_delete</c> for each SQLite connection (the setting is per connection). EF Core opens and
    /// closes its connection around each query, and the pool hands back the same underlying connection, which keeps the
    /// setting: so it is set once per underlying connection (its native handle), not at every open.
    /// </summary>
    public sealed class SecureDelete : DbConnectionInterceptor
    {
        public static readonly SecureDelete Instance = new();
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Done = new();

        private static bool Needed(DbConnection connection) =>
            connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } || !Done.TryGetValue(handle, out _);

        private static void Remember(DbConnection connection)
        {
            if (connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle }) Done.AddOrUpdate(handle, Instance);
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (!Needed(connection)) return;
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA secure_delete=ON;";
            command.ExecuteNonQuery();
            Remember(connection);
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (!Needed(connection)) return;
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA secure_delete=ON;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            Remember(connection);
        }
    }

    /// <summary>
    /// Run after a committed erasure, outside any transaction. On SQLite it takes the database to itself for the
    /// VACUUM (other writers wait on the busy timeout); on a clinic's database of some hundreds of MB that is seconds.
    /// </summary>
    public static async Task ScrubAsync(AttuneDbContext db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct);
            await db.Database.ExecuteSqlRawAsync("VACUUM;", ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct);
        }
        else if (db.Database.IsNpgsql())
        {
            // VACUUM cannot run in a transaction block; each table by name, as the model maps it (the audit trail is
            // never deleted from, so it is left alone).
            var tables = db.Model.GetEntityTypes().Where(t => t.ClrType != typeof(AuditEvent))
                .Select(t => t.GetTableName()).OfType<string>().Distinct().Select(t => $"\"{t.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
#pragma warning disable EF1002 // table names come from the model, not from input
            await db.Database.ExecuteSqlRawAsync($"VACUUM {string.Join(", ", tables)};", ct);
#pragma warning restore EF1002
        }
    }
}
