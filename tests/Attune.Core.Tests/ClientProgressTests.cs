using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Progress;
using Attune.Core.Scoring;

namespace Attune.Core.Tests;

public class ClientProgressTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.BuiltIn();
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Relationship = Guid.NewGuid();

    /// <summary>A PHQ-9 response whose nine items add up to <paramref name="total"/>, item 9 at 0.</summary>
    private static InstrumentResponse Phq9(int total, int week)
    {
        var items = Enumerable.Range(1, 8).Select(i => (decimal?)Math.Min(3, Math.Max(0, total - 3 * (i - 1)))).Append(0).ToArray();
        return Response("phq-9", Answers.Numbered(items), week);
    }

    private static InstrumentResponse Connection(int each, int week) =>
        Response("connection-check", new[] { "heard", "safe", "seen", "goals", "approach", "room", "overall" }.ToDictionary(i => i, _ => (decimal?)each), week);

    private static InstrumentResponse Response(string id, Dictionary<string, decimal?> answers, int week)
    {
        var d = Catalog.Find(id)!;
        if (id == "connection-check") answers["moment"] = 0;
        var outcome = InstrumentScorer.Score(d, answers);
        Assert.True(outcome.IsValid, string.Join("; ", outcome.Errors.Select(e => e.Message)));
        return new InstrumentResponse(Relationship, null, null, answers, outcome.Result!, T0.AddDays(7 * week));
    }

    [Fact]
    public void A_reliable_drop_and_crossing_the_cut_off_are_celebrated_when_they_first_happen()
    {
        // PHQ-9 16 → 12 (a drop of 4: not yet reliable, still ≥ 10) → 9 (drop of 7 ≥ 6: reliable, and below 10) → 4 (remission).
        var responses = new[] { Phq9(16, 0), Phq9(12, 1), Phq9(9, 2), Phq9(4, 3) };
        Assert.Equal([16m, 12m, 9m, 4m], responses.Select(r => r.Score));
        var milestones = ClientProgress.Milestones(responses, Catalog.Find);
        Assert.Equal(3, milestones.Count);
        Assert.Contains(milestones, m => m.Text == "Your PHQ-9 score has dropped by a reliable amount, from 16 to 9: more than the usual ups and downs." && m.At == T0.AddDays(14));
        Assert.Contains(milestones, m => m.Text.StartsWith("Your PHQ-9 score is now below the clinical cut-off (10)", StringComparison.Ordinal) && m.At == T0.AddDays(14));
        Assert.Contains(milestones, m => m.Text == "Your PHQ-9 score is below 5, in the range of minimal symptoms." && m.At == T0.AddDays(21));
    }

    [Fact]
    public void Scores_that_rise_then_fall_back_are_not_celebrated_and_nothing_comes_from_one_score()
    {
        Assert.Empty(ClientProgress.Milestones([Phq9(14, 0)], Catalog.Find));
        // 14 → 19 → 10: a net drop of 4 is within the usual ups and downs, and 10 is still at the cut-off.
        Assert.Empty(ClientProgress.Milestones([Phq9(14, 0), Phq9(19, 1), Phq9(10, 2)], Catalog.Find));
    }

    [Fact]
    public void The_series_carry_the_cut_off_and_the_usual_variation_around_the_first_score()
    {
        var series = Assert.Single(ClientProgress.Outcomes([Phq9(9, 1), Phq9(16, 0), Connection(8, 0)], Catalog.Find));
        Assert.Equal("phq-9", series.Instrument.Id);
        Assert.Equal([16m, 9m], series.Points.Select(p => p.Score)); // oldest first
        Assert.Equal(10m, series.Cutoff);
        Assert.Equal((10m, 22m), series.UsualVariation); // 16 ± 6, the PHQ-9's reliable change
        Assert.Equal((0m, 8m), Assert.Single(ClientProgress.Outcomes([Phq9(2, 0)], Catalog.Find)).UsualVariation); // clipped at 0

        var connection = ClientProgress.Connection([Connection(8, 0), Connection(9, 1)], Catalog.Find);
        Assert.Equal([8m, 9m], connection!.Points.Select(p => p.Score));
        Assert.Null(ClientProgress.Connection([Phq9(9, 0)], Catalog.Find));
    }

    [Fact]
    public void The_first_and_every_fifth_connection_check_are_milestones()
    {
        var responses = Enumerable.Range(0, 11).Select(w => Connection(8, w)).ToList();
        var milestones = ClientProgress.Milestones(responses, Catalog.Find);
        Assert.Equal(3, milestones.Count);
        Assert.Equal(T0.AddDays(63), milestones[0].At); // newest first: the tenth, in week 9
        Assert.StartsWith("You have shared 10 Connection Checks", milestones[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("You shared your first Connection Check", milestones[2].Text, StringComparison.Ordinal);
    }
}
