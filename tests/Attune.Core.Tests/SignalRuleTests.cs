using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Core.Signals;

using static Attune.Core.Tests.Responses;

namespace Attune.Core.Tests;

public class SignalRuleTests
{
    private static readonly SignalSettings Defaults = new();

    private static TherapeuticRelationship NewRelationship() => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0.AddDays(-1));

    private static IReadOnlyList<Signal> Run(ISignalRule rule, IReadOnlyList<InstrumentResponse> responses, SignalSettings? settings = null,
        TherapeuticRelationship? relationship = null, IReadOnlyList<CheckIn>? checkIns = null, IReadOnlyList<ClinicianRating>? ratings = null, DateTimeOffset? now = null) =>
        rule.Evaluate(new SignalInput(relationship ?? NewRelationship(), responses, checkIns ?? [], ratings ?? [], now ?? T0.AddDays(100)), settings ?? Defaults, Catalog.Find).ToList();

    [Fact]
    public void Risk_fires_on_the_critical_item_and_says_which()
    {
        var signal = Assert.Single(Run(new RiskRule(), [Phq9(12, 0, item9: 1), Phq9(10, 1)]));
        Assert.True(signal.Urgent);
        // The item, in the measure's words, and the answer given (issue 18: the level was missing, the name doubled).
        Assert.Equal("PHQ-9 item 9: thoughts of being better off dead or of self-harm, answered “Several days” (1).", signal.Explanation);
        Assert.Empty(Run(new RiskRule(), [Phq9(20, 0)]));
    }

    [Theory]
    [InlineData(new[] { 9, 9, 9, 9, 9, 9, 9 }, false)]     // mean 9, no item at 6 or lower
    [InlineData(new[] { 9, 9, 9, 9, 9, 9, 8 }, true)]      // mean 8.9, below 9
    [InlineData(new[] { 10, 6, 10, 10, 10, 10, 10 }, true)] // mean 9.4, but "Safe" at 6
    [InlineData(new[] { 10, 7, 10, 10, 10, 10, 10 }, false)]
    public void Low_alliance_uses_the_mean_and_each_item(int[] items, bool fires)
    {
        var signals = Run(new LowAllianceRule(), [CcItems(items, 0)]);
        Assert.Equal(fires, signals.Count == 1);
        if (items[1] == 6) Assert.Equal("“Safe” 6 (at or below 6).", signals[0].Explanation);
    }

    [Fact]
    public void Low_alliance_reads_only_the_latest_and_is_one_problem_while_it_lasts()
    {
        Assert.Empty(Run(new LowAllianceRule(), [Cc(5, 0), Cc(10, 1)]));
        var (good, low, lower, fine, lowAgain) = (Cc(10, 0), Cc(7, 1), Cc(6, 2), Cc(10, 3), Cc(7, 4));
        var a = Run(new LowAllianceRule(), [good, low]).Single();
        var b = Run(new LowAllianceRule(), [good, low, lower]).Single();
        Assert.Equal(a.Key, b.Key); // the same run of low checks: one problem
        Assert.Empty(Run(new LowAllianceRule(), [good, low, lower, fine]));
        Assert.NotEqual(a.Key, Run(new LowAllianceRule(), [good, low, lower, fine, lowAgain]).Single().Key); // low again after a recovery: a new one
        Assert.Equal("Connection Check mean 6.0, below 9; “Heard” 6, “Safe” 6, “Seen” 6, “Goals” 6, “Approach” 6, “Room” 6, “Overall” 6 (at or below 6).", b.Explanation);
        // The clinic's own levels apply.
        Assert.Empty(Run(new LowAllianceRule(), [Cc(7, 0)], Defaults with { LowAllianceMeanBelow = 6, LowAllianceItemAtOrBelow = 5 }));
    }

    [Fact]
    public void A_drop_is_measured_against_the_clients_own_baseline_and_the_first_session_has_none()
    {
        Assert.Empty(Run(new AllianceDropRule(), [Cc(3, 0)])); // no baseline yet
        // Usual (8 + 9) / 2 = 8.5; then 52 / 7 = 7.43, 1.07 below it.
        var drop = Assert.Single(Run(new AllianceDropRule(), [Cc(8, 0), Cc(9, 1), CcItems([8, 8, 8, 7, 7, 7, 7], 2)]));
        Assert.Equal("Connection Check mean 7.4, 1.1 below this client's usual 8.5.", drop.Explanation);
        var small = CcItems([8, 8, 8, 8, 7, 7, 7], 2); // 53 / 7 = 7.57, 0.93 below: not a drop
        Assert.Empty(Run(new AllianceDropRule(), [Cc(8, 0), Cc(9, 1), small]));
        Assert.Single(Run(new AllianceDropRule(), [Cc(8, 0), Cc(9, 1), small], Defaults with { AllianceDropAtLeast = 0.5m }));
    }

    [Fact]
    public void The_client_reports_a_rupture_with_a_yes_or_a_little_twice_running()
    {
        Assert.Single(Run(new ClientReportedRuptureRule(), [Cc(9, 0, moment: 2)]));
        Assert.Empty(Run(new ClientReportedRuptureRule(), [Cc(9, 0, moment: 1)]));
        Assert.Empty(Run(new ClientReportedRuptureRule(), [Cc(9, 0, moment: 1), Cc(9, 1, moment: 0), Cc(9, 2, moment: 1)]));
        Assert.Contains("two sessions running", Run(new ClientReportedRuptureRule(), [Cc(9, 0, moment: 1), Cc(9, 1, moment: 1)]).Single().Explanation);
    }

    [Fact]
    public void A_drop_then_a_return_to_the_baseline_is_a_repaired_rupture_within_the_clinics_window()
    {
        // Usual 9, a fall to 6 in week 2, back to 9 in week 4: a V.
        var v = new[] { Cc(9, 0), Cc(9, 1), Cc(6, 2), Cc(8, 3), Cc(9, 4) };
        var repaired = Assert.Single(Run(new RuptureRepairedRule(), v));
        Assert.Equal(v[4].Id, repaired.ResponseId);
        Assert.Contains("after falling to 6.0", repaired.Explanation);
        Assert.Empty(Run(new RuptureRepairedRule(), v, Defaults with { RepairWindowSessions = 1 })); // not back by the next check
        Assert.Empty(Run(new RuptureRepairedRule(), v[..4])); // not yet back
    }

    [Fact]
    public void Not_on_track_is_a_reliable_deterioration_and_a_rise_that_falls_back_is_not()
    {
        var worse = Assert.Single(Run(new NotOnTrackRule(), [Phq9(9, 0), Phq9(12, 1), Phq9(16, 2)]));
        Assert.Equal("PHQ-9 rose from 9 to 16: a reliable deterioration (a change of 6 or more).", worse.Explanation);
        // Scores that rise then fall back: judged on where they are now.
        Assert.Empty(Run(new NotOnTrackRule(), [Phq9(9, 0), Phq9(17, 1), Phq9(11, 2)]));
        Assert.Empty(Run(new NotOnTrackRule(), [Phq9(20, 0)])); // one score: nothing to compare
    }

    [Fact]
    public void The_fit_check_signals_not_sure_no_and_a_referral_request()
    {
        InstrumentResponse Fit(int fit, int referral) => Score("fit-check", new() { ["heard"] = 8, ["safe"] = 8, ["seen"] = 8, ["fit"] = fit, ["referral"] = referral }, 2);
        Assert.Empty(Run(new FitCheckRule(), [Fit(0, 0)]));
        Assert.Contains("“Not sure yet”", Run(new FitCheckRule(), [Fit(1, 0)]).Single().Explanation);
        Assert.Contains("asked for help finding a different therapist", Run(new FitCheckRule(), [Fit(2, 1)]).Single().Explanation);
    }

    [Fact]
    public void A_clinician_rating_three_or_more_above_the_client_is_a_perception_gap()
    {
        var session = Guid.NewGuid();
        var client = Cc(6, 0, sessionId: session);
        Assert.Single(Run(new PerceptionGapRule(), [client], ratings: [new ClinicianRating(session, 9, T0)]));
        Assert.Empty(Run(new PerceptionGapRule(), [client], ratings: [new ClinicianRating(session, 8.9m, T0)]));
        Assert.Empty(Run(new PerceptionGapRule(), [client], ratings: [new ClinicianRating(Guid.NewGuid(), 10, T0)])); // another session
    }

    [Fact]
    public void Engagement_sees_no_shows_since_the_last_visit_missed_check_ins_and_a_long_gap_when_the_clinic_sets_one()
    {
        var r = NewRelationship();
        var old = r.RecordSession(T0, SessionModality.InPerson, SessionAttendance.NoShow);
        r.RecordSession(T0.AddDays(7), SessionModality.InPerson, SessionAttendance.Attended);
        var recent = r.RecordSession(T0.AddDays(14), SessionModality.InPerson, SessionAttendance.NoShow);
        var missed = new CheckIn(r.Id, null, ["connection-check"], T0.AddDays(7), T0.AddDays(14));
        var answered = new CheckIn(r.Id, null, ["connection-check"], T0.AddDays(7), T0.AddDays(14));
        answered.Complete(T0.AddDays(8));
        var signals = Run(new EngagementRule(), [], relationship: r, checkIns: [missed, answered], now: T0.AddDays(40));
        Assert.Equal([$"no-show:{recent.Id}", $"missed-checkin:{missed.Id}"], signals.Select(s => s.Key));
        Assert.DoesNotContain(signals, s => s.Key == $"no-show:{old.Id}");

        var gap = Run(new EngagementRule(), [], Defaults with { LongGapDays = 30 }, r, now: T0.AddDays(40));
        Assert.Contains(gap, s => s.Explanation == "No session for 33 days and none scheduled.");
    }

    [Fact]
    public void The_engine_runs_every_rule_and_keeps_one_signal_per_problem()
    {
        Assert.Equal(Enum.GetValues<SignalKind>().Length, SignalEngine.Rules.Select(r => r.Kind).Distinct().Count());
        var signals = SignalEngine.Evaluate(new SignalInput(NewRelationship(), [Cc(9, 0), Cc(9, 1), Cc(6, 2, moment: 2), Phq9(12, 2, item9: 1)], [], [], T0.AddDays(30)), Defaults, Catalog.Find);
        Assert.Equal([SignalKind.Risk, SignalKind.LowAlliance, SignalKind.AllianceDrop, SignalKind.ClientReportedRupture], signals.Select(s => s.Kind));
    }
}
