using Attune.Core;
using Attune.Core.Risk;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Risk;

/// <summary>
/// Writing a client's safety plan with them: the first save makes the plan, every later save a new version (the
/// earlier ones are kept). The one way to change it, for the page and the REST API alike. Only the client's own
/// clinician writes it; the parts are encrypted.
/// </summary>
public sealed class SafetyPlanActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public const string WhoMayWrite = "Only the client's own clinician writes the safety plan with them.";

    /// <param name="parts">The six parts' plain text by part; a part left out or empty stays empty.</param>
    public async Task<ActionResult<SafetyPlan>> SaveAsync(Guid clientId, IReadOnlyDictionary<SafetyPlanPart, string?> parts, bool writtenWithClient, CancellationToken ct = default)
    {
        var (user, episodeId, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayWrite, ct);
        if (refusal is not null)
            return refusal;
        var protectedParts = new Dictionary<SafetyPlanPart, string?>();
        foreach (var part in SafetyPlanParts.InOrder)
        {
            var (text, problem) = TextLimits.Check(parts.GetValueOrDefault(part), TextLimits.SafetyPlanPart, required: false, $"“{SafetyPlanParts.Name(part)}”");
            if (problem is not null)
                return Refusal.Invalid(part.ToString(), problem);
            protectedParts[part] = protector.Protect(text);
        }
        var organisationId = await db.Relationships.Where(r => r.Id == episodeId).Select(r => r.OrganisationId).SingleAsync(ct);
        var plan = await db.SafetyPlans.Include(p => p.Versions).SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        var isNew = plan is null;
        plan ??= new SafetyPlan(organisationId, clientId, clock.Now);
        try
        {
            plan.Revise(protectedParts, writtenWithClient, episodeId, user.Id, clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        if (isNew)
            db.SafetyPlans.Add(plan);
        audit.Staff(user, isNew ? "create" : "update", "SafetyPlan", plan.Id, clientId);
        if (await db.SaveOrConflictAsync("The safety plan was saved elsewhere at the same moment; reload to see the latest version, then save again.", ct) is { } conflict)
            return conflict;
        return plan;
    }
}
