using Attune.Data;
using Attune.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>
/// The real app on a real database: a new SQLite file, or a new database on the PostgreSQL server
/// that test.sh starts (ATTUNE_TEST_POSTGRES). Migrated and seeded with the demo clinic.
/// </summary>
public sealed class AttuneFactory : WebApplicationFactory<Program>
{
    public const string PostgresVariable = "ATTUNE_TEST_POSTGRES";

    private readonly string _provider;
    private readonly string _connection;
    private readonly string? _sqliteDirectory;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    private IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();
    private Action<IServiceCollection>? _services;

    private AttuneFactory(string provider, string connection, string? sqliteDirectory, string? auditFolder = null)
    {
        _provider = provider;
        _connection = connection;
        _sqliteDirectory = sqliteDirectory;
        // The audit trail's signed checkpoints and their key, outside the database: beside the SQLite file, or in a
        // folder of this test's own for a PostgreSQL database (the app's default folder would be shared by every test).
        _auditFolder = auditFolder ?? sqliteDirectory ?? Directory.CreateTempSubdirectory("attune-audit-").FullName;
    }

    private readonly string _auditFolder;

    public string AuditCheckpointFile => Path.Combine(_auditFolder, "attune-audit-checkpoints.jsonl");
    private string AuditSigningKey => Path.Combine(_auditFolder, "attune-audit-signing-key.pem");

    public string Provider => _provider;

    /// <summary>The settings a command-line verb needs to reach this test's database.</summary>
    public string[] DatabaseArguments => [$"--Database:Provider={_provider}", $"--ConnectionStrings:Attune={_connection}", "--Demo:Seed=false",
        $"--Audit:CheckpointFile={AuditCheckpointFile}", $"--Audit:SigningKeyPath={AuditSigningKey}",
        $"--DataProtection:CertificatePath={Attune.Web.Features.Security.KeyEncryption.CertificatePath(Services.GetRequiredService<IConfiguration>(), Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>())}"];

    /// <summary>Gives the reads saved since the last pass their places in the audit chain now, as the background pass does every few seconds.</summary>
    public async Task<int> ChainAuditAsync()
    {
        using var scope = Services.CreateScope();
        return await Attune.Web.Features.Audit.AuditChainer.ChainAsync(scope.ServiceProvider.GetRequiredService<AttuneDbContext>(),
            scope.ServiceProvider.GetRequiredService<Attune.Web.Features.Audit.AuditSeal>(), CancellationToken.None);
    }

    /// <summary>
    /// Settings that change what the database holds at start (its key ring, its instruments, where it is): a test that
    /// gives one of these gets a database of its own, migrated and seeded from nothing, instead of a copy of the template.
    /// </summary>
    private static readonly string[] FreshDatabaseSettings = ["ConnectionStrings:", "DataProtection:", "Instruments:", "Database:", "Demo:"];

