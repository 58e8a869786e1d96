using Attune.Core;
using Attune.Core.CheckIns;
using Attune.Core.Endings;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.CheckIns;
using Attune.Web.Forms;
using Attune.Web.Features.Schedules;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Lifecycle;

/// <summary>How the clinician ends a relationship: planned or not, why, the closing summary and the carry-forward plan.</summary>
public sealed record EndingInput(string? Kind, string? Reason, string? Summary, string? Plan, bool FinalCheckIn);

/// <summary>A referral to a colleague: the ending of this relationship and the hand-over that opens the next.</summary>
public sealed record ReferralInput(string? To, string? Kind, string? Summary, string? Handover);

/// <summary>Ending the client's open relationship, or referring the client on to a colleague in the clinic.</summary>
public sealed class EndingActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock,
    LifecycleData lifecycle, MeasurementScheduler scheduler, CheckInDelivery delivery)
{
    public const string WhoMayEnd = "Only the client's own clinician ends an open relationship.";
    public const string WhoMayRefer = "Only the client's own clinician refers an open relationship on.";

    /// <summary>The measures of a final check-in: the Connection Check and the outcome measure of the client's plan, as far as the clinic has them.</summary>
    public async Task<List<string>> FinalInstrumentsAsync(TherapeuticRelationship relationship, CancellationToken ct = default)
    {
        var clinicPlan = await db.Organisations.Where(o => o.Id == relationship.OrganisationId).Select(o => o.Measures).SingleAsync(ct);
        var measures = clinicPlan.With(relationship.Measures);
        return new[] { measures.ConnectionCheck ? Core.Progress.ClientProgress.ConnectionCheck : null, measures.OutcomeMeasure }
            .OfType<string>().Where(scheduler.Available).ToList();
    }

    /// <summary>
    /// A risk answer is never left behind: while a risk alert of the episode is not resolved (with the action taken),
    /// the episode is not ended or referred. Should one arrive as the episode closes, the caseload lists it at the top.
    /// </summary>
    private async Task<Refusal?> OpenRiskRefusalAsync(Guid relationshipId, string what, CancellationToken ct)
    {
        var open = await db.Alerts.CountAsync(a => a.RelationshipId == relationshipId && a.Urgent && a.Status != Core.Signals.AlertStatus.Resolved, ct);
        return open == 0 ? null : Refusal.Conflict(
            $"This client has {(open == 1 ? "an open risk alert" : $"{open} open risk alerts")}. Resolve {(open == 1 ? "it" : "each")} on the client's page with what you did " +
            $"(contact made, risk assessed, safety plan) before the relationship is {what}: a risk answer must not be left behind.");
    }

    public async Task<ActionResult<RelationshipEnding>> EndAsync(Guid clientId, EndingInput input, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayEnd, ct);
        if (refusal is not null)
            return refusal;
        if (await OpenRiskRefusalAsync(id, "ended", ct) is { } risk)
            return risk;
        if (!FormChoice.TryParse<EndingKind>(input.Kind, out var kind))
            return Refusal.Invalid("kind", "Choose whether the ending was planned.");
        if (!FormChoice.TryParse<EndingReason>(input.Reason, out var reason))
            return Refusal.Invalid("reason", "Choose the reason from the list.");
        if (reason == EndingReason.ReferredOn)
            return Refusal.Invalid("reason", "A referral is made on the referral page, so that the client's new clinician gets the hand-over.");
        var (summary, summaryProblem) = TextLimits.Check(input.Summary, TextLimits.LifecycleText, required: true, "the closing summary");
        if (summaryProblem is not null)
            return Refusal.Invalid("summary", summaryProblem);
        var (plan, planProblem) = TextLimits.Check(input.Plan, TextLimits.LifecycleText, required: false, "the carry-forward plan");
        if (planProblem is not null)
            return Refusal.Invalid("plan", planProblem);
        var relationship = await db.Relationships.Include(r => r.Sessions).Include(r => r.PhaseChanges).AsSplitQuery().SingleAsync(r => r.Id == id, ct);
        var finalInstruments = input.FinalCheckIn ? await FinalInstrumentsAsync(relationship, ct) : [];
        if (input.FinalCheckIn && finalInstruments.Count == 0)
            return Refusal.Invalid("final", "No measure is available for a final check-in.");
        var now = clock.Now;
        RelationshipEnding ending;
        try
        {
            ending = relationship.End(kind, reason, protector.Protect(summary)!, protector.Protect(plan), now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.Endings.Add(ending);
        audit.Staff(user, "create", "RelationshipEnding", ending.Id, clientId);
        audit.Staff(user, "update", "TherapeuticRelationship", relationship.Id, clientId);
        if (input.FinalCheckIn)
        {
            var checkIn = new CheckIn(relationship.Id, null, finalInstruments, now, now.AddDays(lifecycle.FinalCheckInDays));
            db.CheckIns.Add(checkIn);
            ending.OfferFinalCheckIn(checkIn.Id);
            audit.Staff(user, "create", "CheckIn", checkIn.Id, clientId);
            var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
            if (client.Email is not null)
                await delivery.QueueEmailAsync(checkIn, client, relationship.OrganisationId, reminder: false, ct);
        }
        return await SaveOnceAsync(ending, ct);
    }

    public async Task<ActionResult<RelationshipEnding>> ReferAsync(Guid clientId, ReferralInput input, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayRefer, ct);
        if (refusal is not null)
            return refusal;
        if (await OpenRiskRefusalAsync(id, "referred on", ct) is { } risk)
            return risk;
        var relationship = await db.Relationships.Include(r => r.Sessions).Include(r => r.PhaseChanges).AsSplitQuery().SingleAsync(r => r.Id == id, ct);
        if (!Guid.TryParse(input.To, out var to)
            || !await db.Clinicians.AnyAsync(c => c.Id == to && c.OrganisationId == relationship.OrganisationId && c.Id != relationship.ClinicianId, ct))
            return Refusal.Invalid("to", "Choose a colleague in your clinic.");
        if (!FormChoice.TryParse<EndingKind>(input.Kind, out var kind))
            return Refusal.Invalid("kind", "Choose whether the referral was agreed with the client.");
        var (handover, handoverProblem) = TextLimits.Check(input.Handover, TextLimits.LifecycleText, required: true, "the hand-over note");
        if (handoverProblem is not null)
            return Refusal.Invalid("handover", handoverProblem);
        var (summary, summaryProblem) = TextLimits.Check(input.Summary, TextLimits.LifecycleText, required: true, "the closing summary");
        if (summaryProblem is not null)
            return Refusal.Invalid("summary", summaryProblem);
        if (await db.Relationships.AnyAsync(r => r.ClientId == clientId && r.Id != id && r.ClosedAt == null, ct))
            return Refusal.Conflict("The client already has another open relationship in the clinic.");
        RelationshipEnding ending;
        TherapeuticRelationship next;
        try
        {
            (ending, next) = relationship.ReferTo(to, kind, protector.Protect(summary)!, protector.Protect(handover)!, clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.Relationships.Add(next);
        db.Endings.Add(ending);
        // The receiving clinician is told, saved with the referral; the email names no client.
        await Notifications.ClientCliniciansNotice.ToClinicianAsync(db, relationship.OrganisationId, to, clientId, "Attune: a client has been referred to you",
            $"A colleague has referred a client to you, with a hand-over note. The client is on your caseload now.\n\nSign in to see them: {delivery.PublicUrl}/clients/{clientId}\n\nThis email holds no clinical details.",
            clock.Now, ct);
        audit.Staff(user, "create", "RelationshipEnding", ending.Id, clientId);
        audit.Staff(user, "update", "TherapeuticRelationship", relationship.Id, clientId);
        audit.Staff(user, "create", "TherapeuticRelationship", next.Id, clientId);
        return await SaveOnceAsync(ending, ct);
    }

    /// <summary>One ending per relationship: two at the same moment, and the second is asked to look.</summary>
    private async Task<ActionResult<RelationshipEnding>> SaveOnceAsync(RelationshipEnding ending, CancellationToken ct)
    {
        if (await db.SaveOrConflictAsync("This relationship was ended elsewhere at the same moment; reload to see how.", ct) is { } conflict)
            return conflict;
        return ending;
    }
}
