using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Signals;

/// <summary>One week of the clinic's signal report: active relationships and how many had a new signal (of any kind, of risk, per kind).</summary>
public sealed record WeekShare(DateTimeOffset Start, int Active, int Flagged, int Risk, IReadOnlyDictionary<SignalKind, int> ByKind);

/// <summary>The clinic's view of its signals (the signal settings page): the risk protocol and the weekly shares, audited as a read.</summary>
public sealed class SignalReportQuery(AttuneDbContext db, ClinicClock clock, AuditTrail audit)
{
    public Task<string?> RiskProtocolAsync(StaffUser admin, CancellationToken ct = default) =>
        db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.RiskProtocol).SingleAsync(ct);

    /// <summary>Whether the clinic's admins set its own signal levels.</summary>
    public Task<bool> HasOwnSignalLevelsAsync(StaffUser admin, CancellationToken ct = default) =>
        db.Organisations.AnyAsync(o => o.Id == admin.OrganisationId && o.SignalLevels != null, ct);

    /// <summary>The last <paramref name="weeks"/> weeks (Monday to Sunday in the clinic's time zone), newest first.</summary>
    public async Task<List<WeekShare>> WeeksAsync(StaffUser admin, int weeks, CancellationToken ct = default)
    {
        var today = clock.ToLocal(clock.Now).Date;
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var starts = Enumerable.Range(0, weeks + 1).Select(i => clock.FromLocal(monday.AddDays(-7 * (weeks - 1 - i)))).ToList();
        var first = starts[0];
        var relationships = await db.Relationships.Where(r => r.OrganisationId == admin.OrganisationId && (r.ClosedAt == null || r.ClosedAt >= first))
            .Select(r => new { r.Id, r.OpenedAt, r.ClosedAt }).AsNoTracking().ToListAsync(ct);
        var alerts = await db.Alerts.Where(a => a.OrganisationId == admin.OrganisationId && a.CreatedAt >= first && a.Kind != SignalKind.RuptureRepaired)
            .Select(a => new { a.RelationshipId, a.Kind, a.CreatedAt }).AsNoTracking().ToListAsync(ct);
        var result = starts.Take(weeks).Select((start, i) =>
        {
            var end = starts[i + 1];
            var inWeek = alerts.Where(a => a.CreatedAt >= start && a.CreatedAt < end).ToList();
            return new WeekShare(start,
                relationships.Count(r => r.OpenedAt < end && (r.ClosedAt is null || r.ClosedAt >= start)),
                inWeek.Select(a => a.RelationshipId).Distinct().Count(),
                inWeek.Where(a => a.Kind == SignalKind.Risk).Select(a => a.RelationshipId).Distinct().Count(),
                inWeek.GroupBy(a => a.Kind).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Select(a => a.RelationshipId).Distinct().Count()));
        }).Reverse().ToList();
        audit.Staff(admin, "read", "SignalReport", null);
        await db.SaveChangesAsync(ct);
        return result;
    }
}
