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
        await Notifications.ClientCliniciansNotice.QueueAsync(db, user.OrganisationId, clientId.Value, OutboxKinds.BreakGlass, "Break-glass access to session notes",
            $"{user.DisplayName} opened the session notes of one of your clients under break-glass access on {clock.Format(now)}. The reason and every read are recorded in Attune's audit trail; ask your clinic admin if you have questions.",
            now, ct);
        await db.SaveChangesAsync(ct);
        return access;
    }
}
