using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Database;

/// <summary>
/// A list in a query (<c>ids.Contains(x.Id)</c>) of any length reaches the database: some lists grow with the clinic (a
/// supervisor's clients, an export's episodes). EF Core 10 sends a parameter per item by default, past SQLite's 32,766
/// and PostgreSQL's 65,535 a failure (seen: the client list of a clinician with 100,000 past clients answered 500);
/// Attune sends the list as one parameter.
/// </summary>
public class LongListTests
{
    [Theory, AllDatabases]
    public async Task A_list_of_seventy_thousand_ids_is_one_parameter(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AttuneFactory.StartAsync(provider);
        await using var db = app.CreateDbContext();
        var known = await db.Clients.Select(c => c.Id).ToListAsync(ct);
        var ids = Enumerable.Range(0, 70_000).Select(_ => Guid.NewGuid()).Concat(known).ToList();
        Assert.Equal(known.Count, await db.Clients.CountAsync(c => ids.Contains(c.Id), ct));
        var sql = db.Clients.Where(c => ids.Contains(c.Id)).ToQueryString();
        Assert.DoesNotContain("@ids2", sql, StringComparison.Ordinal);
    }
}
