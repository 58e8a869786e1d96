using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Core.Wellbeing;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Wellbeing;

/// <summary>The load beside the check: active clients, open risk alerts, and sessions this week (Monday to Sunday, clinic time).</summary>
public sealed record CaseloadLoad(int ActiveClients, int OpenRiskAlerts, int SessionsThisWeek);

/// <summary>
/// The clinician's own view: their checks (newest first), whether one is due, whether to nudge (the items fell since the
/// last check, or ProQOL calls for care), the clinic's employee-assistance contact and the load beside it.
/// </summary>
public sealed record WellbeingView(
    IReadOnlyList<WellbeingCheck> Checks, bool Due, DateTimeOffset? NextDue, IReadOnlyList<string> Nudges, string? EmployeeAssistanceContact,
    CaseloadLoad Load, InstrumentDefinition? ProQol, string? SupervisorName, int IntervalDays);

/// <summary>What the admin sees: how many checks were completed in the clinic, and by how many clinicians, with no names and no answers.</summary>
public sealed record WellbeingCount(int Completed, int Clinicians, int OfClinicians, int Days);

/// <summary>Reading wellbeing checks: the clinician's own; the shared ones of a supervisor's own supervisee (audited); a de-identified count for the admin.</summary>
public sealed class WellbeingQuery(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, InstrumentCatalog catalog, ClinicClock clock)
{
    public async Task<ActionResult<WellbeingView>> MineAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return Refusal.Forbidden(WellbeingActions.WhoMay);
        var organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == user.OrganisationId, ct);
        var checks = (await db.WellbeingChecks.AsNoTracking().Where(c => c.ClinicianId == me).ToListAsync(ct)).OrderByDescending(c => c.CompletedAt).ToList();
        var nextDue = NextDue(checks.FirstOrDefault()?.CompletedAt, organisation.WellbeingIntervalDays);
        var nudges = new List<string>();
        if (checks.Count >= 2 && checks[0].Mean < checks[1].Mean)
        {
            var fell = Enum.GetValues<WellbeingItem>().Where(i => checks[0][i] < checks[1][i]).Select(i => WellbeingItems.Name(i).ToLowerInvariant()).ToList();
            nudges.Add($"Your answers are lower than last time ({checks[1].Mean:0.0} then, {checks[0].Mean:0.0} now; lower: {string.Join(", ", fell)}).");
        }
        if (checks.FirstOrDefault()?.ProQol is { CallsForCare: true } p)
            nudges.Add($"Your latest ProQOL: compassion satisfaction {ProQolScores.Level(p.CompassionSatisfaction)}, burnout {ProQolScores.Level(p.Burnout)}, secondary traumatic stress {ProQolScores.Level(p.SecondaryTraumaticStress)}.");
        var supervisor = await db.Clinicians.Where(c => c.Id == me).Join(db.Clinicians, c => c.SupervisorId, s => s.Id, (c, s) => s.DisplayName).SingleOrDefaultAsync(ct);
        return new WellbeingView(checks, nextDue is null || nextDue <= clock.Now, nextDue, nudges, organisation.EmployeeAssistanceContact,
            await LoadAsync(me, ct), catalog.Find(WellbeingActions.ProQolId) is { ItemTextMissing: false } d ? d : null, supervisor, organisation.WellbeingIntervalDays);
    }

    /// <summary>Whether the clinician's check is due (for the caseload's reminder); false for staff who are not clinicians.</summary>
    public async Task<bool> DueAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return false;
        var interval = await db.Organisations.Where(o => o.Id == user.OrganisationId).Select(o => o.WellbeingIntervalDays).SingleAsync(ct);
        var last = (await db.WellbeingChecks.Where(c => c.ClinicianId == me).Select(c => (DateTimeOffset?)c.CompletedAt).ToListAsync(ct)).Max();
        return NextDue(last, interval) is not { } due || due <= clock.Now;
    }

    /// <summary>When the next check is due: the interval after the last one (none before the first check: it is due now).</summary>
    private static DateTimeOffset? NextDue(DateTimeOffset? last, int intervalDays) => last?.AddDays(intervalDays);

    /// <summary>The checks a supervisee shared with their supervisor (the caller), newest first; each read audited. Null when not their supervisee.</summary>
    public async Task<IReadOnlyList<WellbeingCheck>?> SharedWithMeAsync(Guid superviseeId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me || !await db.Clinicians.AnyAsync(c => c.Id == superviseeId && c.SupervisorId == me && c.OrganisationId == user.OrganisationId, ct))
            return null;
        var checks = (await db.WellbeingChecks.AsNoTracking().Where(c => c.ClinicianId == superviseeId && c.SharedWithSupervisor).ToListAsync(ct))
            .OrderByDescending(c => c.CompletedAt).ToList();
        foreach (var check in checks)
            audit.Staff(user, "read", "WellbeingCheck", check.Id);
        if (checks.Count > 0)
            await db.SaveChangesAsync(ct);
        return checks;
    }

    /// <summary>For the admin: checks completed in the clinic in the last <paramref name="days"/> days and by how many of its clinicians; nothing else.</summary>
    public async Task<ActionResult<WellbeingCount>> ClinicCountAsync(int days = 30, CancellationToken ct = default)
    {
        var (user, refusal) = await staff.AdminAsync("Only the clinic's admins see the clinic-wide count.", ct);
        if (refusal is not null) return refusal;
        var since = clock.Now.AddDays(-days);
        var recent = await db.WellbeingChecks.Where(c => c.OrganisationId == user.OrganisationId && c.CompletedAt >= since).Select(c => c.ClinicianId).ToListAsync(ct);
        var clinicians = await db.Clinicians.CountAsync(c => c.OrganisationId == user.OrganisationId, ct);
        return new WellbeingCount(recent.Count, recent.Distinct().Count(), clinicians, days);
    }

    public async Task<(string? Contact, int IntervalDays)> SettingsAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var o = await db.Organisations.AsNoTracking().SingleAsync(x => x.Id == user.OrganisationId, ct);
        return (o.EmployeeAssistanceContact, o.WellbeingIntervalDays);
    }

    private async Task<CaseloadLoad> LoadAsync(Guid me, CancellationToken ct)
    {
        var local = clock.ToLocal(clock.Now).Date;
        var monday = local.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        var (from, to) = (clock.FromLocal(monday), clock.FromLocal(monday.AddDays(7)));
        var active = db.Relationships.Where(r => r.ClinicianId == me && r.Phase != RelationshipPhase.Closed);
        var activeClients = await active.Select(r => r.ClientId).Distinct().CountAsync(ct);
        var openRisks = await db.Alerts.CountAsync(a => a.ClinicianId == me && a.Urgent && a.Status != AlertStatus.Resolved, ct);
        var sessions = await db.Sessions.Where(s => active.Select(r => r.Id).Contains(s.RelationshipId) && s.StartsAt >= from && s.StartsAt < to).CountAsync(ct);
        return new CaseloadLoad(activeClients, openRisks, sessions);
    }
}

public static class WellbeingSetup
{
    public static IServiceCollection AddWellbeing(this IServiceCollection services) => services.AddScoped<WellbeingActions>().AddScoped<WellbeingQuery>();
}
