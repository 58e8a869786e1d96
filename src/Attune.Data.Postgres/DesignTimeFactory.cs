using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Attune.Data.Postgres;

/// <summary>Lets `dotnet ef migrations add` build the context for PostgreSQL without a server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AttuneDbContext>
{
    public AttuneDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<AttuneDbContext>()
        .UseNpgsql("Host=localhost;Database=attune_design", o => o.MigrationsAssembly(typeof(DesignTimeFactory).Assembly.GetName().Name))
        .Options);
}
