using Attune.Web.Features.Security;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>
/// One migrated database with the demo clinic per provider and test run, copied for each test: a file copy on SQLite
/// (the database and the certificate its key ring is encrypted with), <c>CREATE DATABASE … TEMPLATE</c> on PostgreSQL.
/// Migrating and seeding from nothing took most of each test's start; the copy is what each test had before, byte
/// for byte, since the template is made by the same host start with the same fixed clock.
/// </summary>
public static class DatabaseTemplates
{
    private static readonly Lazy<Task<string>> SqliteTemplate = new(MakeSqliteAsync);
    private static readonly Lazy<Task<string>> PostgresTemplate = new(MakePostgresAsync);

    public static async Task CopySqliteAsync(string directory)
    {
        var template = await SqliteTemplate.Value;
        foreach (var file in new[] { "attune.db", KeyEncryption.FileName })
            File.Copy(Path.Combine(template, file), Path.Combine(directory, file));
        // The template's signed audit checkpoints travel with it, so a test's app checks the trail from the last one
        // rather than from event 1.
        foreach (var file in new[] { Attune.Web.Features.Audit.AuditCheckpoints.FileName, Attune.Web.Features.Audit.AuditCheckpoints.KeyFileName })
            if (File.Exists(Path.Combine(template, file)))
                File.Copy(Path.Combine(template, file), Path.Combine(directory, file));
    }

    public static async Task CopyPostgresAsync(string database)
    {
        var template = await PostgresTemplate.Value;
        await using var connection = new NpgsqlConnection($"{AttuneFactory.PostgresServer()};Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\" TEMPLATE \"{template}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

    private static async Task<string> MakeSqliteAsync()
    {
        var directory = Directory.CreateTempSubdirectory("attune-template-").FullName;
        var path = Path.Combine(directory, "attune.db");
        await using (var host = AttuneFactory.CreateTemplateHost("sqlite", $"Data Source={path}", directory))
        {
        }
        SqliteConnection.ClearAllPools();
        // Everything into the main file, so that the file alone is the whole database.
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var checkpoint = new SqliteCommand("PRAGMA wal_checkpoint(TRUNCATE);", connection);
            await checkpoint.ExecuteNonQueryAsync();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(directory, recursive: true); } catch (IOException) { } };
        return directory;
    }

    private static async Task<string> MakePostgresAsync()
    {
        var name = $"attune_template_{Guid.NewGuid():N}";
        var connection = $"{AttuneFactory.PostgresServer()};Database={name};Pooling=true";
        await using (var host = AttuneFactory.CreateTemplateHost("postgres", connection, null))
        {
        }
        // A template may have no one connected to it while it is copied: close the host's pool, and end any session a
        // connection returned to it late still holds (a background pass that was mid-query when the host stopped).
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connection));
        await using (var admin = new NpgsqlConnection($"{AttuneFactory.PostgresServer()};Database=postgres;Pooling=false"))
        {
            await admin.OpenAsync();
            // No one connects to it again (as with template0), so a late connection cannot block a copy.
            await using (var close = new NpgsqlCommand($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false", admin))
                await close.ExecuteNonQueryAsync();
            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()", admin);
            await terminate.ExecuteNonQueryAsync();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                using var admin = new NpgsqlConnection($"{AttuneFactory.PostgresServer()};Database=postgres;Pooling=false");
                admin.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"", admin);
                drop.ExecuteNonQuery();
            }
            catch (NpgsqlException) { }
        };
        return name;
    }
}
