using Attune.Core;
using Attune.Core.Goals;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Goals;

/// <summary>
/// The clinician's side of mutually agreed goals: propose one (for the client to agree to), revise its words, describe
/// its attainment levels, rate it. Called by the client's page and (proposing) the REST API.
/// </summary>
public sealed class GoalActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock, Signals.SignalEvaluator signals)
{
    public const string WhoMayChange = "Only the client's own clinician proposes, changes and rates goals.";

    public async Task<ActionResult<TreatmentGoal>> ProposeAsync(Guid clientId, string? kind, string? text, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayChange, ct);
        if (refusal is not null)
            return refusal;
        if (!await db.Relationships.AnyAsync(r => r.Id == id && r.ClosedAt == null, ct))
            return Refusal.Conflict("The client's episode is closed; goals are agreed in an open one.");
        if (!FormChoice.TryParse<GoalKind>(kind, out var goalKind))
            return Refusal.Invalid("kind", "Choose the kind: Goal or Task.");
        var (words, problem) = TextLimits.Check(text, TextLimits.Goal, required: true, "the goal");
        if (problem is not null)
            return Refusal.Invalid("text", problem);
        var goal = new TreatmentGoal(id, goalKind, protector.Protect(words)!, clock.Now);
        db.Goals.Add(goal);
        audit.Staff(user, "create", "TreatmentGoal", goal.Id, clientId);
        await db.SaveChangesAsync(ct);
        return goal;
    }

    public Task<ActionResult<TreatmentGoal>> ReviseAsync(Guid clientId, Guid goalId, string? text, CancellationToken ct = default)
    {
        string? words = null;
        Refusal? Check()
        {
            (words, var problem) = TextLimits.Check(text, TextLimits.Goal, required: true, "the goal");
            return problem is null ? null : Refusal.Invalid("text", problem);
        }
        return ChangeAsync(clientId, goalId, "update", Check, goal => { goal.Revise(protector.Protect(words)!, clock.Now); return ("TreatmentGoal", goal.Id); }, ct);
    }

    /// <summary>The five level descriptions (−2 … +2) and the goal's weight, for Goal Attainment Scaling.</summary>
    public Task<ActionResult<TreatmentGoal>> SetScaleAsync(Guid clientId, Guid goalId, IReadOnlyList<string?> levels, string? weight, CancellationToken ct = default)
    {
        List<string> texts = [];
        var value = 0d;
        Refusal? Check()
        {
            var checkedLevels = levels.Select(l => TextLimits.Check(l, TextLimits.GoalLevel, required: true, "each level")).ToList();
            if (checkedLevels.Count != 5 || checkedLevels.Any(l => l.Problem is not null))
                return Refusal.Invalid("levels", $"Describe all five levels, each in 1 to {TextLimits.GoalLevel} characters.");
            if (!double.TryParse(weight, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
                return Refusal.Invalid("weight", $"Give the weight as a number from {GoalAttainment.MinWeight} to {GoalAttainment.MaxWeight}.");
            texts = checkedLevels.Select(l => l.Text!).ToList();
            return null;
        }
        return ChangeAsync(clientId, goalId, "update", Check, goal => { goal.SetScale(GoalView.ProtectLevels(texts, protector), value); return ("TreatmentGoal", goal.Id); }, ct);
    }

    public Task<ActionResult<TreatmentGoal>> RateAsync(Guid clientId, Guid goalId, string? level, CancellationToken ct = default)
    {
        var value = 0;
        Refusal? Check() =>
            int.TryParse(level, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value)
                ? null
                : Refusal.Invalid("level", "Choose a level from −2 to +2.");
        return ChangeAsync(clientId, goalId, "create", Check, goal =>
        {
            var rating = goal.Rate(value, clock.Now);
            db.GoalRatings.Add(rating);
            return ("GoalLevelRating", rating.Id);
        }, ct);
    }

    /// <summary>
    /// The client's answer to a proposed goal, from their progress link (the link, checked by the caller, is the
    /// authority: it names the relationship): agreed, a change asked for, or disagreed, in their own words if they like.
    /// A disagreement or a request for a change is a signal for the clinician.
    /// </summary>
    public async Task<ActionResult<TreatmentGoal>> RespondAsClientAsync(Guid relationshipId, Guid goalId, string? agreement, string? words, CancellationToken ct = default)
    {
        var relationship = await db.Relationships.AsNoTracking().SingleOrDefaultAsync(r => r.Id == relationshipId, ct);
        var goal = relationship is null ? null : await db.Goals.SingleOrDefaultAsync(g => g.Id == goalId && g.RelationshipId == relationshipId, ct);
        if (relationship is null || goal is null)
            return Refusal.NotFound("goal");
        if (!relationship.IsOpen)
            return Refusal.Conflict("Your work together has ended, so goals can no longer be changed here.");
        if (!GoalView.TryAnswer(agreement, out var answer))
            return Refusal.Invalid("agreement", "Please choose one of the answers.");
        var (text, problem) = TextLimits.Check(words, TextLimits.Goal, required: false, "your words");
        if (problem is not null)
            return Refusal.Invalid("words", $"Please keep your words to {TextLimits.Goal} characters.");
        try
        {
            goal.Respond(answer, protector.Protect(text), clock.Now);
            audit.ProgressLink(relationship.OrganisationId, relationship.Id, "update", "TreatmentGoal", goal.Id, relationship.ClientId);
            await db.SaveChangesAsync(ct);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Answered already (a double tap, another tab): the first answer stands.
            db.ChangeTracker.Clear();
            return Refusal.Conflict("You have already answered about this goal.");
        }
        await signals.EvaluateAsync(relationship.Id, ct);
        return goal;
    }

    /// <param name="change">Changes the goal and names what it changed or made, for the audit trail.</param>
    /// <param name="check">Checks what was sent, after the caller is authorized and before the goal's own rules.</param>
    private async Task<ActionResult<TreatmentGoal>> ChangeAsync(Guid clientId, Guid goalId, string auditAction, Func<Refusal?> check, Func<TreatmentGoal, (string EntityType, Guid EntityId)> change, CancellationToken ct)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayChange, ct);
        if (refusal is not null)
            return refusal;
        // Goals are changed in the episode they belong to: the client's current one.
        var goal = await db.Goals.SingleOrDefaultAsync(g => g.Id == goalId && g.RelationshipId == id, ct);
        if (goal is null)
            return Refusal.NotFound("goal");
        if (check() is { } invalid)
            return invalid;
        (string EntityType, Guid EntityId) changed;
        try
        {
            changed = change(goal);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, auditAction, changed.EntityType, changed.EntityId, clientId);
        await db.SaveChangesAsync(ct);
        return goal;
    }
}
