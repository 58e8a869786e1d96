using Attune.Data;
using Attune.Web.Database;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Database;

/// <summary>
/// Deleted content is overwritten in the SQLite file (<c>secure_delete</c>), on every connection Attune uses: the
/// setting is made once per underlying connection and kept when the pool hands it back (issue 22 stopped setting it at
/// every open), and a new underlying connection gets it too.
/// </summary>
public class SecureDeleteTests
{
    [Fact]
    public async Task Every_connection_deletes_securely_whether_new_or_from_the_pool()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("attune-secure-delete-").FullName;
        AttuneDbContext Open() => SqliteContext.Open(Path.Combine(dir, "attune.db"));
        try
        {
            await using (var db = Open()) await DatabaseSetup.MigrateAsync(db, ct);
            for (var i = 0; i < 3; i++)
            {
                // The same pooled connection each time, then (after the pool is cleared) a new one.
                if (i == 2) Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                await using var db = Open();
                Assert.Equal([1L], await db.Database.SqlQueryRaw<long>("PRAGMA secure_delete").ToListAsync(ct));
                // Two at once: the second is another underlying connection.
                await using var other = Open();
                await other.Database.OpenConnectionAsync(ct);
                await db.Database.OpenConnectionAsync(ct);
                Assert.Equal([1L], await other.Database.SqlQueryRaw<long>("PRAGMA secure_delete").ToListAsync(ct));
                Assert.Equal([1L], await db.Database.SqlQueryRaw<long>("PRAGMA secure_delete").ToListAsync(ct));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
