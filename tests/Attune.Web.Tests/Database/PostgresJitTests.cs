using Attune.Web.Database;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Attune.Web.Tests.Database;

/// <summary>
/// Issue 22: PostgreSQL's JIT compiled the caseload's ranking query on every view (35 of its 97 ms at 1,600 clients).
/// Attune's own connections turn it off; a connection string that sets its own options keeps them.
/// </summary>
public class PostgresJitTests
{
    [Fact]
    public async Task Attunes_PostgreSQL_connections_do_not_compile_queries_unless_the_connection_string_says_otherwise()
    {
        await using var app = await AttuneFactory.StartAsync("postgres");
        await using var db = app.CreateDbContext();
        var jit = await db.Database.SqlQueryRaw<string>("SELECT current_setting('jit') AS \"Value\"").SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal("off", jit);

        Assert.Equal("-c jit=off", new NpgsqlConnectionStringBuilder(DatabaseSetup.WithoutJit("Host=db;Username=attune")).Options);
        Assert.Equal("-c jit=on -c work_mem=64MB", new NpgsqlConnectionStringBuilder(DatabaseSetup.WithoutJit("Host=db;Options=-c jit=on -c work_mem=64MB")).Options);
    }
}
