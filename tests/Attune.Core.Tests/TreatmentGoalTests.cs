using Attune.Core.Goals;

namespace Attune.Core.Tests;

public class TreatmentGoalTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_goal_is_proposed_then_answered_once_and_a_revision_asks_again()
    {
        var goal = new TreatmentGoal(Guid.NewGuid(), GoalKind.Goal, "cipher-1", T0);
        Assert.Equal(GoalAgreement.Proposed, goal.Agreement);
        Assert.False(goal.NeedsConversation);

        goal.Respond(GoalAgreement.ChangeRequested, "cipher-words", T0.AddDays(1));
        Assert.True(goal.NeedsConversation);
        Assert.Equal("cipher-words", goal.ProtectedClientWords);
        var again = Assert.Throws<DomainRuleException>(() => goal.Respond(GoalAgreement.Agreed, null, T0.AddDays(2)));
        Assert.Contains("already answered", again.Message);
        Assert.Equal(GoalAgreement.ChangeRequested, goal.Agreement);

        goal.Revise("cipher-2", T0.AddDays(3));
        Assert.Equal(GoalAgreement.Proposed, goal.Agreement);
        goal.Respond(GoalAgreement.Agreed, null, T0.AddDays(4));
        Assert.False(goal.NeedsConversation);
        Assert.Throws<DomainRuleException>(() => new TreatmentGoal(Guid.NewGuid(), GoalKind.Task, "", T0));
        Assert.Throws<DomainRuleException>(() => new TreatmentGoal(Guid.NewGuid(), GoalKind.Task, "x", T0).Respond(GoalAgreement.Proposed, null, T0));
    }
}
