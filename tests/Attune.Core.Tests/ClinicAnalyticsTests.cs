using Attune.Core.Analytics;
using Attune.Core.Endings;

namespace Attune.Core.Tests;

/// <summary>The clinic analytics A–G (docs/analytics.md) on six closed relationships worked out by hand.</summary>
public class ClinicAnalyticsTests
{
    private static readonly Guid P = new(1, 0, 0, new byte[8]);
    private static readonly Guid Q = new(2, 0, 0, new byte[8]);

    private static AttendedSession S(int number, bool video, double? cc) => new(number, video, cc);

    // 1 (P): early CC 8, 9, 7 → 8; all 7.5; video 3 of 4 → video. PHQ-9 18 → 9: improved 9, recovered. Planned, goals met; no rupture; top suggestion.
    // 2 (P): early 6.5; all 6.5; in person. PHQ-9 12 → 14: −2. Unplanned, no contact (dropout); an unrepaired rupture; not the top suggestion.
    // 3 (Q): early 9; all 9; video. PHQ-9 20 → 8: improved 12, recovered. Planned, goals met; repaired; top suggestion.
    // 4 (Q): early (5 + 6)/2 = 5.5 (session 2 has no CC); all 5.5; in person. PHQ-9 9 → 16: deteriorated 7. Unplanned, moved on; no rupture; not matched at intake.
    // 5 (Q): early (8 + 10)/2 = 9; all 9; video 2 of 3. PHQ-9 15 → 11: 4, not reliable; still a case. Planned, goals met; repaired; not matched.
    // 6 (Q): one PHQ-9 only: not in A, B, D, F, G. All CC 7, in person (C); unplanned, no contact (E).
    private static readonly AnalyticsCase[] Cases =
    [
        new(P, [S(1, true, 8), S(2, true, 9), S(3, false, 7), S(4, true, 6)], [18, 12, 9], EndingKind.Planned, EndingReason.GoalsMet, RuptureHistory.None, true),
        new(P, [S(1, false, 6), S(2, false, 7)], [12, 14], EndingKind.Unplanned, EndingReason.NoContact, RuptureHistory.Unrepaired, false),
        new(Q, [S(1, true, 9), S(2, true, 9)], [20, 8], EndingKind.Planned, EndingReason.GoalsMet, RuptureHistory.Repaired, true),
        new(Q, [S(1, false, 5), S(2, false, null), S(3, false, 6)], [9, 16], EndingKind.Unplanned, EndingReason.ClientMovedOn, RuptureHistory.None, null),
        new(Q, [S(1, true, null), S(2, false, 8), S(3, true, 10)], [15, 11], EndingKind.Planned, EndingReason.GoalsMet, RuptureHistory.Repaired, null),
        new(Q, [S(1, false, 7)], [10], EndingKind.Unplanned, EndingReason.NoContact, RuptureHistory.None, null),
    ];

    [Fact]
    public void Every_figure_from_six_relationships_worked_by_hand()
    {
        var result = ClinicAnalytics.Compute(Cases, new AnalyticsSettings(ReliableChange: 6, Cutoff: 10, MinimumCell: 3));

        // A. Pairs (8, 9), (6.5, −2), (9, 12), (5.5, −7), (9, 4): means 7.6 and 3.2; Sxy = 42.9, Sxx = 9.7, Syy = 242.8;
        // r = 42.9 / √(9.7 × 242.8) = 0.883989; z = 1.393733 ± 1.959964/√2 → (0.007829, 0.992326).
        Assert.Equal(5, result.AllianceOutcomeCases);
        Assert.Equal((0.883989, 0.007829, 0.992326), (Math.Round(result.AllianceOutcome!.R, 6), Math.Round(result.AllianceOutcome.Lower, 6), Math.Round(result.AllianceOutcome.Upper, 6)));

        // B. Five cases from two clinicians (the model itself is tested against lme4).
        Assert.Equal((5, 2), (result.TherapistEffectCases, result.TherapistEffect!.Groups));

        // C. Video 7.5, 9, 9 (mean 8.5); in person 6.5, 5.5, 7 (mean 6.333…): 2.1667.
        Assert.Equal((3, 3), (result.VideoMinusInPerson!.N1, result.VideoMinusInPerson.N2));
        Assert.Equal(8.5 - 19.0 / 3, result.VideoMinusInPerson.Difference, 12);
        Assert.Equal((3, 3), (result.VideoCases, result.InPersonCases));

        // D. Of five: improved 1 and 3, deteriorated 4, recovered 1 and 3. P has two cases (too few at 3); Q: 3, 4, 5.
        Assert.Equal(new OutcomeShares(5, 2, 1, 2), result.Outcomes);
        Assert.Null(result.OutcomesByClinician[P]);
        Assert.Equal(new OutcomeShares(3, 1, 1, 1), result.OutcomesByClinician[Q]);
        Assert.Equal((2, 3), (result.ScoredByClinician[P], result.ScoredByClinician[Q]));

        // E. Six endings: three planned, three unplanned; goals met 3, no contact 2, moved on 1; dropout 2 of 6.
        Assert.Equal([("Planned", 3), ("Unplanned", 3)], result.EndingKinds.Select(s => (s.What, s.Count)));
        Assert.Equal(3, result.EndingReasons.Single(s => s.What == "GoalsMet").Count);
        Assert.Equal(1, result.EndingReasons.Single(s => s.What == "ClientMovedOn").Count);
        Assert.Equal((2, 6), (result.Dropout.Count, result.Dropout.Of));

        // F. No rupture: 9 and −7 (mean 1); repaired: 12 and 4 (mean 8); unrepaired: −2 alone, no interval.
        var groups = result.ImprovementByRuptures.ToDictionary(g => g.History);
        Assert.Equal((2, 2, 1), (groups[RuptureHistory.None].N, groups[RuptureHistory.Repaired].N, groups[RuptureHistory.Unrepaired].N));
        Assert.Equal(1, groups[RuptureHistory.None].Improvement!.Mean, 12);
        Assert.Equal(8, groups[RuptureHistory.Repaired].Improvement!.Mean, 12);
        Assert.Null(groups[RuptureHistory.Unrepaired].Improvement);

        // G. The top suggestion: 1 and 3, both improved and recovered; not the top: 2, neither.
        Assert.Equal(new OutcomeShares(2, 2, 0, 2), result.TopSuggestion);
        Assert.Equal(new OutcomeShares(1, 0, 0, 0), result.NotTopSuggestion);
    }

    [Fact]
    public void A_clinic_with_no_closed_relationships_has_no_figures_and_no_errors()
    {
        var result = ClinicAnalytics.Compute([], new AnalyticsSettings(6, 10));
        Assert.Null(result.AllianceOutcome);
        Assert.Null(result.TherapistEffect);
        Assert.Null(result.VideoMinusInPerson);
        Assert.Equal(0, result.Outcomes.N);
        Assert.True(double.IsNaN(result.Dropout.Fraction));
        Assert.Null(result.TopSuggestion);
    }
}
