using Attune.Core.Instruments;
using Attune.Core.Matching;

namespace Attune.Core.Tests;

/// <summary>
/// The track-record method on a history made by hand. Every clinician saw clients at intake PHQ-9 10, 14 and 18, the
/// same number at each, and each case's change is −2 + 0.5 × intake plus a residual chosen per clinician. The residuals
/// sum to 0 and are balanced across the three intakes (Σ r = 0 and Σ r·x = 0), so the least-squares line is exactly
/// change = −2 + 0.5 × intake and each case's residual is the one chosen. With n = 15, t(.975, 14) = 2.144787:
///   A  {1,2,2,2,3} at each intake: mean 2, SS 6, sd √(6/14) = .654654, half-width 2.144787 × .654654/√15 = .362535 → [1.6375, 2.3625] effective
///   B  the mirror of A: [−2.3625, −1.6375] ineffective
///   D  {−2,−1,0,1,2} at each intake: mean 0, SS 30, sd √(30/14) = 1.463850, half-width .810653 → [−.8107, .8107] neutral
///   E  D's residuals + .82: [.0093, 1.6307] effective, just (the lower end .82 − .810653 = .009347 > 0)
///   F  D's residuals − .82: [−1.6307, −.0093] ineffective, just
///   C  14 cases {1,−1,1,−1,0}, {1,−1,1,−1}, {1,−1,1,−1,0}: not enough cases at 15; at a minimum of 14, mean 0, SS 12,
///      sd √(12/13) = .960769, t(.975, 13) = 2.160369, half-width 2.160369 × .960769/√14 = .554731 → neutral
/// At a 99% interval, t(.995, 14) = 2.976843 and E's half-width is 2.976843 × .377964 = 1.125141: E becomes neutral.
/// </summary>
public class TrackRecordTests
{
    private static readonly Guid A = Id(1), B = Id(2), C = Id(3), D = Id(4), E = Id(5), F = Id(6);
    private static readonly ProblemDomain Depression = new("depression", "Depression", "phq-9", ScoreDirection.HigherIsWorse);
    private static readonly int[] Intakes = [10, 14, 18];

    private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    /// <summary>Cases whose change is −2 + 0.5 × intake + residual; PHQ-9 improves downwards, so last = intake − change.</summary>
    private static IEnumerable<DomainCase> Cases(Guid clinician, Func<int, IEnumerable<decimal>> residualsAt, ScoreDirection direction = ScoreDirection.HigherIsWorse) =>
        Intakes.SelectMany(x => residualsAt(x).Select(r =>
        {
            var change = -2m + 0.5m * x + r;
            return new DomainCase(clinician, "depression", x, direction == ScoreDirection.HigherIsWorse ? x - change : x + change);
        }));

    private static readonly decimal[] Spread = [-2, -1, 0, 1, 2];

    private static List<DomainCase> History(ScoreDirection direction = ScoreDirection.HigherIsWorse) =>
    [
        .. Cases(A, _ => [1, 2, 2, 2, 3], direction),
        .. Cases(B, _ => [-1, -2, -2, -2, -3], direction),
        .. Cases(C, x => x == 14 ? [1, -1, 1, -1] : [1, -1, 1, -1, 0], direction),
        .. Cases(D, _ => Spread, direction),
        .. Cases(E, _ => Spread.Select(r => r + 0.82m), direction),
        .. Cases(F, _ => Spread.Select(r => r - 0.82m), direction),
    ];

    private static ClinicianTrackRecord Of(IReadOnlyList<ClinicianTrackRecord> records, Guid clinician) => records.Single(r => r.ClinicianId == clinician);

    [Fact]
    public void The_clinic_wide_line_is_the_one_the_history_was_made_from()
    {
        var (models, _) = TrackRecordMethod.Compute([Depression], History());
        var model = Assert.Single(models);
        Assert.Equal(89, model.Cases);
        Assert.Equal(-2, model.Intercept, 9);
        Assert.Equal(0.5, model.Slope, 9);
    }

    [Fact]
    public void Clinicians_are_effective_neutral_or_ineffective_by_the_interval_of_their_mean_residual()
    {
        var (_, records) = TrackRecordMethod.Compute([Depression], History());
        Assert.Equal(6, records.Count);

        var a = Of(records, A);
        Assert.Equal((15, TrackRecordClass.Effective), (a.Cases, a.Class));
        Assert.Equal(2, a.MeanResidual!.Value, 9);
        Assert.Equal(1.637465, a.Lower!.Value, tolerance: 1e-5);
        Assert.Equal(2.362535, a.Upper!.Value, tolerance: 1e-5);

        var b = Of(records, B);
        Assert.Equal(TrackRecordClass.Ineffective, b.Class);
        Assert.Equal(-2.362535, b.Lower!.Value, tolerance: 1e-5);
        Assert.Equal(-1.637465, b.Upper!.Value, tolerance: 1e-5);

        var d = Of(records, D);
        Assert.Equal(TrackRecordClass.Neutral, d.Class);
        Assert.Equal(-0.810653, d.Lower!.Value, tolerance: 1e-5);
        Assert.Equal(0.810653, d.Upper!.Value, tolerance: 1e-5);

        // At the boundary: the lower end of E's interval is just above 0, the upper end of F's just below.
        var e = Of(records, E);
        Assert.Equal(TrackRecordClass.Effective, e.Class);
        Assert.Equal(0.009347, e.Lower!.Value, tolerance: 1e-5);
        var f = Of(records, F);
        Assert.Equal(TrackRecordClass.Ineffective, f.Class);
        Assert.Equal(-0.009347, f.Upper!.Value, tolerance: 1e-5);
    }

