using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Security;

namespace Attune.Web.Features.Audit;

/// <summary>Verifying the audit chain (against its signed checkpoints) from the browser: an admin's check, itself recorded in the trail.</summary>
public sealed class AuditActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, AuditCheckpoints checkpoints)
{
    public async Task<ActionResult<AuditVerification>> VerifyAsync(CancellationToken ct = default)
    {
        var admin = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Admin))
            return Refusal.Forbidden("Only the clinic's admins verify the audit trail.");
        var verification = await checkpoints.VerifyAsync(db, ct: ct);
        audit.Staff(admin, "verify", "AuditTrail", null);
        await db.SaveChangesAsync(ct);
        return verification;
    }
}
