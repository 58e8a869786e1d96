using Attune.Core.Scoring;

namespace Attune.Core.Goals;

/// <summary>One rating of a goal on its attainment scale, kept over time.</summary>
public sealed class GoalLevelRating
{
    private GoalLevelRating() { }

    internal GoalLevelRating(Guid goalId, int level, DateTimeOffset at, Guid? sessionId)
    {
        Id = Guid.NewGuid();
        GoalId = goalId;
        Level = level;
        RatedAt = at;
        SessionId = sessionId;
    }

    public Guid Id { get; private set; }
    public Guid GoalId { get; private set; }
    public int Level { get; private set; }
    public DateTimeOffset RatedAt { get; private set; }
    public Guid? SessionId { get; private set; }
}

/// <summary>A goal that reached a level higher than any before: something to celebrate with the client.</summary>
public sealed record GoalMilestone(Guid GoalId, int Level, DateTimeOffset At);

/// <summary>Goal Attainment Scaling over time (Kiresuk &amp; Sherman 1968, PRODUCT.md).</summary>
public static class GoalAttainment
{
    public const double MinWeight = 0.5, MaxWeight = 10;

    public static readonly int[] Levels = [-2, -1, 0, 1, 2];

    /// <summary>The conventional meaning of each level.</summary>
    public static string LevelName(int level) => level switch
    {
        -2 => "much less than expected",
        -1 => "somewhat less than expected",
        0 => "the expected level",
        1 => "somewhat more than expected",
        2 => "much more than expected",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static string Signed(int level) => level > 0 ? $"+{level}" : level < 0 ? $"−{-level}" : "0";

    /// <summary>
    /// The T-score after each rating: every scaled goal counts with its latest level at that time (a goal not yet rated
    /// does not count). Several ratings at one moment make one point.
    /// </summary>
    public static IReadOnlyList<(DateTimeOffset At, double T)> TScores(IEnumerable<TreatmentGoal> goals, IEnumerable<GoalLevelRating> ratings, double rho = GoalAttainmentScaling.DefaultCorrelation)
    {
        var weights = goals.Where(g => g.HasScale).ToDictionary(g => g.Id, g => g.Weight);
        var ordered = ratings.Where(r => weights.ContainsKey(r.GoalId)).OrderBy(r => r.RatedAt).ToList();
        var latest = new Dictionary<Guid, int>();
        var series = new List<(DateTimeOffset, double)>();
        foreach (var group in ordered.GroupBy(r => r.RatedAt))
        {
            foreach (var r in group) latest[r.GoalId] = r.Level;
            series.Add((group.Key, GoalAttainmentScaling.TScore(latest.Select(kv => new GoalRating(kv.Value, weights[kv.Key])).ToList(), rho)));
        }
        return series;
    }

    /// <summary>
    /// Milestones: a rating at a level higher than every earlier rating of the same goal. The first rating is the
    /// starting point, not a milestone.
    /// </summary>
    public static IReadOnlyList<GoalMilestone> Milestones(IEnumerable<GoalLevelRating> ratings)
    {
        var milestones = new List<GoalMilestone>();
        foreach (var goal in ratings.GroupBy(r => r.GoalId))
        {
            int? best = null;
            foreach (var r in goal.OrderBy(r => r.RatedAt))
            {
                if (best is { } b && r.Level > b)
                    milestones.Add(new GoalMilestone(goal.Key, r.Level, r.RatedAt));
                best = best is { } x ? Math.Max(x, r.Level) : r.Level;
            }
        }
        return milestones.OrderBy(m => m.At).ToList();
    }
}
