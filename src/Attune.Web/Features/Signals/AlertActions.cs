using Attune.Core;
using Attune.Core.Risk;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Signals;

/// <summary>A risk review as a page or the REST API sends it; <see cref="ReviewedAt"/> null means now.</summary>
public sealed record RiskReviewInput(bool ContactMade, bool RiskAssessed, string? Level, bool SafetyPlan, bool EmergencyServices, bool Referred, string? Note, DateTimeOffset? ReviewedAt);

/// <summary>
/// Acting on an alert (acknowledge, resolve with the action taken, snooze): the one way to do it, called by the
/// client's page, the alert's page and the REST API alike. Only the clinician of the alert's episode acts on it.
/// </summary>
public sealed class AlertActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public const string WhoMayAct = "Only the client's own clinician acts on an alert.";

    /// <summary>The snooze lengths offered, in days.</summary>
    public static readonly int[] SnoozeChoices = [1, 3, 7, 14, ClinicalAlert.MaxSnoozeDays];

    /// <param name="clientId">When the caller names the client (as the REST path does), an alert of another client is not found.</param>
    public Task<ActionResult<ClinicalAlert>> AcknowledgeAsync(Guid alertId, Guid? clientId = null, CancellationToken ct = default) =>
        ChangeAsync(alertId, clientId, () => null, (alert, user, _) => Done(() => alert.Acknowledge(user.Id, clock.Now)), ct);

    public Task<ActionResult<ClinicalAlert>> ResolveAsync(Guid alertId, string? action, string? note, Guid? clientId = null, CancellationToken ct = default)
    {
        var chosen = default(AlertAction);
        string? text = null;
        Refusal? Check()
        {
            if (!FormChoice.TryParse(action, out chosen))
                return Refusal.Invalid("action", $"Choose the action taken, one of: {string.Join(", ", Enum.GetNames<AlertAction>())}.");
            (text, var problem) = TextLimits.Check(note, TextLimits.AlertNote, required: false, "the note");
            return problem is null ? null : Refusal.Invalid("note", problem);
        }
        return ChangeAsync(alertId, clientId, Check, (alert, user, _) => Done(() => alert.Resolve(user.Id, chosen, protector.Protect(text), clock.Now)), ct);
    }

    /// <summary>
    /// Resolves a risk alert with its risk review: the steps taken, the level judged when the risk was assessed, a
    /// note (required, encrypted) and when the review took place (now when not given). When a safety plan was made or
    /// reviewed, the review records the plan's current version.
    /// </summary>
    public Task<ActionResult<ClinicalAlert>> ReviewRiskAsync(Guid alertId, RiskReviewInput input, Guid? clientId = null, CancellationToken ct = default)
    {
        JudgedRiskLevel? level = null;
        string? text = null;
        Refusal? Check()
        {
            if (!string.IsNullOrEmpty(input.Level))
            {
                if (!FormChoice.TryParse<JudgedRiskLevel>(input.Level, out var judged))
                    return Refusal.Invalid("level", $"Give the risk level you judged, one of: {string.Join(", ", Enum.GetNames<JudgedRiskLevel>())}.");
                level = judged;
            }
            (text, var problem) = TextLimits.Check(input.Note, TextLimits.RiskReviewNote, required: true, "a note of what you found and did");
            return problem is null ? null : Refusal.Invalid("note", problem);
        }
        async Task Review(ClinicalAlert alert, StaffUser user, Guid client)
        {
            var planVersion = input.SafetyPlan
                ? await db.SafetyPlans.Where(p => p.ClientId == client).SelectMany(p => p.Versions).MaxAsync(v => (int?)v.Number, ct)
                : null;
            var review = new RiskReview(alert.OrganisationId, alert.RelationshipId, alert.Id, alert.CreatedAt, input.ContactMade, input.RiskAssessed, level,
                input.SafetyPlan, input.EmergencyServices, input.Referred, protector.Protect(text)!, planVersion, input.ReviewedAt ?? clock.Now, user.Id, clock.Now);
            alert.Resolve(review);
            db.RiskReviews.Add(review);
            audit.Staff(user, "create", "RiskReview", review.Id, client);
        }
        return ChangeAsync(alertId, clientId, Check, Review, ct);
    }

    public Task<ActionResult<ClinicalAlert>> SnoozeAsync(Guid alertId, string? days, Guid? clientId = null, CancellationToken ct = default)
    {
        var count = 0;
        Refusal? Check() =>
            int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) && SnoozeChoices.Contains(count)
                ? null
                : Refusal.Invalid("days", $"Choose how long to snooze: {string.Join(", ", SnoozeChoices)} days.");
        return ChangeAsync(alertId, clientId, Check, (alert, _, _) => Done(() => alert.Snooze(clock.Now.AddDays(count), clock.Now)), ct);
    }

    private static Task Done(Action change)
    {
        change();
        return Task.CompletedTask;
    }

    /// <summary>Finds the alert, authorizes, then checks what was sent (<paramref name="check"/>), then lets the alert's own rules decide.</summary>
    private async Task<ActionResult<ClinicalAlert>> ChangeAsync(Guid alertId, Guid? clientId, Func<Refusal?> check, Func<ClinicalAlert, StaffUser, Guid, Task> change, CancellationToken ct)
    {
        var owner = await db.Alerts.Where(a => a.Id == alertId)
            .Join(db.Relationships, a => a.RelationshipId, r => r.Id, (a, r) => new { r.ClientId, EpisodeId = r.Id })
            .SingleOrDefaultAsync(ct);
        if (owner is null || (clientId is { } named && named != owner.ClientId))
            return Refusal.NotFound("alert");
        var (user, refusal) = await authorization.ToChangeAsync(new ClientRecord(owner.ClientId, owner.EpisodeId), "alert", WhoMayAct, ct);
        if (refusal is not null)
            return refusal;
        if (check() is { } invalid)
            return invalid;
        var alert = await db.Alerts.SingleAsync(a => a.Id == alertId, ct);
        try
        {
            await change(alert, user, owner.ClientId);
        }
        catch (DomainRuleException e)
        {
            // The alert's own rules check before they change anything: a refusal leaves it as stored.
            return Refusal.From(e);
        }
        audit.Staff(user, "update", "ClinicalAlert", alert.Id, owner.ClientId);
        // Two reviews of one alert at the same moment: the unique key keeps the first.
        if (await db.SaveOrConflictAsync("This alert was changed elsewhere at the same moment; reload to see it.", ct) is { } conflict)
            return conflict;
        return alert;
    }
}
