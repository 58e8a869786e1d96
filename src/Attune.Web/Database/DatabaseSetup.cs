using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Database;

/// <summary>Chooses SQLite or PostgreSQL by the setting Database:Provider, each with its own migrations assembly.</summary>
public static class DatabaseSetup
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static IServiceCollection AddAttuneDatabase(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var provider = (config["Database:Provider"] ?? Sqlite).Trim().ToLowerInvariant();
        var connection = ConnectionString(config, env, provider);
        services.AddDbContext<AttuneDbContext>(o => Configure(o, provider, connection));
        return services;
    }

    public static void Configure(DbContextOptionsBuilder o, string provider, string connection)
    {
        switch (provider)
        {
            // A list in a query (ids.Contains(x.Id)) goes as one parameter (SQLite's json_each, PostgreSQL's array), as
            // EF Core 8 and 9 sent it: EF Core 10's default of a parameter per item fails past the database's limit
            // (32,766 on SQLite, 65,535 on PostgreSQL), and some lists grow with the clinic (a supervisor's clients, an
            // export's episodes). Seen: the client list of a clinician with 100,000 past clients answered 500.
            case Sqlite:
                o.UseSqlite(connection, x => x.MigrationsAssembly("Attune.Data.Sqlite").UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                    .AddInterceptors(DeletedData.SecureDelete.Instance, SqliteWriteGate.Instance);
                break;
            case Postgres:
                o.UseNpgsql(WithoutJit(connection), x => x.MigrationsAssembly("Attune.Data.Postgres").UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
                break;
            default:
                throw new InvalidOperationException($"Database:Provider must be '{Sqlite}' or '{Postgres}', not '{provider}'.");
        }
    }

    /// <summary>
    /// PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes <c>jit_above_cost</c>. Attune's
    /// queries are many small index reads per row, which JIT does not speed up: the caseload of 1,600 clients spent
    /// 35 of its 97 ms compiling, on every view, and the analytics read ran as fast without it (issue 22). So Attune's
    /// connections turn it off (<c>Options=-c jit=off</c>) unless the connection string sets <c>Options</c> itself.
    /// </summary>
    public static string WithoutJit(string connection)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        if (string.IsNullOrWhiteSpace(builder.Options))
            builder.Options = "-c jit=off";
        return builder.ConnectionString;
    }

    public static string ConnectionString(IConfiguration config, IHostEnvironment env, string provider)
    {
        var configured = config.GetConnectionString("Attune");
        if (!string.IsNullOrWhiteSpace(configured))
            return configured;
        if (provider != Sqlite)
            throw new InvalidOperationException("ConnectionStrings:Attune is required for PostgreSQL.");
        var directory = Path.Combine(env.ContentRootPath, config["Database:DataDirectory"] ?? "data");
        PrivateFiles.EnsureFolder(directory);
        return $"Data Source={Path.Combine(directory, "attune.db")}";
    }

    /// <summary>
    /// Applies migrations; on SQLite first makes the database file private (0600, which its -wal and -shm files then
    /// take) and turns on WAL so a crash cannot lose acknowledged writes.
    /// </summary>
    public static async Task MigrateAsync(AttuneDbContext db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (!string.IsNullOrEmpty(file) && file != ":memory:" && !file.StartsWith("file:", StringComparison.Ordinal))
            {
                PrivateFiles.Ensure(Path.GetFullPath(file));
                foreach (var suffix in new[] { "-wal", "-shm" })
                    PrivateFiles.Restrict(Path.GetFullPath(file) + suffix);
            }
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();
        if (applied.Count > 0 && !applied.Intersect(db.Database.GetMigrations()).Any())
            throw new InvalidOperationException(
                "This database was made by a development build of Attune from before its migrations were squashed into one (December 2026); " +
                "no clinic ran such a build. Start from a new database: for the demo, delete the data folder (src/Attune.Web/data) and start again.");
        // Nothing here (or anywhere) gives places to audit events already saved: an event outside the chain is an
        // insertion that verification reports, never something to repair.
        await db.Database.MigrateAsync(ct);
    }
}
