using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Attune.Web.Database;

/// <summary>
/// Readiness: the database has every migration this version of Attune knows (a newer version's extra ones are fine:
/// migrations only add). A node started before `attune migrate` ran is not ready, and a load balancer sends it nothing.
/// </summary>
public sealed class MigrationsApplied(AttuneDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        return pending == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{pending} migration(s) pending: run `attune migrate`.");
    }
}
