namespace Attune.Core.Scoring;

/// <summary>One goal's attained level (−2 … +2, 0 = the expected level) and its weight.</summary>
public sealed record GoalRating(int Level, double Weight = 1);

/// <summary>Goal Attainment Scaling T-score (Kiresuk &amp; Sherman 1968).</summary>
public static class GoalAttainmentScaling
{
    public const double DefaultCorrelation = 0.3;

    /// <summary>T = 50 + 10·Σwᵢxᵢ / √((1 − ρ)Σwᵢ² + ρ(Σwᵢ)²).</summary>
    public static double TScore(IReadOnlyCollection<GoalRating> goals, double rho = DefaultCorrelation)
    {
        if (goals.Count == 0) throw new ArgumentException("At least one goal is needed.", nameof(goals));
        if (rho is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(rho), "ρ must be at least 0 and below 1.");
        foreach (var g in goals)
        {
            if (g.Level is < -2 or > 2) throw new ArgumentOutOfRangeException(nameof(goals), $"A goal level must be −2 to +2; it was {g.Level}.");
            if (!(g.Weight > 0) || double.IsInfinity(g.Weight)) throw new ArgumentOutOfRangeException(nameof(goals), "Goal weights must be positive.");
        }
        var weighted = goals.Sum(g => g.Weight * g.Level);
        var sumSquares = goals.Sum(g => g.Weight * g.Weight);
        var sum = goals.Sum(g => g.Weight);
        return 50 + 10 * weighted / Math.Sqrt((1 - rho) * sumSquares + rho * sum * sum);
    }
}
