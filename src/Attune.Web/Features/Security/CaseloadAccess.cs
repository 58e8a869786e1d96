using Attune.Core.Clinic;
using Attune.Core.Relationships;
using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Security;

/// <summary>
/// Least access in one place: a clinician reaches their own clients, a supervisor also their
/// supervisees' clients, and nobody reaches another organisation's. Admins manage the clinic, not records.
/// </summary>
public sealed class CaseloadAccess(AttuneDbContext db)
{
    public IQueryable<TherapeuticRelationship> Relationships(StaffUser user)
    {
        if (user.ClinicianId is not { } me)
            return db.Relationships.Where(_ => false);
        var supervisees = db.Clinicians.Where(c => c.SupervisorId == me).Select(c => c.Id);
        return db.Relationships.Where(r => r.OrganisationId == user.OrganisationId
            && (r.ClinicianId == me || supervisees.Contains(r.ClinicianId)));
    }

    /// <remarks>
    /// Each client asks whether one of its own relationships is the user's (EXISTS, found by the relationships' client
    /// index), rather than "is in the list of the user's clients": SQLite built that list whole for every query, every
    /// client the clinician ever had (250 ms for one client's page with 100,000 past clients; 0.1 ms now).
    /// </remarks>
    public IQueryable<Client> Clients(StaffUser user)
    {
        var mine = Relationships(user);
        return db.Clients.Where(c => c.OrganisationId == user.OrganisationId && mine.Any(r => r.ClientId == c.Id));
    }

    /// <summary>
    /// The client's relationships the user may see, the one that matters now first: an open one, else the latest.
    /// </summary>
    public IQueryable<TherapeuticRelationship> CurrentFirst(StaffUser user, Guid clientId) =>
        Relationships(user).Where(r => r.ClientId == clientId).OrderByDescending(r => r.ClosedAt == null).ThenByDescending(r => r.OpenedAt);

    /// <summary>
    /// Any episode of a client the user may see: whoever treats (or supervises the treatment of) a client sees the
    /// client's earlier episodes in the clinic, including those with a previous clinician, so that nothing is lost
    /// on re-engagement or referral. Reading one is audited by the caller.
    /// </summary>
    public IQueryable<TherapeuticRelationship> Episode(StaffUser user, Guid clientId, Guid episodeId)
    {
        var visible = Clients(user).Where(c => c.Id == clientId).Select(c => c.Id);
        return db.Relationships.Where(r => r.Id == episodeId && r.ClientId == clientId && r.OrganisationId == user.OrganisationId && visible.Contains(r.ClientId));
    }

    /// <summary>
    /// An attended session of one of the user's clients, with its relationship (sessions loaded); null when there is
    /// none or it is not theirs, which callers answer alike with 404.
    /// </summary>
    public async Task<(TherapeuticRelationship Relationship, TherapySession Session)?> AttendedSessionAsync(StaffUser user, Guid clientId, Guid sessionId)
    {
        var relationship = await Relationships(user).Where(r => r.ClientId == clientId).Include(r => r.Sessions)
            .SingleOrDefaultAsync(r => r.Sessions.Any(s => s.Id == sessionId));
        var session = relationship?.Sessions.SingleOrDefault(s => s.Id == sessionId && s.Attendance == SessionAttendance.Attended);
        return relationship is null || session is null ? null : (relationship, session);
    }
}
