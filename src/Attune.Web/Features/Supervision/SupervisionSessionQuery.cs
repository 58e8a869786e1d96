using Attune.Core.Supervision;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Supervision;

/// <summary>A supervisee at a session, and when they signed it (null: not yet).</summary>
public sealed record SessionSupervisee(Guid ClinicianId, string Name, DateTimeOffset? SignedAt);

/// <summary>One logged supervision session as its reader may see it: the clients discussed only those the reader may read.</summary>
public sealed record SupervisionSessionView(
    Guid Id, DateTimeOffset StartsAt, int Minutes, SupervisionFormat Format, string? MeetingLink, SupervisionKind Kind,
    Guid SupervisorId, string SupervisorName, DateTimeOffset SupervisorSignedAt, IReadOnlyList<SessionSupervisee> Supervisees,
    IReadOnlyList<(Guid Id, string Name)> Clients, string? Topics)
{
    public SessionSupervisee? Of(Guid clinicianId) => Supervisees.FirstOrDefault(s => s.ClinicianId == clinicianId);
}

/// <summary>
/// One supervisee's supervised hours: every session they were at, and the totals of those signed by both (the
/// supervisor in logging it, the supervisee in Attune) — individual and group, in person and online.
/// </summary>
public sealed record SupervisionHours(Guid ClinicianId, string Name, IReadOnlyList<SupervisionSessionView> Sessions)
{
    private IEnumerable<SupervisionSessionView> Signed => Sessions.Where(s => s.Of(ClinicianId)?.SignedAt is not null);
    public int SignedMinutes => Signed.Sum(s => s.Minutes);
    public int IndividualMinutes => Signed.Where(s => s.Kind == SupervisionKind.Individual).Sum(s => s.Minutes);
    public int GroupMinutes => Signed.Where(s => s.Kind == SupervisionKind.Group).Sum(s => s.Minutes);
    public int InPersonMinutes => Signed.Where(s => s.Format == SupervisionFormat.InPerson).Sum(s => s.Minutes);
    public int OnlineMinutes => Signed.Where(s => s.Format == SupervisionFormat.Online).Sum(s => s.Minutes);
    public int UnsignedMinutes => Sessions.Sum(s => s.Minutes) - SignedMinutes;

