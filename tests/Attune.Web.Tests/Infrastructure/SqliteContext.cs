using Attune.Data;
using Attune.Web.Database;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>A DbContext on a SQLite file, configured as the app configures its own (interceptors included), without a host.</summary>
public static class SqliteContext
{
    public static AttuneDbContext Open(string file)
    {
        var options = new DbContextOptionsBuilder<AttuneDbContext>();
        DatabaseSetup.Configure(options, DatabaseSetup.Sqlite, $"Data Source={file}");
        return new AttuneDbContext(options.Options);
    }
}