    [Fact]
    public void Fourteen_cases_are_not_enough_at_the_default_minimum_of_fifteen()
    {
        var (_, records) = TrackRecordMethod.Compute([Depression], History());
        var c = Of(records, C);
        Assert.Equal((14, TrackRecordClass.NotEnoughCases), (c.Cases, c.Class));
        Assert.Null(c.Lower);
        Assert.Null(c.Upper);

        var (_, at14) = TrackRecordMethod.Compute([Depression], History(), new TrackRecordSettings(MinimumCases: 14));
        var c14 = Of(at14, C);
        Assert.Equal(TrackRecordClass.Neutral, c14.Class);
        Assert.Equal(-0.554731, c14.Lower!.Value, tolerance: 1e-5);
        Assert.Equal(0.554731, c14.Upper!.Value, tolerance: 1e-5);
    }

    [Fact]
    public void A_wider_interval_makes_a_just_effective_clinician_neutral()
    {
        var (_, records) = TrackRecordMethod.Compute([Depression], History(), new TrackRecordSettings(IntervalLevel: 0.99));
        var e = Of(records, E);
        Assert.Equal(TrackRecordClass.Neutral, e.Class);
        Assert.Equal(0.82 - 1.125141, e.Lower!.Value, tolerance: 1e-5);
        Assert.Equal(TrackRecordClass.Effective, Of(records, A).Class); // 2 − 2.976843 × .169031 = 1.4968 > 0
    }

    [Fact]
    public void Change_follows_the_measures_direction()
    {
        // The same improvements on a measure where higher is better (last = intake + change): the same classes.
        var wellbeing = Depression with { Direction = ScoreDirection.HigherIsBetter };
        var (models, records) = TrackRecordMethod.Compute([wellbeing], History(ScoreDirection.HigherIsBetter));
        Assert.Equal(0.5, Assert.Single(models).Slope, 9);
        Assert.Equal(TrackRecordClass.Effective, Of(records, A).Class);
        Assert.Equal(TrackRecordClass.Ineffective, Of(records, B).Class);

        // Read the wrong way round, the best clinician would look the worst.
        var (_, misread) = TrackRecordMethod.Compute([Depression], History(ScoreDirection.HigherIsBetter));
        Assert.Equal(TrackRecordClass.Ineffective, Of(misread, A).Class);
    }

    [Fact]
    public void With_every_intake_the_same_the_expected_change_is_the_mean_change()
    {
        var same = Enumerable.Range(0, 15).Select(i => new DomainCase(A, "depression", 15, 15 - (i % 3 + 4))) // changes 4, 5, 6
            .Concat(Enumerable.Range(0, 15).Select(i => new DomainCase(B, "depression", 15, 15 - (i % 3 + 2)))) // changes 2, 3, 4
            .ToList();
        var (models, records) = TrackRecordMethod.Compute([Depression], same);
        Assert.Equal((4.0, 0.0), (Assert.Single(models).Intercept, models[0].Slope));
        Assert.Equal(1, Of(records, A).MeanResidual!.Value, 9);
        Assert.Equal(TrackRecordClass.Effective, Of(records, A).Class);
        Assert.Equal(TrackRecordClass.Ineffective, Of(records, B).Class);
    }

    [Fact]
    public void Domains_are_kept_apart_and_settings_out_of_range_are_refused()
    {
        var anxiety = new ProblemDomain("anxiety", "Anxiety", "gad-7", ScoreDirection.HigherIsWorse);
        var (models, records) = TrackRecordMethod.Compute([Depression, anxiety], History());
        Assert.Single(models); // no anxiety cases: no anxiety model, no anxiety records
        Assert.All(records, r => Assert.Equal("depression", r.DomainId));

        Assert.Equal("minimumCases", Assert.Throws<DomainRuleException>(() => TrackRecordMethod.Compute([Depression], History(), new(MinimumCases: 1))).Field);
        Assert.Equal("intervalLevel", Assert.Throws<DomainRuleException>(() => TrackRecordMethod.Compute([Depression], History(), new(IntervalLevel: 1))).Field);
    }
}
