using Attune.Core.Matching;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Security;
using Attune.Web.Features.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Attune.Web.Features.Matching;

/// <summary>Supervisors ranked for a clinician, with what the ranking read and who supervises them now.</summary>
public sealed record SupervisorMatchView(Guid ClinicianId, string Name, IReadOnlyList<ClientPreference> Wants, MatchResult Result, Guid? CurrentSupervisorId, IReadOnlyList<string> WithoutProfile,
    TherapistProfile? Profile);

/// <summary>
/// Supervisor matching (issue 19, point 6): what a clinician wants from supervision, against what each of the clinic's
/// active supervisors offers (areas, approaches, how and when they meet) and their places left, by the same
/// filter-and-rank as clients and therapists (<see cref="MatchRanking"/>), without a track record. For the clinician
/// themself and for the admins who assign supervisors. No clinical record is read.
/// </summary>
public sealed class SupervisorMatchQuery(AttuneDbContext db, CurrentStaff staff, IOptions<MatchingOptions> options)
{
    public const string WhoMayRead = "Only the clinician themself and the clinic's admins see supervisors ranked for a clinician.";

    public async Task<ActionResult<SupervisorMatchView>> ForClinicianAsync(Guid clinicianId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var clinician = await db.Clinicians.AsNoTracking().SingleOrDefaultAsync(c => c.Id == clinicianId && c.OrganisationId == user.OrganisationId, ct);
        if (clinician is null)
            return Refusal.NotFound("clinician");
        if (user.ClinicianId != clinicianId && !staff.Principal.IsInRole(StaffRoles.Admin))
            return Refusal.Forbidden(WhoMayRead);
        var org = user.OrganisationId;
        var supervisors = (await (from u in db.Users.AsNoTracking()
                                  join ur in db.UserRoles on u.Id equals ur.UserId
                                  join r in db.Roles on ur.RoleId equals r.Id
                                  where u.OrganisationId == org && u.ClinicianId != null && r.Name == StaffRoles.Supervisor
                                  select u).ToListAsync(ct))
            .Where(u => !StaffActions.IsDeactivated(u) && u.ClinicianId != clinicianId).Select(u => u.ClinicianId!.Value).Distinct().ToList();
        var names = await db.Clinicians.AsNoTracking().Where(c => supervisors.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var profiles = await db.TherapistProfiles.AsNoTracking().Where(p => supervisors.Contains(p.ClinicianId) || p.ClinicianId == clinicianId).ToDictionaryAsync(p => p.ClinicianId, ct);
        var supervisees = await db.Clinicians.AsNoTracking().Where(c => c.SupervisorId != null && supervisors.Contains(c.SupervisorId.Value))
            .GroupBy(c => c.SupervisorId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        // The current supervisor's place is this clinician's own: it stays free for them.
        var offers = supervisors.Where(profiles.ContainsKey)
            .Select(id => profiles[id].AsSupervisorOffer(names[id], supervisees.GetValueOrDefault(id) - (clinician.SupervisorId == id ? 1 : 0))).ToList();
        var wants = profiles.TryGetValue(clinicianId, out var own) ? own.SupervisionWants : [];
        var result = MatchRanking.Rank(wants, [], offers, [], options.Value.Weights, options.Value.TrackRecord, excluding: clinicianId, criteria: SupervisionCriteria.Find);
        var withoutProfile = supervisors.Where(id => !profiles.ContainsKey(id)).Select(id => names[id]).Order(StringComparer.Ordinal).ToList();
        return new SupervisorMatchView(clinicianId, clinician.DisplayName, wants, result, clinician.SupervisorId, withoutProfile, own);
    }
}
