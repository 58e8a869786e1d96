using Attune.Core;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Signals;

/// <summary>The clinic's own settings for signals: the risk protocol every risk alert shows. Admins only.</summary>
public sealed class SignalSettingsActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit)
{
    public async Task<ActionResult<string?>> SaveRiskProtocolAsync(string? protocol, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Admin))
            return Refusal.Forbidden("Only the clinic's admins change the clinic's risk protocol.");
        var (_, problem) = TextLimits.Check(protocol, TextLimits.RiskProtocol, required: false, "the risk protocol");
        if (problem is not null)
            return Refusal.Invalid("protocol", problem);
        var organisation = await db.Organisations.SingleAsync(o => o.Id == user.OrganisationId, ct);
        try
        {
            organisation.SetRiskProtocol(protocol);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, "update", "Organisation", organisation.Id);
        await db.SaveChangesAsync(ct);
        return organisation.RiskProtocol;
    }
}
