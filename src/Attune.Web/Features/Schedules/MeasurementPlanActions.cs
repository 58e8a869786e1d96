using Attune.Core.Instruments;
using Attune.Core.Schedules;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Schedules;

/// <summary>One client's measurement plan: what they are asked before and after sessions, where it differs from the clinic's.</summary>
public sealed class MeasurementPlanActions(AttuneDbContext db, RecordAuthorization authorization, CurrentStaff staff, AuditTrail audit, InstrumentCatalog catalog)
{
    public const string WhoMayChange = "Only the client's own clinician changes the client's measurement plan.";

    /// <param name="outcome">An outcome measure's id, "" for the clinic's default, or "none".</param>
    /// <param name="alliance">A licensed alliance measure's id, "" for the clinic's default, or "none".</param>
    /// <param name="every">Every Nth session for the alliance measure, blank for the clinic's default.</param>
    public async Task<ActionResult<MeasurementOverrides>> SaveForClientAsync(Guid clientId, string? outcome, string? alliance, string? every, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayChange, ct);
        if (refusal is not null)
            return refusal;
        if (MeasureChoices.CheckOutcome(catalog, outcome, allowDefault: true) is { } badOutcome)
            return Refusal.Invalid("outcome", badOutcome);
        if (MeasureChoices.CheckAlliance(catalog, alliance, allowDefault: true) is { } badAlliance)
            return Refusal.Invalid("alliance", badAlliance);
        if (!MeasureChoices.TryEvery(every, out var interval))
            return Refusal.Invalid("every", $"Give the interval as a whole number of sessions from 1 to {MeasurementPlan.MaxAllianceEvery}, or leave it blank.");
        var relationship = await db.Relationships.SingleAsync(r => r.Id == id, ct);
        if (!relationship.IsOpen)
            return Refusal.Conflict("This relationship is closed; re-engagement opens a new episode.");
        var overrides = new MeasurementOverrides(outcome, alliance, interval);
        relationship.SetMeasures(overrides);
        audit.Staff(user, "update", "TherapeuticRelationship", relationship.Id, clientId);
        await db.SaveChangesAsync(ct);
        return overrides;
    }

    /// <summary>The clinic's own plan, which every client follows unless their clinician set otherwise. Admins only.</summary>
    public async Task<ActionResult<MeasurementPlan>> SaveForClinicAsync(string? outcome, bool connectionCheck, bool fitCheck, string? alliance, string? every, CancellationToken ct = default)
    {
        var (user, refusal) = await staff.AdminAsync("Only the clinic's admins change the clinic's measurement plan.", ct);
        if (refusal is not null)
            return refusal;
        if (MeasureChoices.CheckOutcome(catalog, outcome, allowDefault: false) is { } badOutcome)
            return Refusal.Invalid("outcome", badOutcome);
        if (MeasureChoices.CheckAlliance(catalog, alliance, allowDefault: false) is { } badAlliance)
            return Refusal.Invalid("alliance", badAlliance);
        if (!MeasureChoices.TryEvery(every, out var interval) || interval is not { } n)
            return Refusal.Invalid("every", $"Give the alliance interval as a whole number of sessions from 1 to {MeasurementPlan.MaxAllianceEvery}.");
        var organisation = await db.Organisations.SingleAsync(o => o.Id == user.OrganisationId, ct);
        var plan = new MeasurementPlan(None(outcome), connectionCheck, fitCheck, None(alliance), n);
        var before = organisation.Measures;
        organisation.SetMeasures(plan);
        // Audited with the plan before and after; saving the same plan again changes nothing and is not a change.
        if (System.Text.Json.JsonSerializer.Serialize(before) != System.Text.Json.JsonSerializer.Serialize(plan))
        {
            audit.Change(user, "update-measurement-plan", "Organisation", organisation.Id, before, plan);
            await db.SaveChangesAsync(ct);
        }
        return plan;
    }

    private static string? None(string? value) => value == MeasurementOverrides.None ? null : value;
}
