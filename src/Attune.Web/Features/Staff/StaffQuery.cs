using Attune.Core.Relationships;
using Attune.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Staff;

/// <summary>One staff account as the admin sees it: no clinical content, only who they are and what they may do.</summary>
public sealed record StaffRow(
    Guid Id, string Name, string Email, IReadOnlyList<string> Roles, Guid? ClinicianId, string? SupervisorName, Guid? SupervisorUserId,
    bool Active, bool PasswordChosen, bool SecondFactor, int ActiveClients, int Supervisees);

/// <summary>The clinic's staff for its admins: the list, and one member with what can be changed.</summary>
public sealed class StaffQuery(AttuneDbContext db)
{
    public async Task<IReadOnlyList<StaffRow>> ListAsync(StaffUser admin, CancellationToken ct = default)
    {
        var org = admin.OrganisationId;
        var people = await db.Users.AsNoTracking().Where(u => u.OrganisationId == org).OrderBy(u => u.DisplayName).ToListAsync(ct);
        var roleNames = await (from ur in db.UserRoles
                               join r in db.Roles on ur.RoleId equals r.Id
                               join u in db.Users on ur.UserId equals u.Id
                               where u.OrganisationId == org
                               select new { ur.UserId, r.Name }).ToListAsync(ct);
        var clinicians = await db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == org).ToListAsync(ct);
        var open = await db.Relationships.AsNoTracking().Where(r => r.OrganisationId == org && r.Phase != RelationshipPhase.Closed)
            .GroupBy(r => r.ClinicianId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var passkeyOwners = (await db.Set<IdentityUserPasskey<Guid>>().AsNoTracking().Select(p => p.UserId).ToListAsync(ct)).ToHashSet();
        var userOfClinician = people.Where(p => p.ClinicianId is not null).ToDictionary(p => p.ClinicianId!.Value);
        return people.Select(p =>
        {
            var clinician = clinicians.FirstOrDefault(c => c.Id == p.ClinicianId);
            var supervisor = clinician?.SupervisorId is { } s ? userOfClinician.GetValueOrDefault(s) : null;
            return new StaffRow(p.Id, p.DisplayName, p.Email ?? "",
                roleNames.Where(r => r.UserId == p.Id).Select(r => r.Name!).Order().ToList(), p.ClinicianId,
                supervisor?.DisplayName, supervisor?.Id, !StaffActions.IsDeactivated(p), p.PasswordHash is not null,
                p.TwoFactorEnabled || passkeyOwners.Contains(p.Id),
                open.FirstOrDefault(o => o.Key == p.ClinicianId)?.Count ?? 0,
                p.ClinicianId is { } own ? clinicians.Count(c => c.SupervisorId == own) : 0);
        }).ToList();
    }

    /// <summary>Active supervisors who can take a clinician (not the clinician themself).</summary>
    public static IReadOnlyList<StaffRow> Supervisors(IReadOnlyList<StaffRow> staff, Guid? except = null) =>
        staff.Where(s => s.Active && s.ClinicianId is not null && s.Roles.Contains(StaffRoles.Supervisor) && s.Id != except).ToList();
}
