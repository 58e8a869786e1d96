using Attune.Core.Instruments;
using Attune.Core.Scoring;

namespace Attune.Core.Tests;

public class ChangeTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.BuiltIn();

    [Fact]
    public void Jacobson_truax_index_by_hand()
    {
        // s1 = 5, r = .84: SE = 5·√.16 = 2; S_diff = √(2·4) = 2.828…; RC = (10 − 20)/2.828 = −3.536.
        Assert.Equal(2.0, JacobsonTruax.StandardError(5, 0.84), 10);
        Assert.Equal(Math.Sqrt(8), JacobsonTruax.StandardErrorOfDifference(5, 0.84), 10);
        Assert.Equal(-10 / Math.Sqrt(8), JacobsonTruax.Index(20, 10, 5, 0.84), 10);
        Assert.Equal(1.96 * Math.Sqrt(8), JacobsonTruax.ReliableChangeValue(5, 0.84), 10);
    }

    [Fact]
    public void Jacobson_truax_cutoffs_by_hand()
    {
        // Higher = better: clinical M1 = 40, s1 = 10; functional M0 = 70, s0 = 8.
        // a = 40 + 20 = 60; b = 70 − 16 = 54; c = (8·40 + 10·70)/18 = 1020/18 = 56.67.
        var up = JacobsonTruax.Cutoffs(40, 10, 70, 8, ScoreDirection.HigherIsBetter);
        Assert.Equal(60, up.A, 10);
        Assert.Equal(54, up.B, 10);
        Assert.Equal(1020.0 / 18, up.C, 10);
        // Higher = worse mirrors a and b: clinical M1 = 20, s1 = 5; functional M0 = 5, s0 = 4.
        // a = 20 − 10 = 10; b = 5 + 8 = 13; c = (4·20 + 5·5)/9 = 105/9.
        var down = JacobsonTruax.Cutoffs(20, 5, 5, 4, ScoreDirection.HigherIsWorse);
        Assert.Equal(10, down.A, 10);
        Assert.Equal(13, down.B, 10);
        Assert.Equal(105.0 / 9, down.C, 10);
    }

    [Fact]
    public void Jacobson_truax_refuses_impossible_norms()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JacobsonTruax.StandardError(5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => JacobsonTruax.StandardError(0, 0.8));
    }

    [Fact]
    public void Phq9_18_to_9_is_recovered_with_response()
    {
        var c = ChangeAssessment.Assess(Catalog.Get("phq-9"), 18, 9);
        Assert.Equal(-9m, c.Change);
        Assert.Equal(9m, c.Improvement);
        Assert.Equal(6m, c.ReliableChangeValue);
        Assert.Equal("fixed", c.ReliableChangeMethod);
        Assert.True(c.ReliableImprovement);
        Assert.False(c.ReliableDeterioration);
        Assert.Equal(ChangeCategory.Recovered, c.Category);
        Assert.True(c.Response);   // 9 ≤ 18/2
        Assert.False(c.Remission); // 9 ≥ 5
        Assert.Equal("Moderately severe", c.BandBefore);
        Assert.Equal("Mild", c.BandAfter);
    }

    [Theory]
    [InlineData(18, 13, ChangeCategory.Unchanged)]    // drop of 5 < 6
    [InlineData(18, 12, ChangeCategory.Improved)]     // drop of 6, still ≥ 10
    [InlineData(15, 9, ChangeCategory.Recovered)]     // drop of 6 and below 10
    [InlineData(8, 14, ChangeCategory.Deteriorated)]  // rise of 6
    [InlineData(8, 13, ChangeCategory.Unchanged)]
    public void Phq9_categories_at_the_edges(int before, int after, ChangeCategory expected) =>
        Assert.Equal(expected, ChangeAssessment.Assess(Catalog.Get("phq-9"), before, after).Category);

    [Fact]
    public void Phq9_remission_is_below_5()
    {
        Assert.True(ChangeAssessment.Assess(Catalog.Get("phq-9"), 12, 4).Remission);
        Assert.False(ChangeAssessment.Assess(Catalog.Get("phq-9"), 12, 5).Remission);
        Assert.False(ChangeAssessment.Assess(Catalog.Get("phq-9"), 12, 7).Response); // 7 > 6
    }

    [Fact]
    public void Gad7_uses_its_fixed_value_of_4()
    {
        Assert.True(ChangeAssessment.Assess(Catalog.Get("gad-7"), 12, 8).ReliableImprovement);
        Assert.False(ChangeAssessment.Assess(Catalog.Get("gad-7"), 12, 9).ReliableImprovement);
        Assert.Null(ChangeAssessment.Assess(Catalog.Get("gad-7"), 12, 9).Response);
    }

    [Fact]
    public void Ors_points_upwards()
    {
        // Higher is better: 18 → 26 is an improvement of 8 ≥ 5, from below 25 to above: recovered.
        var c = ChangeAssessment.Assess(Catalog.Get("ors"), 18, 26);
        Assert.Equal(8m, c.Improvement);
        Assert.Equal(ChangeCategory.Recovered, c.Category);
        Assert.Equal(ChangeCategory.Deteriorated, ChangeAssessment.Assess(Catalog.Get("ors"), 30, 25).Category);
    }

    [Fact]
    public void Core10_uses_Barkham_2013s_reliable_change_of_6_and_its_severity_levels()
    {
        var core10 = Catalog.Get("core-10");
        // Barkham et al. (2013): cut-off 11.0, reliable change index 6. 20 → 8 is 12 better and crosses 11: recovered.
        Assert.Equal(ChangeCategory.Recovered, ChangeAssessment.Assess(core10, 20, 8).Category);
        Assert.Equal(ChangeCategory.Improved, ChangeAssessment.Assess(core10, 25, 19).Category);
        Assert.Equal(ChangeCategory.Unchanged, ChangeAssessment.Assess(core10, 14, 19).Category);
        // Reliably worse: a CORE-10 client can now be flagged as deteriorating.
        Assert.Equal(ChangeCategory.Deteriorated, ChangeAssessment.Assess(core10, 14, 20).Category);
        Assert.Equal(ChangeCategory.Deteriorated, ChangeAssessment.Assess(core10, 14, 20.1m).Category);

        // The levels, each running to .9 below the next so that a prorated score (one decimal) always has one.
        Assert.Equal(
            ["Healthy", "Healthy", "Low level", "Low level", "Mild", "Mild", "Moderate", "Moderate-to-severe", "Moderate-to-severe", "Severe", "Severe"],
            new[] { 0m, 5.9m, 6m, 10.9m, 11m, 14.9m, 15m, 20m, 24.9m, 25m, 40m }.Select(s => core10.BandFor(s)!.Label));
        Assert.All(Enumerable.Range(0, 401).Select(i => i / 10m), s => Assert.NotNull(core10.BandFor(s)));
        // The bands agree with the cut-off: the first clinical band starts at 11.
        Assert.Equal(core10.Cutoff!.Value, core10.Bands.First(b => b.Label == "Mild").Min);
        Assert.Contains("Barkham", core10.BandsSource);
        Assert.Contains("Barkham", core10.ReliableChange!.Source);

        // A clinic's own norms still take precedence: s1 = 5, r = .84 → S_diff = 2.828; RC = (8 − 20)/2.828 = −4.24.
        var with = ChangeAssessment.Assess(core10, 20, 8, new ReliableChangeRule(StandardDeviation: 5, Reliability: 0.84));
        Assert.Equal("jacobson-truax", with.ReliableChangeMethod);
        Assert.Equal(Math.Round(-12 / Math.Sqrt(8), 3), with.ReliableChangeIndex);
        Assert.Equal(ChangeCategory.Recovered, with.Category);
    }

    [Fact]
    public void Scores_outside_the_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChangeAssessment.Assess(Catalog.Get("phq-9"), 28, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChangeAssessment.Assess(Catalog.Get("phq-9"), 10, -1));
    }

    [Fact]
    public void Talking_therapies_recovery_and_reliable_improvement()
    {
        var r = TalkingTherapiesOutcome.Assess(phq9Before: 18, gad7Before: 12, phq9After: 9, gad7After: 7);
        Assert.True(r.CaseAtStart);
        Assert.False(r.CaseAtEnd);
        Assert.True(r.Recovered);
        Assert.True(r.ReliableImprovement);
        Assert.True(r.ReliableRecovery);
    }

    [Fact]
    public void Talking_therapies_not_recovered_while_either_measure_is_a_case()
    {
        // PHQ-9 fell below 10 but GAD-7 is still 8: still a case.
        var r = TalkingTherapiesOutcome.Assess(18, 12, 9, 8);
        Assert.False(r.Recovered);
        Assert.True(r.ReliableImprovement);
    }

    [Fact]
    public void Talking_therapies_non_case_at_start_has_no_recovery()
    {
        var r = TalkingTherapiesOutcome.Assess(8, 6, 2, 1);
        Assert.False(r.CaseAtStart);
        Assert.Null(r.Recovered);
        Assert.True(r.ReliableImprovement); // PHQ-9 drop 6
    }

    [Fact]
    public void Talking_therapies_deterioration_mirrors_improvement()
    {
        var worse = TalkingTherapiesOutcome.Assess(5, 5, 11, 8);
        Assert.True(worse.ReliableDeterioration);
        Assert.False(worse.ReliableImprovement);
        // One measure reliably better and the other reliably worse is neither.
        var mixed = TalkingTherapiesOutcome.Assess(18, 4, 12, 8);
        Assert.True(mixed.Phq9ReliablyImproved);
        Assert.True(mixed.Gad7ReliablyDeteriorated);
        Assert.False(mixed.ReliableImprovement);
        Assert.False(mixed.ReliableDeterioration);
    }

    [Fact]
    public void Goal_attainment_t_score_by_hand()
    {
        // Three equally weighted goals at +1, 0, −1: Σwx = 0 → T = 50.
        Assert.Equal(50, GoalAttainmentScaling.TScore([new(1), new(0), new(-1)]), 10);
        // Two goals at +1, weights 1: Σwx = 2; Σw² = 2; (Σw)² = 4; √(.7·2 + .3·4) = √2.6 → 50 + 20/√2.6.
        Assert.Equal(50 + 20 / Math.Sqrt(2.6), GoalAttainmentScaling.TScore([new(1), new(1)]), 10);
        // One goal at +2: √(.7 + .3) = 1 → 70.
        Assert.Equal(70, GoalAttainmentScaling.TScore([new(2)]), 10);
        // Weighted: levels 2 (w 2) and −1 (w 1): Σwx = 3; Σw² = 5; (Σw)² = 9; √(3.5 + 2.7) = √6.2.
        Assert.Equal(50 + 30 / Math.Sqrt(6.2), GoalAttainmentScaling.TScore([new(2, 2), new(-1, 1)]), 10);
    }

    [Fact]
    public void Goal_attainment_refuses_levels_outside_minus2_to_plus2()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GoalAttainmentScaling.TScore([new(3)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => GoalAttainmentScaling.TScore([new(1, 0)]));
        Assert.Throws<ArgumentException>(() => GoalAttainmentScaling.TScore([]));
    }
}
