using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Attune.Data.Sqlite;

/// <summary>Lets `dotnet ef migrations add` build the context for SQLite without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AttuneDbContext>
{
    public AttuneDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<AttuneDbContext>()
        .UseSqlite("Data Source=design.db", o => o.MigrationsAssembly(typeof(DesignTimeFactory).Assembly.GetName().Name))
        .Options);
}
