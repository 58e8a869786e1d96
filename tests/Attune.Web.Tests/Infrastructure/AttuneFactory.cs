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

    private AttuneFactory(string provider, string connection, string? sqliteDirectory)
    {
        _provider = provider;
        _connection = connection;
        _sqliteDirectory = sqliteDirectory;
    }

    public string Provider => _provider;

    /// <summary>The settings a command-line verb needs to reach this test's database.</summary>
    public string[] DatabaseArguments => [$"--Database:Provider={_provider}", $"--ConnectionStrings:Attune={_connection}", "--Demo:Seed=false"];

    public static Task<AttuneFactory> StartAsync(string provider, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        AttuneFactory factory;
        if (provider == "sqlite")
        {
            var dir = Directory.CreateTempSubdirectory("attune-test-").FullName;
            factory = new AttuneFactory(provider, $"Data Source={Path.Combine(dir, "attune.db")}", dir);
        }
        else
        {
            var server = Environment.GetEnvironmentVariable(PostgresVariable);
            if (string.IsNullOrWhiteSpace(server))
                throw new InvalidOperationException(
                    $"These tests run on PostgreSQL too. Run ./test.sh, which starts a server, or set {PostgresVariable} to a connection string such as Host=127.0.0.1;Port=55432;Username=postgres.");
            // Pooled, as Attune runs in production (a pool-less connection per query also hid a concurrency bug once).
            factory = new AttuneFactory(provider, $"{server};Database=attune_test_{Guid.NewGuid():N};Pooling=true", null);
        }
        factory._settings = settings ?? new Dictionary<string, string>();
        factory._services = services;
        // Starting the host migrates the database and seeds the demo clinic.
        _ = factory.Services;
        return Task.FromResult(factory);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", _provider);
        builder.UseSetting("ConnectionStrings:Attune", _connection);
        builder.UseSetting("Demo:Seed", "true");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
    }

    public AttuneDbContext CreateDbContext() =>
        Services.CreateScope().ServiceProvider.GetRequiredService<AttuneDbContext>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_provider == "postgres")
        {
            // The app has stopped: close its pooled connections, then drop the test's database.
            Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(_connection));
            var options = new DbContextOptionsBuilder<AttuneDbContext>();
            Attune.Web.Features.Database.DatabaseSetup.Configure(options, _provider, _connection.Replace("Pooling=true", "Pooling=false", StringComparison.Ordinal));
            await using var db = new AttuneDbContext(options.Options);
            await db.Database.EnsureDeletedAsync();
        }
        if (_sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_sqliteDirectory, recursive: true); } catch (IOException) { }
        }
    }
}

public static class Databases
{
    /// <summary>Every HTTP test runs on both providers.</summary>
    public static TheoryData<string> All => new() { "sqlite", "postgres" };
}
