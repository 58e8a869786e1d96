using Attune.Core;
using Attune.Core.Supervision;

namespace Attune.Core.Tests;

/// <summary>Growth goals' measures, month by month, each figure worked out by hand in the comments.</summary>
public class GrowthGoalTests
{
    private static readonly DateOnly Sep = new(2026, 9, 1), Oct = new(2026, 10, 1), Nov = new(2026, 11, 1);

    /// <summary>
    /// September: sessions a, b, c, d; Connection Checks on a (8) and b (5); the clinician rated a 9, b 9 and c 7.
    /// October: none. November: sessions e, f; a Connection Check on e (6.5), rated 6.
    /// Repairs: two recorded in September (2 and 5 days), three in November (1, 10 and 4 days).
    /// </summary>
    private static GrowthFacts Facts()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid(), d = Guid.NewGuid(), e = Guid.NewGuid(), f = Guid.NewGuid();
        return new GrowthFacts(
            [(a, Sep), (b, Sep), (c, Sep), (d, Sep), (e, Nov), (f, Nov)],
            new Dictionary<Guid, decimal> { [a] = 8m, [b] = 5m, [e] = 6.5m },
            new Dictionary<Guid, decimal> { [a] = 9m, [b] = 9m, [c] = 7m, [e] = 6m },
            [(Sep, 2m), (Sep, 5m), (Nov, 1m), (Nov, 10m), (Nov, 4m)]);
    }

    [Fact]
    public void The_share_of_sessions_with_a_Connection_Check_is_counted_per_month()
    {
        // September 2 of 4 = 50%; October nothing to measure; November 1 of 2 = 50%.
        Assert.Equal([new GrowthPoint(Sep, 50m, 4), new GrowthPoint(Oct, null, 0), new GrowthPoint(Nov, 50m, 2)],
            GrowthMeasures.Monthly(GrowthMeasure.ConnectionCheckShare, Facts(), Sep, Nov));
    }

    [Fact]
    public void The_repair_time_is_the_median_of_the_months_repairs()
    {
        // September: 2 and 5 → (2 + 5) / 2 = 3.5; November: 1, 4, 10 → 4.
        Assert.Equal([new GrowthPoint(Sep, 3.5m, 2), new GrowthPoint(Oct, null, 0), new GrowthPoint(Nov, 4m, 3)],
            GrowthMeasures.Monthly(GrowthMeasure.RuptureRepairDays, Facts(), Sep, Nov));
    }

    [Fact]
    public void The_perception_gap_is_the_mean_gap_either_way_over_sessions_with_both()
    {
        // September: a |9 - 8| = 1, b |9 - 5| = 4 (c has no Connection Check) → 2.5; November: e |6 - 6.5| = 0.5.
        Assert.Equal([new GrowthPoint(Sep, 2.5m, 2), new GrowthPoint(Oct, null, 0), new GrowthPoint(Nov, 0.5m, 1)],
            GrowthMeasures.Monthly(GrowthMeasure.PerceptionGap, Facts(), Sep, Nov));
    }

    [Fact]
    public void A_goal_is_agreed_once_both_have_agreed_and_a_target_must_fit_its_measure()
    {
        var goal = new GrowthGoal(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "cipher", GrowthMeasure.ConnectionCheckShare, 80m, byClinician: true, DateTimeOffset.UnixEpoch);
        Assert.False(goal.Agreed);
        Assert.Throws<DomainRuleException>(() => goal.Agree(asClinician: true, DateTimeOffset.UnixEpoch));
        goal.Agree(asClinician: false, DateTimeOffset.UnixEpoch);
        Assert.True(goal.Agreed);
        goal.Close(DateTimeOffset.UnixEpoch);
        Assert.Throws<DomainRuleException>(() => goal.Close(DateTimeOffset.UnixEpoch));
        var e = Assert.Throws<DomainRuleException>(() => new GrowthGoal(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "cipher", GrowthMeasure.ConnectionCheckShare, 120m, true, DateTimeOffset.UnixEpoch));
        Assert.Equal("target", e.Field);
    }
}