    public static async Task<AttuneFactory> StartAsync(string provider, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        settings ??= new Dictionary<string, string>();
        var fresh = settings.Keys.Any(k => FreshDatabaseSettings.Any(prefix => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
        AttuneFactory factory;
        if (provider == "sqlite")
        {
            var dir = Directory.CreateTempSubdirectory("attune-test-").FullName;
            if (!fresh)
                await DatabaseTemplates.CopySqliteAsync(dir);
            factory = new AttuneFactory(provider, $"Data Source={Path.Combine(dir, "attune.db")}", dir);
        }
        else
        {
            var database = $"attune_test_{Guid.NewGuid():N}";
            if (!fresh)
                await DatabaseTemplates.CopyPostgresAsync(database);
            // Pooled, as Attune runs in production (a pool-less connection per query also hid a concurrency bug once).
            factory = new AttuneFactory(provider, $"{PostgresServer()};Database={database};Pooling=true", null);
        }
        factory._settings = settings;
        factory._services = services;
        // Starting the host migrates the database and seeds the demo clinic (both nothing to do on a template's copy).
        _ = factory.Services;
        return factory;
    }

    /// <summary>
    /// Another instance of Attune on this test's database, as a clinic runs two behind a load balancer; its own settings,
    /// its own clock. Disposing it leaves the database to this one.
    /// </summary>
    public AttuneFactory StartAnotherInstance(IReadOnlyDictionary<string, string>? settings = null)
    {
        var other = new AttuneFactory(_provider, _connection, _sqliteDirectory, _auditFolder) { _keepDatabase = true, _settings = settings ?? _settings };
        _ = other.Services;
        return other;
    }

    /// <summary>The PostgreSQL server test.sh starts, as a connection string without a database.</summary>
    public static string PostgresServer()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException(
                $"These tests run on PostgreSQL too. Run ./test.sh, which starts a server, or set {PostgresVariable} to a connection string such as Host=127.0.0.1;Port=55432;Username=postgres.");
        return server;
    }

    /// <summary>
    /// A migrated, demo-seeded database made from nothing, as every test had before templates: the template itself is
    /// made this way, once per provider and test run.
    /// </summary>
    internal static AttuneFactory CreateTemplateHost(string provider, string connection, string? sqliteDirectory)
    {
        var factory = new AttuneFactory(provider, connection, sqliteDirectory) { _keepDatabase = true };
        _ = factory.Services;
        return factory;
    }

    private bool _keepDatabase;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", _provider);
        builder.UseSetting("ConnectionStrings:Attune", _connection);
        builder.UseSetting("Demo:Seed", "true");
        // Tests name hosts of their own (a PublicUrl, a forged Host header); ProxyTests checks the host filter.
        builder.UseSetting("AllowedHosts", "*");
        // Outside Development Attune needs its public address (the test client speaks to https://localhost).
        builder.UseSetting("PublicUrl", "https://localhost");
        // A test that names its own database gets the app's defaults (beside its SQLite file), as the command line does.
        if (!_settings.ContainsKey("ConnectionStrings:Attune"))
        {
            builder.UseSetting("Audit:CheckpointFile", AuditCheckpointFile);
            builder.UseSetting("Audit:SigningKeyPath", AuditSigningKey);
        }
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            // Staff passwords are hashed with far fewer PBKDF2 rounds than in production (100,000): every sign-in of every
            // test pays for it, and what the tests check does not depend on the count. Tests only.
            services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = TestPasswordIterations);
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
    }

    public AttuneDbContext CreateDbContext() =>
        Services.CreateScope().ServiceProvider.GetRequiredService<AttuneDbContext>();

    public const int TestPasswordIterations = 1_000;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_keepDatabase)
            return;
        if (_provider == "postgres")
        {
            // The app has stopped: close its pooled connections, then drop the test's database.
            Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(_connection));
            var options = new DbContextOptionsBuilder<AttuneDbContext>();
            Attune.Web.Database.DatabaseSetup.Configure(options, _provider, _connection.Replace("Pooling=true", "Pooling=false", StringComparison.Ordinal));
            await using var db = new AttuneDbContext(options.Options);
            await db.Database.EnsureDeletedAsync();
        }
        if (_sqliteDirectory is null)
            try { Directory.Delete(_auditFolder, recursive: true); } catch (IOException) { }
        if (_sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_sqliteDirectory, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>
/// Runs a theory once on each database Attune supports: <c>[Theory, AllDatabases]</c> with a <c>string provider</c>
/// parameter, as bitwarden's <c>[DatabaseTheory, DatabaseData]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllDatabasesAttribute : Xunit.v3.DataAttribute
{
    public static readonly string[] Providers = ["sqlite", "postgres"];

    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(System.Reflection.MethodInfo testMethod, Xunit.Sdk.DisposalTracker disposalTracker) =>
        new(Providers.Select(p => (ITheoryDataRow)new TheoryDataRow(p)).ToList());

    public override bool SupportsDiscoveryEnumeration() => true;
}
