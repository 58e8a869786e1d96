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

/// <summary>A growth goal as proposed: the words, the measure's name, a target; <see cref="Supervisee"/> when a supervisor proposes it for one of theirs.</summary>
public sealed record GrowthGoalInput(string? Text, string? Measure, decimal? Target, Guid? Supervisee = null);

/// <summary>
/// Growth goals (issue 21, point 4): a clinician and their supervisor propose and agree a development goal measured from
/// Attune's own data; either closes it. Only the two of them. Called by the pages.
/// </summary>
public sealed class GrowthGoalActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public async Task<ActionResult<GrowthGoal>> ProposeAsync(GrowthGoalInput input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return Refusal.Forbidden("Growth goals are between a clinician and their supervisor.");
        Guid clinician, supervisor;
        if (input.Supervisee is { } supervisee)
        {
            if (!staff.Principal.IsInRole(StaffRoles.Supervisor)
                || !await db.Clinicians.AnyAsync(c => c.Id == supervisee && c.SupervisorId == me && c.OrganisationId == user.OrganisationId, ct))
                return Refusal.NotFound("supervisee");
            (clinician, supervisor) = (supervisee, me);
        }
        else
        {
            if (await db.Clinicians.Where(c => c.Id == me).Select(c => c.SupervisorId).SingleAsync(ct) is not { } mine)
                return Refusal.Conflict(ConsultationActions.NoSupervisor);
            (clinician, supervisor) = (me, mine);
        }
        var (text, problem) = TextLimits.Check(input.Text, TextLimits.GrowthGoal, required: true, "the goal");
        if (problem is not null)
            return Refusal.Invalid("text", problem);
        if (!FormChoice.TryParse<GrowthMeasure>(input.Measure, out var measure))
            return Refusal.Invalid("measure", "Choose a measure from the list.");
        GrowthGoal goal;
        try
        {
            goal = new GrowthGoal(user.OrganisationId, clinician, supervisor, protector.Protect(text)!, measure, input.Target, byClinician: input.Supervisee is null, clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.GrowthGoals.Add(goal);
        audit.Staff(user, "create", "GrowthGoal", goal.Id);
        await db.SaveChangesAsync(ct);
        return goal;
    }

    /// <summary>The other side agrees to the goal.</summary>
    public Task<ActionResult<GrowthGoal>> AgreeAsync(Guid goalId, CancellationToken ct = default) =>
        ChangeAsync(goalId, "agree", (goal, asClinician) => goal.Agree(asClinician, clock.Now), ct);

    /// <summary>Either closes the goal (achieved, or set aside).</summary>
    public Task<ActionResult<GrowthGoal>> CloseAsync(Guid goalId, CancellationToken ct = default) =>
        ChangeAsync(goalId, "close", (goal, _) => goal.Close(clock.Now), ct);

    private async Task<ActionResult<GrowthGoal>> ChangeAsync(Guid goalId, string action, Action<GrowthGoal, bool> change, CancellationToken ct)
    {
        var user = await staff.GetAsync(ct);
        var goal = await db.GrowthGoals.SingleOrDefaultAsync(g => g.Id == goalId && g.OrganisationId == user.OrganisationId, ct);
        if (goal is null || user.ClinicianId is not { } me || (goal.ClinicianId != me && goal.SupervisorId != me))
            return Refusal.NotFound("growth goal");
        try
        {
            change(goal, goal.ClinicianId == me);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, action, "GrowthGoal", goal.Id);
        return await db.SaveOrConflictAsync("The goal changed at the same moment; reload and try again.", ct) is { } conflict ? conflict : goal;
    }
}
