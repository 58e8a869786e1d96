using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Caseload;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Supervision;

/// <summary>
/// One supervisee as their supervisor sees them: their active clients, those who need help first (the caseload's own
/// order: an open risk answer, then off track, then open signals, goals to talk about and check-ins not completed).
/// </summary>
/// <param name="RupturesLogged">Ruptures the supervisee logged in their active relationships.</param>
/// <param name="RupturesRepaired">Of those, the ones they recorded as repaired.</param>
/// <param name="MedianRepair">The median time from a repaired rupture to its repair being recorded (null with none repaired).</param>
public sealed record SuperviseeView(Guid ClinicianId, string Name, IReadOnlyList<CaseloadRow> Clients, int RupturesLogged, int RupturesRepaired, TimeSpan? MedianRepair)
{
    public IReadOnlyList<CaseloadRow> NeedingHelp => Clients.Where(c => c.NeedsAttention).ToList();
    public int OpenRisks => Clients.Count(c => c.UrgentAlertId is not null);
    public DateTimeOffset? OldestOpenRisk => Clients.Where(c => c.UrgentSince is not null).Min(c => c.UrgentSince);
    public int OffTrack => Clients.Count(c => c.Outcome?.Light == TrackLight.Red);
    public int AllianceSignals => Clients.Sum(c => c.Signals.Count(s => s.Kind is SignalKind.ClientReportedRupture or SignalKind.AllianceDrop or SignalKind.LowAlliance or SignalKind.PerceptionGap));
    public int Need => Clients.Sum(c => c.Need);
}

/// <summary>
/// The supervisor's view (issue 21, point 1): each supervisee with their clients who need help, the supervisees who
/// need it most first; or one supervisee. Only a supervisor, and only their own supervisees; each view is audited.
/// </summary>
public sealed class SupervisionQuery(AttuneDbContext db, CurrentStaff staff, CaseloadQuery caseload, AuditTrail audit)
{
    public const string WhoMay = "This page is for supervisors: it shows their supervisees' clients.";

    /// <param name="only">One supervisee (null: all of them).</param>
    public async Task<ActionResult<IReadOnlyList<SuperviseeView>>> ForCurrentAsync(Guid? only = null, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Supervisor) || user.ClinicianId is not { } me)
            return Refusal.Forbidden(WhoMay);
        var supervisees = await db.Clinicians.AsNoTracking()
            .Where(c => c.OrganisationId == user.OrganisationId && c.SupervisorId == me && (only == null || c.Id == only))
            .Select(c => new { c.Id, c.DisplayName }).ToListAsync(ct);
        if (only is not null && supervisees.Count == 0)
            return Refusal.NotFound("supervisee");
        var rows = (await caseload.RowsAsync(user, ct)).ToLookup(r => r.ClinicianId);
        var ids = supervisees.Select(c => c.Id).ToList();
        var ruptures = (await (from x in db.Ruptures
                               join r in db.Relationships on x.RelationshipId equals r.Id
                               where r.OrganisationId == user.OrganisationId && r.Phase != Core.Relationships.RelationshipPhase.Closed && ids.Contains(r.ClinicianId)
                               select new { r.ClinicianId, x.Resolution, x.OccurredAt, x.ResolvedAt }).AsNoTracking().ToListAsync(ct)).ToLookup(x => x.ClinicianId);
        static TimeSpan? Median(IEnumerable<TimeSpan> times)
        {
            var sorted = times.Order().ToList();
            return sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        audit.Staff(user, "read", "Supervision", only);
        await db.SaveChangesAsync(ct);
        return supervisees.Select(s => new SuperviseeView(s.Id, s.DisplayName, rows[s.Id].ToList(),
                ruptures[s.Id].Count(), ruptures[s.Id].Count(x => x.Resolution == Core.Ruptures.RuptureResolution.Resolved),
                Median(ruptures[s.Id].Where(x => x.Resolution == Core.Ruptures.RuptureResolution.Resolved && x.ResolvedAt is not null).Select(x => x.ResolvedAt!.Value - x.OccurredAt))))
            .OrderByDescending(s => s.Need).ThenBy(s => s.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }
}

public static class SupervisionSetup
{
    public static IServiceCollection AddSupervision(this IServiceCollection services) => services
        .AddScoped<SupervisionQuery>().AddScoped<ConsultationQuery>().AddScoped<ConsultationActions>()
        .AddScoped<SupervisionSessionQuery>().AddScoped<SupervisionSessionActions>()
        .AddScoped<GrowthGoalQuery>().AddScoped<GrowthGoalActions>();
}
