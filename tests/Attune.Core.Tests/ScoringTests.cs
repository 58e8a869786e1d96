using Attune.Core.Instruments;
using Attune.Core.Scoring;

namespace Attune.Core.Tests;

public class ScoringTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.BuiltIn();

    [Fact]
    public void Phq9_sums_items_and_bands_the_total()
    {
        // 1+2+1+0+3+2+1+0+1 = 11 → Moderate (10–14), caseness ≥ 10.
        var outcome = InstrumentScorer.Score(Catalog.Get("phq-9"), Answers.Numbered(1, 2, 1, 0, 3, 2, 1, 0, 1));
        Assert.True(outcome.IsValid);
        var r = outcome.Result!;
        Assert.Equal(11m, r.Score);
        Assert.Equal("Moderate", r.Band);
        Assert.True(r.Clinical);
        Assert.True(r.IsRisk);
        var flag = Assert.Single(r.CriticalFlags);
        Assert.Equal("9", flag.ItemId);
    }

    [Theory]
    [InlineData(0, "Minimal")]
    [InlineData(4, "Minimal")]
    [InlineData(5, "Mild")]
    [InlineData(9, "Mild")]
    [InlineData(10, "Moderate")]
    [InlineData(14, "Moderate")]
    [InlineData(15, "Moderately severe")]
    [InlineData(19, "Moderately severe")]
    [InlineData(20, "Severe")]
    [InlineData(27, "Severe")]
    public void Phq9_band_edges(int total, string band)
    {
        // Fill items in order, each up to 3; item 9 is used only past 24.
        var values = new decimal?[9];
        var left = total;
        for (var i = 0; i < 9; i++) { var v = Math.Min(3, left); values[i] = v; left -= v; }
        var r = InstrumentScorer.Score(Catalog.Get("phq-9"), Answers.Numbered(values)).Result!;
        Assert.Equal(total, r.Score);
        Assert.Equal(band, r.Band);
        Assert.Equal(total >= 10, r.Clinical);
    }

    [Fact]
    public void Phq9_item9_zero_is_no_risk_and_difficulty_is_unscored()
    {
        var answers = Answers.Numbered(3, 3, 3, 3, 3, 3, 3, 3, 0);
        answers["difficulty"] = 3;
        var r = InstrumentScorer.Score(Catalog.Get("phq-9"), answers).Result!;
        Assert.Equal(24m, r.Score);
        Assert.False(r.IsRisk);
        Assert.Equal("Severe", r.Band);
    }

    [Fact]
    public void Phq9_needs_every_item()
    {
        var outcome = InstrumentScorer.Score(Catalog.Get("phq-9"), Answers.Numbered(1, 1, 1, 1, 1, 1, 1, 1, null));
        Assert.False(outcome.IsValid);
        Assert.Contains(outcome.Errors, e => e.ItemId == "9");
    }

    [Fact]
    public void Answers_outside_the_options_are_refused_with_the_item_named()
    {
        var outcome = InstrumentScorer.Score(Catalog.Get("gad-7"), Answers.Numbered(1, 1, 4, 1, 1, 1, 1));
        Assert.False(outcome.IsValid);
        var e = Assert.Single(outcome.Errors);
        Assert.Equal("3", e.ItemId);
    }

    [Fact]
    public void Unknown_items_are_refused()
    {
        var answers = Answers.Numbered(1, 1, 1, 1, 1, 1, 1);
        answers["42"] = 1;
        Assert.Contains(InstrumentScorer.Score(Catalog.Get("gad-7"), answers).Errors, e => e.ItemId == "42");
    }

    [Theory]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0 }, 0, "Minimal", false)]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1 }, 7, "Mild", false)]
    [InlineData(new[] { 2, 1, 1, 1, 1, 1, 1 }, 8, "Mild", true)]
    [InlineData(new[] { 2, 2, 2, 2, 2, 0, 0 }, 10, "Moderate", true)]
    [InlineData(new[] { 3, 3, 3, 3, 3, 3, 3 }, 21, "Severe", true)]
    public void Gad7_totals_bands_and_caseness(int[] items, int total, string band, bool clinical)
    {
        var r = InstrumentScorer.Score(Catalog.Get("gad-7"), Answers.Numbered(items.Select(i => (decimal?)i).ToArray())).Result!;
        Assert.Equal(total, r.Score);
        Assert.Equal(band, r.Band);
        Assert.Equal(clinical, r.Clinical);
        Assert.False(r.IsRisk);
    }

    [Fact]
    public void Core10_reverse_scores_items_2_and_3()
    {
        // Items: 2,4,4,1,0,0,2,1,2,1. Items 2 and 3 reverse (4 − x) → 0 and 0. Sum = 2+0+0+1+0+0+2+1+2+1 = 9.
        var r = InstrumentScorer.Score(Catalog.Get("core-10"), Answers.Numbered(2, 4, 4, 1, 0, 0, 2, 1, 2, 1)).Result!;
        Assert.Equal(9m, r.Score);
        Assert.False(r.Clinical);
        Assert.False(r.Prorated);
    }

    [Fact]
    public void Core10_prorates_one_missing_item()
    {
        // Nine answered, item 10 missing: 1,0,0,3,3,0,3,3,3 with items 2,3 reversed (4−0=4 each).
        // Sum = 1+4+4+3+3+0+3+3+3 = 24; prorated 10 × 24 ÷ 9 = 26.67 → 26.7.
        var r = InstrumentScorer.Score(Catalog.Get("core-10"), Answers.Numbered(1, 0, 0, 3, 3, 0, 3, 3, 3, null)).Result!;
        Assert.Equal(26.7m, r.Score);
        Assert.True(r.Prorated);
        Assert.Equal(1, r.Missing);
        Assert.True(r.Clinical);
    }

    [Fact]
    public void Core10_refuses_two_missing_items()
    {
        var outcome = InstrumentScorer.Score(Catalog.Get("core-10"), Answers.Numbered(1, 0, 0, 3, 3, 0, 3, 3, null, null));
        Assert.False(outcome.IsValid);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    public void Core10_cutoff_is_11(int target)
    {
        // 10 items of which item 1 carries the remainder; items 2 and 3 answered 4 (scored 0).
        var values = new decimal?[] { 0, 4, 4, 0, 0, 0, 0, 0, 0, 0 };
        var left = target;
        foreach (var i in new[] { 0, 3, 4, 6, 7, 8, 9 }) { var v = Math.Min(4, left); values[i] = v; left -= v; }
        var r = InstrumentScorer.Score(Catalog.Get("core-10"), Answers.Numbered(values)).Result!;
        Assert.Equal(target, r.Score);
        Assert.Equal(target >= 11, r.Clinical);
    }

    [Fact]
    public void Core10_item6_is_critical()
    {
        var r = InstrumentScorer.Score(Catalog.Get("core-10"), Answers.Numbered(0, 4, 4, 0, 0, 1, 0, 0, 0, 0)).Result!;
        var flag = Assert.Single(r.CriticalFlags);
        Assert.Equal("6", flag.ItemId);
    }

    [Fact]
    public void Connection_check_is_the_mean_of_the_seven_items()
    {
        var answers = new Dictionary<string, decimal?>
        {
            ["heard"] = 9, ["safe"] = 8, ["seen"] = 10, ["goals"] = 7, ["approach"] = 9, ["room"] = 6, ["overall"] = 8, ["moment"] = 0,
        };
        // (9+8+10+7+9+6+8)/7 = 57/7 = 8.142… → 8.1
        var r = InstrumentScorer.Score(Catalog.Get("connection-check"), answers).Result!;
        Assert.Equal(8.1m, r.Score);
        Assert.Equal(ScoringMethod.Mean, r.Method);
        Assert.Null(r.Clinical);
    }

    [Fact]
    public void Connection_check_needs_the_disconnection_question()
    {
        var answers = new Dictionary<string, decimal?>
        {
            ["heard"] = 9, ["safe"] = 8, ["seen"] = 10, ["goals"] = 7, ["approach"] = 9, ["room"] = 6, ["overall"] = 8,
        };
        var outcome = InstrumentScorer.Score(Catalog.Get("connection-check"), answers);
        Assert.Contains(outcome.Errors, e => e.ItemId == "moment");
    }

    [Fact]
    public void Connection_check_refuses_a_slider_value_past_ten()
    {
        var answers = new Dictionary<string, decimal?>
        {
            ["heard"] = 11, ["safe"] = 8, ["seen"] = 10, ["goals"] = 7, ["approach"] = 9, ["room"] = 6, ["overall"] = 8, ["moment"] = 0,
        };
        Assert.Contains(InstrumentScorer.Score(Catalog.Get("connection-check"), answers).Errors, e => e.ItemId == "heard");
    }

    [Fact]
    public void Wai_sr_totals_and_subscales()
    {
        // Items 1..12 answered 1..5 cyclically: 1,2,3,4,5,1,2,3,4,5,1,2 → total 33.
        // Task 1,2,10,12 = 1+2+5+2 = 10; Goal 4,6,8,11 = 4+1+3+1 = 9; Bond 3,5,7,9 = 3+5+2+4 = 14.
        var r = InstrumentScorer.Score(Catalog.Get("wai-sr"), Answers.Numbered(1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2)).Result!;
        Assert.Equal(33m, r.Score);
        Assert.Equal(10m, r.Subscales.Single(s => s.Id == "task").Score);
        Assert.Equal(9m, r.Subscales.Single(s => s.Id == "goal").Score);
        Assert.Equal(14m, r.Subscales.Single(s => s.Id == "bond").Score);
    }

    [Fact]
    public void Ors_sums_tenths_and_is_clinical_below_25()
    {
        var r = InstrumentScorer.Score(Catalog.Get("ors"), Answers.Numbered(6.2m, 5.5m, 7.1m, 5.9m)).Result!;
        Assert.Equal(24.7m, r.Score);
        Assert.True(r.Clinical);
        var above = InstrumentScorer.Score(Catalog.Get("ors"), Answers.Numbered(6.25m, 5.5m, 7.1m, 6m));
        Assert.Contains(above.Errors, e => e.ItemId == "1"); // not in steps of 0.1
    }

    [Fact]
    public void Srs_below_36_is_an_alliance_concern()
    {
        Assert.True(InstrumentScorer.Score(Catalog.Get("srs"), Answers.Numbered(9, 9, 9, 8.9m)).Result!.Clinical);
        Assert.False(InstrumentScorer.Score(Catalog.Get("srs"), Answers.Numbered(9, 9, 9, 9)).Result!.Clinical);
    }
}
