using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Matching;

/// <summary>Who acts on a client's matching: the caller, the client's current clinician (none while the client waits at intake), the clinic.</summary>
public sealed record MatchAccessGrant(StaffUser User, Guid? CurrentClinicianId, Guid OrganisationId);

/// <summary>
/// Who may record a client's preferences and see colleagues ranked for them. A client still waiting for a therapist
/// (no relationship yet): the clinic's intake coordinators and admins, who see no client records. A client with a
/// therapist: that therapist, on the client's current episode. Anyone else is told the client is not there.
/// </summary>
public sealed class MatchAccess(AttuneDbContext db, CurrentStaff staff, RecordAuthorization authorization)
{
    public async Task<ActionResult<MatchAccessGrant>> ForClientAsync(Guid clientId, string whoMay, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var organisationId = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => (Guid?)c.OrganisationId).SingleOrDefaultAsync(ct);
        if (organisationId != user.OrganisationId)
            return Refusal.NotFound("client");
        if (!await db.Relationships.AnyAsync(r => r.ClientId == clientId, ct))
            return IsCoordinator
                ? new MatchAccessGrant(user, null, user.OrganisationId)
                : Refusal.NotFound("client");
        var (_, episodeId, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, whoMay, ct);
        if (refusal is not null)
            return refusal;
        var clinicianId = await db.Relationships.AsNoTracking().Where(r => r.Id == episodeId).Select(r => r.ClinicianId).SingleAsync(ct);
        return new MatchAccessGrant(user, clinicianId, user.OrganisationId);
    }

    public bool IsCoordinator => staff.Principal.IsInRole(StaffRoles.Coordinator) || staff.Principal.IsInRole(StaffRoles.Admin);
}
