using Attune.Core;
using Attune.Core.Clinic;
using Attune.Core.Notes;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Notes;

/// <summary>
/// Break-glass access: an admin opens a client's session notes in an emergency, with a reason, for
/// <see cref="Lifetime"/>; the client's clinicians and their supervisors are emailed at once.
/// </summary>
public sealed class BreakGlassActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(60);
    public const string WhoMay = "Only the clinic's admins open session notes under break-glass access.";

    public async Task<ActionResult<BreakGlassAccess>> OpenAsync(string? client, string? reason, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Admin))
            return Refusal.Forbidden(WhoMay);
        var clientId = Guid.TryParse(client, out var id)
            && await db.Clients.AnyAsync(c => c.Id == id && c.OrganisationId == user.OrganisationId, ct) ? id : (Guid?)null;
        if (clientId is null)
            return Refusal.Invalid("client", "Choose a client of your clinic.");
        var (text, problem) = TextLimits.Check(reason, TextLimits.BreakGlassReason, required: true, "the reason");
        if (problem is null && text!.Length < TextLimits.BreakGlassReasonMin)
            problem = $"Give the reason in {TextLimits.BreakGlassReasonMin} to {TextLimits.BreakGlassReason} characters.";
        if (problem is not null)
            return Refusal.Invalid("reason", problem);
        var now = clock.Now;
        var access = new BreakGlassAccess
        {
            OrganisationId = user.OrganisationId, StaffUserId = user.Id, ClientId = clientId.Value,
            ProtectedReason = protector.Protect(text)!, At = now, ExpiresAt = now + Lifetime,
        };
        db.BreakGlass.Add(access);
        audit.Staff(user, "break-glass", "Client", clientId, clientId);
        // The client's clinicians (and their supervisors) hear of it at once; the email names no client, only the time.
        var clinicianIds = await db.Relationships.Where(r => r.ClientId == clientId && r.OrganisationId == user.OrganisationId).Select(r => r.ClinicianId).Distinct().ToListAsync(ct);
        var supervisorIds = await db.Clinicians.Where(c => clinicianIds.Contains(c.Id) && c.SupervisorId != null).Select(c => c.SupervisorId!.Value).ToListAsync(ct);
        var told = clinicianIds.Concat(supervisorIds).Distinct().ToList();
        var emails = await db.Users.Where(u => u.OrganisationId == user.OrganisationId && u.ClinicianId != null && told.Contains(u.ClinicianId.Value) && u.Email != null).Select(u => u.Email!).ToListAsync(ct);
        foreach (var email in emails)
            db.Outbox.Add(new OutboxMessage
            {
                OrganisationId = user.OrganisationId, To = email, CreatedAt = now, Kind = OutboxKinds.BreakGlass, ClientId = clientId,
                Subject = "Break-glass access to session notes",
                Body = $"{user.DisplayName} opened the session notes of one of your clients under break-glass access on {clock.Format(now)}. The reason and every read are recorded in Attune's audit trail; ask your clinic admin if you have questions.",
            });
        await db.SaveChangesAsync(ct);
        return access;
    }
}
