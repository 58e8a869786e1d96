using Attune.Core.Analytics;

namespace Attune.Core.Tests;

/// <summary>The analytics' statistics on data small enough to work out by hand (the same against R: ClinicStatisticsAgainstRTests).</summary>
public class ClinicStatisticsTests
{
    [Fact]
    public void Pearson_r_and_its_Fisher_interval_worked_by_hand()
    {
        // x 1..5, y 2,4,5,4,5: deviations (−2,−1,0,1,2) and (−2,0,1,0,1); Sxy = 4 + 2 = 6, Sxx = 10, Syy = 6;
        // r = 6 / √60 = 0.774597. z = atanh(r) = 1.031718, se = 1/√(5 − 3) = 0.707107, z ± 1.959964 × se = (−0.354166, 2.417601),
        // back through tanh: (−0.340082, 0.984236).
        var c = ClinicStatistics.Pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])!;
        Assert.Equal((5, 0.774597, -0.340082, 0.984236), (c.N, Math.Round(c.R, 6), Math.Round(c.Lower, 6), Math.Round(c.Upper, 6)));
        // Too few pairs for the interval, and a variable that does not vary: no correlation.
        Assert.Null(ClinicStatistics.Pearson([1, 2, 3], [3, 2, 1]));
        Assert.Null(ClinicStatistics.Pearson([1, 1, 1, 1], [1, 2, 3, 4]));
    }

    [Fact]
    public void Welch_difference_and_degrees_of_freedom_worked_by_hand()
    {
        // a = 1,2,3: mean 2, variance 1; b = 2,4,6,8: mean 5, variance 20/3. Squared standard errors 1/3 and 5/3;
        // difference 2 − 5 = −3; df = (1/3 + 5/3)² / ((1/3)²/2 + (5/3)²/3) = 4 / (1/18 + 25/27) = 4.075472.
        var w = ClinicStatistics.Welch([1, 2, 3], [2, 4, 6, 8])!;
        Assert.Equal((-3.0, 4.075472), (w.Difference, Math.Round(w.DegreesOfFreedom, 6)));
        Assert.True(w.Lower < -3 && w.Upper > -3 && Math.Abs(w.Lower + 3 - (-3 - w.Upper)) < 1e-12, "symmetric around the difference");
        Assert.Null(ClinicStatistics.Welch([1], [2, 3]));
    }

    [Fact]
    public void A_random_intercept_model_needs_two_groups_and_finds_no_group_effect_where_there_is_none()
    {
        Assert.Null(ClinicStatistics.RandomIntercept([("a", 1, 1), ("a", 2, 2), ("a", 3, 3), ("a", 4, 5)]));
        // Two groups with the same points: the groups differ in nothing, so τ₀₀ = 0 and the fit is the least-squares line
        // through (1,1),(2,2),(3,3),(4,5): means 2.5 and 2.75, Sxy = 2.625 + 0.375 + 0.125 + 3.375 = 6.5, Sxx = 5,
        // slope 6.5 / 5 = 1.3, intercept 2.75 − 1.3 × 2.5 = −0.5.
        var fit = ClinicStatistics.RandomIntercept([("a", 1, 1), ("a", 2, 2), ("a", 3, 3), ("a", 4, 5), ("b", 1, 1), ("b", 2, 2), ("b", 3, 3), ("b", 4, 5)])!;
        Assert.Equal((0.0, 1.3, -0.5), (Math.Round(fit.Tau00, 9), Math.Round(fit.Slope, 9), Math.Round(fit.Intercept, 9)));
        Assert.Equal(0, fit.Icc, 9);
    }
}
