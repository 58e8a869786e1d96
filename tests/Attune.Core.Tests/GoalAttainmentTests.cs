using Attune.Core.Endings;
using Attune.Core.Goals;
using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Core.Signals;

namespace Attune.Core.Tests;

public class GoalAttainmentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static TreatmentGoal Scaled(double weight = 1)
    {
        var g = new TreatmentGoal(Guid.NewGuid(), GoalKind.Goal, "cipher", T0);
        g.SetScale("cipher-levels", weight);
        return g;
    }

    [Fact]
    public void A_goal_is_rated_only_on_its_scale_and_within_minus_two_to_plus_two()
    {
        var g = new TreatmentGoal(Guid.NewGuid(), GoalKind.Goal, "cipher", T0);
        Assert.Contains("levels", Assert.Throws<DomainRuleException>(() => g.Rate(0, T0)).Message);
        Assert.Throws<DomainRuleException>(() => g.SetScale("levels", 0));
        Assert.Throws<DomainRuleException>(() => g.SetScale("levels", double.NaN));
        Assert.Throws<DomainRuleException>(() => g.SetScale(" ", 1));
        Assert.False(g.HasScale);
        g.SetScale("levels", 2);
        Assert.Throws<DomainRuleException>(() => g.Rate(3, T0));
        Assert.Throws<DomainRuleException>(() => g.Rate(-3, T0));
        var r = g.Rate(-2, T0);
        Assert.Equal((g.Id, -2), (r.GoalId, r.Level));
    }

    [Fact]
    public void The_t_score_over_time_uses_each_goals_latest_level_and_its_weight()
    {
        var a = Scaled();
        var b = Scaled(2);
        var ratings = new[]
        {
            a.Rate(-1, T0), b.Rate(-2, T0),
            a.Rate(0, T0.AddDays(14)),
            b.Rate(1, T0.AddDays(28)),
        };
        var t = GoalAttainment.TScores([a, b], ratings);
        Assert.Equal(3, t.Count);
        // By hand: Σw² = 5, (Σw)² = 9, denominator √(0.7·5 + 0.3·9) = √6.2.
        Assert.Equal(50 + 10 * (-1 - 4) / Math.Sqrt(6.2), t[0].T, 10);
        Assert.Equal(50 + 10 * (0 - 4) / Math.Sqrt(6.2), t[1].T, 10);
        Assert.Equal(50 + 10 * (0 + 2) / Math.Sqrt(6.2), t[2].T, 10);
        Assert.Equal(T0.AddDays(28), t[2].At);
        // A goal rated alone counts alone: one goal at 0 is T = 50.
        Assert.Equal(50, GoalAttainment.TScores([a], [a.Rate(0, T0)])[0].T, 10);
        // Ratings of goals without a scale (or of other relationships' goals) are not counted.
        Assert.Empty(GoalAttainment.TScores([], ratings));
    }

    [Fact]
    public void Reaching_a_level_higher_than_before_is_a_milestone_and_the_first_rating_is_not()
    {
        var a = Scaled();
        var b = Scaled();
        var ratings = new[]
        {
            a.Rate(-2, T0), a.Rate(-1, T0.AddDays(7)), a.Rate(-2, T0.AddDays(14)), a.Rate(-1, T0.AddDays(21)), a.Rate(0, T0.AddDays(28)),
            b.Rate(1, T0.AddDays(3)),
        };
        var m = GoalAttainment.Milestones(ratings);
        Assert.Equal([(a.Id, -1, T0.AddDays(7)), (a.Id, 0, T0.AddDays(28))], m.Select(x => (x.GoalId, x.Level, x.At)));
        Assert.Equal("the expected level", GoalAttainment.LevelName(0));
        Assert.Equal("+2", GoalAttainment.Signed(2));
        Assert.Equal("−1", GoalAttainment.Signed(-1));
    }

    [Fact]
    public void The_closing_summary_is_drafted_from_scores_goals_and_ruptures()
    {
        var relationshipId = Guid.NewGuid();
        var scores = new[] { Responses.Phq9(18, 0), Responses.Phq9(14, 2), Responses.Phq9(7, 6), Responses.Cc(9, 6) };
        var goal = Scaled();
        goal.Respond(GoalAgreement.Agreed, null, T0);
        var task = new TreatmentGoal(relationshipId, GoalKind.Task, "cipher", T0);
        var ratings = new[] { goal.Rate(-1, T0), goal.Rate(1, T0.AddDays(40)) };
        var rupture = new RuptureRecord(relationshipId, null, T0, RuptureMarker.ComplaintAboutActivities, NoticedBy.ClientReport, [RepairStrategy.InviteDiscussion], RuptureResolution.Resolved, null, null, Guid.Empty, T0);
        var open = new RuptureRecord(relationshipId, null, T0, RuptureMarker.ShuttingDown, NoticedBy.Clinician, [], RuptureResolution.Ongoing, null, null, Guid.Empty, T0);
        var facts = ClosingSummaryFacts.From(9, T0, scores, Responses.Catalog.Find, [(goal, "Sleep through most nights"), (task, "Keep a diary")], ratings, [rupture, open]);

        var phq = Assert.Single(facts.Outcomes); // the Connection Check is not an outcome measure
        Assert.Equal((18m, 7m), (phq.First, phq.Last));
        Assert.Equal(Scoring.ChangeCategory.Recovered, phq.Change.Category);
        Assert.Equal((1, 1), (facts.Ruptures - 1, facts.RupturesRepaired));
        var g = Assert.Single(facts.Goals); // tasks are not goals to reach
        Assert.True(g.Reached);
        var draft = facts.Draft();
        Assert.Contains("9 sessions attended since 2 November 2026.", draft);
        Assert.Contains("PHQ-9: 18 on 1 Sep 2026 to 7 on 13 Oct 2026; moderately severe to mild: recovered", draft);
        Assert.Contains("(reliable change is 6 points)", draft);
        Assert.Contains("Goals: 1 of 1 agreed; 1 of 1 rated reached the expected level or better.", draft);
        Assert.Contains("- Sleep through most nights: from −1 to +1 (somewhat more than expected).", draft);
        Assert.Contains("Ruptures logged: 2; repaired: 1.", draft);
    }

    [Fact]
    public void A_short_relationship_says_that_no_change_can_be_stated()
    {
        var draft = ClosingSummaryFacts.From(1, T0, [Responses.Phq9(12, 0)], Responses.Catalog.Find, [], [], []).Draft();
        Assert.Contains("Fewer than two scores", draft);
        Assert.Contains("No ruptures were logged.", draft);
    }

    [Fact]
    public void A_goal_the_client_disagrees_with_or_wants_changed_is_a_signal_once_per_answer()
    {
        var r = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0);
        var agreed = new TreatmentGoal(r.Id, GoalKind.Goal, "c", T0);
        agreed.Respond(GoalAgreement.Agreed, null, T0.AddDays(1));
        var disagreed = new TreatmentGoal(r.Id, GoalKind.Task, "c", T0);
        disagreed.Respond(GoalAgreement.Disagreed, "not mine", T0.AddDays(1));
        var proposed = new TreatmentGoal(r.Id, GoalKind.Goal, "c", T0);
        var input = new SignalInput(r, [], [], [], T0.AddDays(2), null, [agreed, disagreed, proposed]);
        var s = Assert.Single(new GoalDisagreementRule().Evaluate(input, new SignalSettings(), Responses.Catalog.Find));
        Assert.Equal(SignalKind.GoalDisagreement, s.Kind);
        Assert.Contains("disagreed with a task", s.Explanation);
        // Reworded and this time a change is asked for: a new signal, with a new key.
        disagreed.Revise("c2", T0.AddDays(3));
        disagreed.Respond(GoalAgreement.ChangeRequested, null, T0.AddDays(4));
        var again = Assert.Single(new GoalDisagreementRule().Evaluate(input, new SignalSettings(), Responses.Catalog.Find));
        Assert.NotEqual(s.Key, again.Key);
        Assert.Contains("asked for a change to a task", again.Explanation);
    }
}
