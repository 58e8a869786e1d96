using Attune.Core;
using Attune.Core.Supervision;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Forms;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Supervision;

/// <summary>
/// A supervision session as the supervisor logs it. <see cref="StartsAt"/>: the clinic's local date and time;
/// <see cref="Format"/> and <see cref="Kind"/>: the names in <see cref="SupervisionFormat"/> and <see cref="SupervisionKind"/>;
/// <see cref="Supervisees"/>: clinician ids of the supervisor's own supervisees; <see cref="Clients"/>: clients of theirs
/// discussed; <see cref="Signed"/>: the supervisor confirms the session as logged (their signature).
/// </summary>
public sealed record SupervisionSessionInput(
    DateTime? StartsAt, int? Minutes, string? Format, string? MeetingLink, string? Kind,
    IReadOnlyList<Guid>? Supervisees, IReadOnlyList<Guid>? Clients, string? Topics, bool Signed);

/// <summary>
/// The supervision sessions log (issue 21, point 3): the supervisor logs and signs a session with their own supervisees;
/// each supervisee signs it; hours count once both have. Called by the pages.
/// </summary>
public sealed class SupervisionSessionActions(AttuneDbContext db, CurrentStaff staff, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public const string WhoMayLog = "Only a supervisor logs a supervision session, with their own supervisees.";

    public async Task<ActionResult<SupervisionSession>> LogAsync(SupervisionSessionInput input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Supervisor) || user.ClinicianId is not { } me)
            return Refusal.Forbidden(WhoMayLog);
        if (input.StartsAt is not { } local)
            return Refusal.Invalid("startsAt", "Give the date and time of the session.");
        if (input.Minutes is not { } minutes)
            return Refusal.Invalid("minutes", $"Give the length in minutes, 1 to {SupervisionSession.MaxMinutes}.");
        if (!FormChoice.TryParse<SupervisionFormat>(input.Format, out var format))
            return Refusal.Invalid("format", "Choose in person or online.");
        if (!FormChoice.TryParse<SupervisionKind>(input.Kind, out var kind))
            return Refusal.Invalid("kind", "Choose individual or group.");
        var supervisees = (input.Supervisees ?? []).Distinct().ToList();
        var mine = await db.Clinicians.Where(c => supervisees.Contains(c.Id) && c.SupervisorId == me && c.OrganisationId == user.OrganisationId).Select(c => c.Id).ToListAsync(ct);
        if (mine.Count != supervisees.Count)
            return Refusal.Invalid("supervisees", "Choose your own supervisees.");
        // Each client discussed: one the supervisor may read, in the care of a supervisee who was there.
        var clients = (input.Clients ?? []).Distinct().ToList();
        var theirs = await db.Relationships.Where(r => clients.Contains(r.ClientId) && mine.Contains(r.ClinicianId)).Select(r => r.ClientId).Distinct().ToListAsync(ct);
        if (theirs.Count != clients.Count)
            return Refusal.Invalid("clients", "Choose clients of the supervisees who were there.");
        foreach (var client in clients)
            if (!await authorization.CanReadAsync(new ClientRecord(client)))
                return Refusal.Invalid("clients", "Choose clients of the supervisees who were there.");
        var (topics, problem) = TextLimits.Check(input.Topics, TextLimits.SupervisionTopics, required: true, "the topics");
        if (problem is not null)
            return Refusal.Invalid("topics", problem);
        if (!input.Signed)
            return Refusal.Invalid("signed", "Confirm the session as logged: your signature.");
        SupervisionSession session;
        try
        {
            session = new SupervisionSession(user.OrganisationId, me, clock.FromLocal(local), minutes, format, input.MeetingLink, kind, mine, clients, protector.Protect(topics), user.Id, clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.SupervisionSessions.Add(session);
        audit.Staff(user, "create", "SupervisionSession", session.Id);
        audit.Staff(user, "sign", "SupervisionSession", session.Id);
        await db.SaveChangesAsync(ct);
        return session;
    }

    /// <summary>A supervisee who was there signs the session: they confirm it took place as logged.</summary>
    public async Task<ActionResult<SupervisionSession>> SignAsync(Guid sessionId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var session = await db.SupervisionSessions.Include(s => s.Attendees).Include(s => s.ClientsDiscussed)
            .SingleOrDefaultAsync(s => s.Id == sessionId && s.OrganisationId == user.OrganisationId, ct);
        if (session is null || user.ClinicianId is not { } me || (session.SupervisorId != me && session.Attendees.All(a => a.ClinicianId != me)))
            return Refusal.NotFound("supervision session");
        if (session.SupervisorId == me)
            return Refusal.Forbidden("You signed the session when you logged it; each supervisee signs it themselves.");
        try
        {
            session.Sign(me, clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, "sign", "SupervisionSession", session.Id);
        return await db.SaveOrConflictAsync("The session was signed at the same moment; reload to see it.", ct) is { } conflict ? conflict : session;
    }
}
