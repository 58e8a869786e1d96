using Attune.Web.Features.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Signals;

/// <summary>
/// Issue 22: at 100,000 closed relationships building a clinic's expected-response tables reads 1.4 M scores. Requests
/// that ask at once share one build; for ten minutes after the tables go stale a request is answered with them while
/// one rebuild runs; after twenty, or after an import, they are rebuilt before the answer.
/// </summary>
public class ExpectedResponseStoreTests
{
    [Fact]
    public async Task Requests_share_one_build_and_are_answered_from_stale_tables_while_one_rebuild_runs()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        Guid org;
        await using (var db = app.CreateDbContext())
            org = await db.Organisations.Select(o => o.Id).FirstAsync(ct);
        var store = app.Services.GetRequiredService<ExpectedResponseStore>();

        // Twenty at once: one build, the same tables for all.
        var first = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => store.GetAsync(org, ct)));
        Assert.Single(first.Distinct());
        Assert.Same(first[0], await store.GetAsync(org, ct));

        // Eleven minutes on: the stale tables at once, and a rebuild behind them.
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Same(first[0], await store.GetAsync(org, ct));
        IReadOnlyDictionary<string, Core.Signals.ExpectedResponseTable> rebuilt = first[0];
        for (var i = 0; i < 100 && ReferenceEquals(rebuilt, first[0]); i++)
        {
            await Task.Delay(50, ct);
            rebuilt = await store.GetAsync(org, ct);
        }
        Assert.NotSame(first[0], rebuilt);

        // Idle for twenty-five minutes: rebuilt before the answer. And after an import's Forget, too.
        app.Clock.Advance(TimeSpan.FromMinutes(25));
        var afterIdle = await store.GetAsync(org, ct);
        Assert.NotSame(rebuilt, afterIdle);
        store.Forget(org);
        Assert.NotSame(afterIdle, await store.GetAsync(org, ct));
    }
}