    /// <summary>Minutes as hours, to two decimals ("1.50").</summary>
    public static string Hours(int minutes) => (minutes / 60m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Reading the supervision sessions log. A session is its supervisor's and its supervisees'; nobody else's (the admin
/// neither). Reading topics is audited; so is reading a supervisee's hours.
/// </summary>
public sealed class SupervisionSessionQuery(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, FreeTextProtector protector)
{
    /// <summary>The sessions the supervisor logged, newest first, with their supervisees' names for the form.</summary>
    public async Task<ActionResult<IReadOnlyList<SupervisionSessionView>>> LoggedAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Supervisor) || user.ClinicianId is not { } me)
            return Refusal.Forbidden(SupervisionSessionActions.WhoMayLog);
        var sessions = await db.SupervisionSessions.AsNoTracking().Include(s => s.Attendees).Include(s => s.ClientsDiscussed)
            .Where(s => s.SupervisorId == me && s.OrganisationId == user.OrganisationId).ToListAsync(ct);
        return await ViewAsync(user, sessions, withTopics: true, ct);
    }

    /// <summary>The sessions the clinician was at as a supervisee, newest first.</summary>
    public async Task<IReadOnlyList<SupervisionSessionView>> AttendedAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return [];
        var sessions = await db.SupervisionSessions.AsNoTracking().Include(s => s.Attendees).Include(s => s.ClientsDiscussed)
            .Where(s => s.OrganisationId == user.OrganisationId && s.Attendees.Any(a => a.ClinicianId == me)).ToListAsync(ct);
        return await ViewAsync(user, sessions, withTopics: true, ct);
    }

    /// <summary>
    /// A supervisee's supervised hours, for a licensing board: for the supervisee, their current supervisor, and a
    /// supervisor who logged sessions with them. No topics and no clients: dates, lengths, kinds and signatures.
    /// </summary>
    public async Task<ActionResult<SupervisionHours>> HoursAsync(Guid clinicianId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var clinician = await db.Clinicians.AsNoTracking().SingleOrDefaultAsync(c => c.Id == clinicianId && c.OrganisationId == user.OrganisationId, ct);
        var sessions = clinician is null ? [] : await db.SupervisionSessions.AsNoTracking().Include(s => s.Attendees)
            .Where(s => s.OrganisationId == user.OrganisationId && s.Attendees.Any(a => a.ClinicianId == clinicianId)).ToListAsync(ct);
        // As the caseload decides who sees whose clients: by who supervises whom, not by the role alone (a system acting
        // for a supervisor through the API carries no roles).
        var supervisor = clinician?.SupervisorId == user.ClinicianId || sessions.Any(s => s.SupervisorId == user.ClinicianId);
        if (clinician is null || user.ClinicianId is null || (clinician.Id != user.ClinicianId && !supervisor))
            return Refusal.NotFound("supervisee");
        audit.Staff(user, "read", "SupervisionHours", clinicianId);
        var views = await ViewAsync(user, sessions, withTopics: false, ct);
        return new SupervisionHours(clinician.Id, clinician.DisplayName, views);
    }

    /// <summary>
    /// For the REST API: every session the staff member logged as the supervisor or was at as a supervisee, newest
    /// first, optionally only those with one supervisee; no topics and no clients. Each session read is audited.
    /// </summary>
    public async Task<IReadOnlyList<SupervisionSessionView>> ForApiAsync(Guid? supervisee, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return [];
        var sessions = await db.SupervisionSessions.AsNoTracking().Include(s => s.Attendees)
            .Where(s => s.OrganisationId == user.OrganisationId && (s.SupervisorId == me || s.Attendees.Any(a => a.ClinicianId == me))
                && (supervisee == null || s.Attendees.Any(a => a.ClinicianId == supervisee)))
            .ToListAsync(ct);
        foreach (var s in sessions)
            audit.Staff(user, "read", "SupervisionSession", s.Id);
        return await ViewAsync(user, sessions, withTopics: false, ct);
    }

    /// <summary>The supervisor's own supervisees, for the form that logs a session: each with their clients in active relationships.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name, IReadOnlyList<(Guid Id, string Name)> Clients)>> SuperviseesAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Supervisor) || user.ClinicianId is not { } me)
            return [];
        var supervisees = await db.Clinicians.AsNoTracking().Where(c => c.SupervisorId == me && c.OrganisationId == user.OrganisationId)
            .Select(c => new { c.Id, c.DisplayName }).ToListAsync(ct);
        var ids = supervisees.Select(s => s.Id).ToList();
        var clients = await (from r in db.Relationships
                             join c in db.Clients on r.ClientId equals c.Id
                             where ids.Contains(r.ClinicianId) && r.Phase != Core.Relationships.RelationshipPhase.Closed
                             select new { r.ClinicianId, c.Id, c.DisplayName }).AsNoTracking().ToListAsync(ct);
        var byClinician = clients.ToLookup(c => c.ClinicianId);
        return supervisees.OrderBy(s => s.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .Select(s => (s.Id, s.DisplayName, (IReadOnlyList<(Guid, string)>)byClinician[s.Id].OrderBy(c => c.DisplayName, StringComparer.CurrentCultureIgnoreCase)
                .Select(c => (c.Id, c.DisplayName)).Distinct().ToList())).ToList();
    }

    private async Task<List<SupervisionSessionView>> ViewAsync(StaffUser user, List<SupervisionSession> sessions, bool withTopics, CancellationToken ct)
    {
        var clinicianIds = sessions.SelectMany(s => s.Attendees.Select(a => a.ClinicianId).Append(s.SupervisorId)).Distinct().ToList();
        var names = await db.Clinicians.AsNoTracking().Where(c => clinicianIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        // The clients discussed that the reader may read: all of them for the supervisor who logged the session, a
        // supervisee's own clients for a supervisee (in a group, others' clients stay theirs).
        var clientIds = sessions.SelectMany(s => s.ClientsDiscussed.Select(c => c.ClientId)).Distinct().ToList();
        var own = await db.Relationships.Where(r => clientIds.Contains(r.ClientId) && r.ClinicianId == user.ClinicianId).Select(r => r.ClientId).Distinct().ToListAsync(ct);
        var clientNames = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var views = sessions.OrderByDescending(s => s.StartsAt).Select(s =>
        {
            if (withTopics)
                audit.Staff(user, "read", "SupervisionSession", s.Id);
            var clients = s.ClientsDiscussed.Where(c => withTopics && (s.SupervisorId == user.ClinicianId || own.Contains(c.ClientId)) && clientNames.ContainsKey(c.ClientId))
                .Select(c => (c.ClientId, clientNames[c.ClientId])).OrderBy(c => c.Item2, StringComparer.CurrentCultureIgnoreCase).ToList();
            return new SupervisionSessionView(s.Id, s.StartsAt, s.Minutes, s.Format, s.MeetingLink, s.Kind, s.SupervisorId, names.GetValueOrDefault(s.SupervisorId, "a former supervisor"),
                s.SupervisorSignedAt, s.Attendees.Select(a => new SessionSupervisee(a.ClinicianId, names.GetValueOrDefault(a.ClinicianId, "a former clinician"), a.SignedAt))
                    .OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).ToList(),
                clients, withTopics ? protector.Unprotect(s.ProtectedTopics) : null);
        }).ToList();
        await db.SaveChangesAsync(ct);
        return views;
    }
}
