using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using static Attune.Core.Tests.Responses;

namespace Attune.Core.Tests;

public class ExpectedResponseTests
{
    private static readonly InstrumentDefinition Phq9Def = Catalog.Find("phq-9")!;

    /// <summary>
    /// 40 closed episodes starting at PHQ-9 16 ("Moderately severe"): at measurement k the scores are 16 − k + offset,
    /// offsets −10 … +9 twice over, so the median and the percentiles are known by hand.
    /// </summary>
    private static List<ScoreHistory> History(int start = 16, int clients = 40, int measurements = 6) =>
        Enumerable.Range(0, clients).Select(c => new ScoreHistory(
            Enumerable.Range(1, measurements).Select(k => k == 1 ? start : (decimal)Math.Clamp(start - k + (c % 20 - 10), 0, 27)).ToList())).ToList();

    [Fact]
    public void Bands_come_from_the_clinic_history_of_clients_with_a_similar_intake_score()
    {
        var table = new ExpectedResponseTable(Phq9Def, History());
        var e = table.For(15, 3)!; // 15 is in the same band as 16 (15–19)
        Assert.Equal(ExpectationSource.ClinicHistory, e.Source);
        Assert.Equal("Moderately severe", e.IntakeBand);
        Assert.Equal(40, e.Clients);
        // Scores at k = 3: 13 + (−10 … 9), twice. Median 12.5; the worse 15% edge (85th percentile, type 7) is 19.15 → 19.2.
        Assert.Equal(12.5m, e.Expected);
        Assert.Equal(19.2m, e.LowerBound);
        Assert.Equal(TrackLight.Green, e.LightFor(12, Phq9Def.Direction));
        Assert.Equal(TrackLight.Green, e.LightFor(12.5m, Phq9Def.Direction));
        Assert.Equal(TrackLight.Amber, e.LightFor(19, Phq9Def.Direction));
        Assert.Equal(TrackLight.Red, e.LightFor(20, Phq9Def.Direction));
        // A client who started in another band has no history here: the fallback.
        Assert.Equal(ExpectationSource.Fallback, table.For(8, 3)!.Source);
    }

    [Fact]
    public void Thin_history_falls_back_to_the_intake_score_and_the_reliable_change_value()
    {
        var table = new ExpectedResponseTable(Phq9Def, History(clients: 19)); // one short of the 20 a cell needs
        Assert.Equal(0, table.CellsFromHistory);
        var e = table.For(16, 4)!;
        Assert.Equal((16m, 22m, ExpectationSource.Fallback), (e.Expected, e.LowerBound, e.Source)); // PHQ-9 RC 6
        Assert.Equal(TrackLight.Green, e.LightFor(16, Phq9Def.Direction));
        Assert.Equal(TrackLight.Amber, e.LightFor(21, Phq9Def.Direction));
        Assert.Equal(TrackLight.Red, e.LightFor(23, Phq9Def.Direction));
        Assert.Equal(27m, table.For(25, 2)!.LowerBound); // never beyond the scale
        Assert.Null(table.For(16, 1)); // the intake score itself has no expectation
        // The clinic can ask for fewer clients per cell.
        Assert.Equal(ExpectationSource.ClinicHistory, new ExpectedResponseTable(Phq9Def, History(clients: 19), new() { MinimumClients = 10 }).For(16, 4)!.Source);
    }

    [Fact]
    public void A_higher_is_better_measure_puts_the_lower_bound_below_the_expected_score()
    {
        var ors = Catalog.Find("ors")!;
        Assert.Equal(ScoreDirection.HigherIsBetter, ors.Direction);
        var history = Enumerable.Range(0, 20).Select(c => new ScoreHistory([15m, 15m + c])).ToList(); // 15 … 34 at k = 2
        var e = new ExpectedResponseTable(ors, history).For(15, 2)!;
        Assert.Equal(24.5m, e.Expected);
        Assert.True(e.LowerBound < e.Expected);
        Assert.Equal(TrackLight.Red, e.LightFor(e.LowerBound - 0.1m, ors.Direction));
        Assert.Equal(TrackLight.Green, e.LightFor(30, ors.Direction));
        Assert.Equal(10m, new ExpectedResponseTable(ors, []).For(15, 2)!.LowerBound); // fallback: 15 − ORS RC 5
    }

    [Fact]
    public void Not_on_track_fires_below_the_lower_bound_for_a_client_whose_scores_fall_then_rise()
    {
        var table = new ExpectedResponseTable(Phq9Def, History());
        var expected = new Dictionary<string, ExpectedResponseTable> { ["phq-9"] = table };
        var series = new[] { 16, 12, 10, 20, 21, 10 }.Select((s, i) => Phq9(s, i)).ToList();
        IReadOnlyList<Signal> Run(int count) => new NotOnTrackRule().Evaluate(
            new SignalInput(new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0), series.Take(count).ToList(), [], [], T0.AddDays(100), expected),
            new SignalSettings(), Catalog.Find).ToList();

        Assert.Empty(Run(1));
        Assert.Empty(Run(3)); // 16, 12, 10: better than expected
        // Improving at first, then back up to 20 at measurement 4 (k = 4: 12 + offsets; the worse edge 18.2):
        // red against the clinic's band although not reliably worse than the start (16 → 20 is a change of 4 < 6).
        var off = Assert.Single(Run(4));
        Assert.StartsWith("off-track:", off.Key, StringComparison.Ordinal);
        Assert.Equal("PHQ-9 20 at measurement 4: worse than the lower bound of 18.2 for this clinic's clients who started in the same band (Moderately severe; expected 11.5, from 40 clients).", off.Explanation);
        var still = Run(5).Single(s => s.Key.StartsWith("off-track:", StringComparison.Ordinal));
        Assert.Equal(off.Key, still.Key); // one alert while the run of red scores lasts
        Assert.Equal(off.Key, Assert.Single(Run(5)).Key); // 21: still red, and not yet reliably worse than 16 + 6
        Assert.Empty(Run(6)); // back to 10: on track
        Assert.Equal("off-track:" + series[3].Id, off.Key);
    }

    [Fact]
    public void The_fallback_alone_never_raises_an_off_track_alert_twice_over_reliable_deterioration()
    {
        var expected = new Dictionary<string, ExpectedResponseTable> { ["phq-9"] = new(Phq9Def, []) };
        var signals = new NotOnTrackRule().Evaluate(
            new SignalInput(new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0), [Phq9(10, 0), Phq9(17, 1)], [], [], T0.AddDays(100), expected),
            new SignalSettings(), Catalog.Find).ToList();
        Assert.Equal("not-on-track:phq-9", Assert.Single(signals).Key);
    }
}
