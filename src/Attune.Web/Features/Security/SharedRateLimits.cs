using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Security;

/// <summary>
/// The rate limits' counts in the database (<see cref="RateLimitCount"/>), for a clinic that runs several nodes on one
/// PostgreSQL: a caller who spreads guesses over the nodes behind the load balancer meets one limit, not one per node.
/// Each request that meets a limit adds one to its caller's count for the current fixed window in a single statement
/// (insert, or on conflict add one, or start the new window at one) and learns the new count from it, so that two nodes
/// counting at once both see each other's requests. Rows are the SHA-256 of the policy and the caller, never the address
/// itself, and rows of windows an hour old are deleted as the store goes.
/// </summary>
/// <remarks>
/// If the database cannot be reached the request is let through (and the warning logged without the caller): every door
/// these limits guard needs the database to open, so nothing can be guessed while it is down.
/// </remarks>
public sealed class SharedRateLimitStore(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SharedRateLimitStore> logger)
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromHours(1);
    private long nextPurge;

    /// <summary>Counts <paramref name="permits"/> more for <paramref name="caller"/> in this window; whether they stay within <paramref name="limit"/>.</summary>
    public async ValueTask<bool> TryTakeAsync(string caller, int permits, int limit, TimeSpan window, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var length = Math.Max(1, (long)window.TotalSeconds);
        var start = now - now % length;
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caller)));
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var counted = await db.Database.SqlQuery<int>($"""
                INSERT INTO "RateLimitCounts" ("Key", "WindowStart", "Count") VALUES ({key}, {start}, {permits})
                ON CONFLICT ("Key") DO UPDATE SET
                    "Count" = CASE WHEN "RateLimitCounts"."WindowStart" = {start} THEN "RateLimitCounts"."Count" + {permits} ELSE {permits} END,
                    "WindowStart" = {start}
                RETURNING "Count" AS "Value"
                """).ToListAsync(ct);
            if (now >= Interlocked.Read(ref nextPurge))
            {
                Interlocked.Exchange(ref nextPurge, now + (long)KeptFor.TotalSeconds / 12);
                var before = now - (long)KeptFor.TotalSeconds;
                await db.RateLimitCounts.Where(c => c.WindowStart < before).ExecuteDeleteAsync(ct);
            }
            return counted.Single() <= limit;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
        {
            logger.LogWarning("A rate-limit count could not be kept in the database ({ErrorType}); the request goes on", e.GetType().Name);
            return true;
        }
    }

    /// <summary>A fixed-window limit on one caller, counted in this store.</summary>
    public RateLimitPartition<string> Partition(string caller, int perWindow, TimeSpan window) =>
        RateLimitPartition.Get(caller, key => new SharedWindowLimiter(this, key, perWindow, window, clock));

    /// <summary>
    /// One caller's limiter. ASP.NET Core asks it synchronously first, which it cannot answer without the database, so
    /// that answer is always "not now" and the middleware then asks asynchronously, where the count is kept.
    /// </summary>
    private sealed class SharedWindowLimiter(SharedRateLimitStore store, string caller, int limit, TimeSpan window, TimeProvider clock) : RateLimiter
    {
        private long lastUsed = clock.GetTimestamp();

        public override TimeSpan? IdleDuration => clock.GetElapsedTime(Interlocked.Read(ref lastUsed));

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => permitCount == 0 ? Lease.Granted : Lease.Refused;

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            Interlocked.Exchange(ref lastUsed, clock.GetTimestamp());
            if (permitCount == 0) return Lease.Granted;
            if (permitCount > limit) return Lease.Refused;
            return await store.TryTakeAsync(caller, permitCount, limit, window, cancellationToken) ? Lease.Granted : Lease.Refused;
        }
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Refused = new(false);
        public override bool IsAcquired => acquired;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
