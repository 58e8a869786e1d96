using Attune.Core.Reflections;
using Attune.Core.Relationships;
using Attune.Core.Risk;
using Attune.Core.Ruptures;
using Attune.Core.Signals;
using static Attune.Core.Tests.Responses;

namespace Attune.Core.Tests;

public class RuptureAndAlertTests
{
    private static readonly Guid Staff = Guid.NewGuid();

    private static RuptureRecord Rupture(DateTimeOffset at, RuptureMarker marker = RuptureMarker.Avoiding) =>
        new(Guid.NewGuid(), null, at, marker, NoticedBy.Clinician, [RepairStrategy.InviteDiscussion], RuptureResolution.Ongoing, null, null, Staff, at);

    [Fact]
    public void A_rupture_is_linked_to_the_V_shaped_recovery_of_the_alliance()
    {
        // Usual 9; the rupture in week 2's session; 7 that week (a drop of 2), 8.5 next, 9 the week after.
        var cc = new[] { Cc(9, 0), Cc(9, 1), Cc(7, 2), CcItems([9, 8, 8, 9, 8, 9, 9], 3), Cc(9, 4) };
        var found = RuptureRecovery.Find(T0.AddDays(14).AddHours(-1), cc, dropAtLeast: 1, windowSessions: null)!;
        Assert.Same(cc[2], found.Low);
        Assert.Same(cc[4], found.Recovered);
        Assert.Equal(9m, found.Baseline);
        Assert.Equal("Connection Check 7.0 on 15 Sep, back to 9.0 on 29 Sep (usual 9.0).", found.Description);

        var rupture = Rupture(T0.AddDays(14).AddHours(-1));
        Assert.True(rupture.LinkRecovery(found));
        Assert.Equal(cc[4].Id, rupture.RecoveryResponseId);
        Assert.False(rupture.LinkRecovery(found)); // the first link stays
    }

    [Fact]
    public void No_recovery_is_linked_without_a_baseline_a_drop_or_a_return_within_the_window()
    {
        var week2 = T0.AddDays(14).AddHours(-1);
        Assert.Null(RuptureRecovery.Find(T0.AddHours(-1), [Cc(7, 0), Cc(9, 1)], 1, null)); // first session: no baseline
        Assert.Null(RuptureRecovery.Find(week2, [Cc(9, 0), Cc(9, 1), Cc(9, 2), Cc(9, 3)], 1, null)); // no drop after the rupture
        Assert.Null(RuptureRecovery.Find(week2, [Cc(9, 0), Cc(9, 1), Cc(7, 2), Cc(8, 3)], 1, null)); // not back yet
        Assert.Null(RuptureRecovery.Find(week2, [Cc(9, 0), Cc(9, 1), Cc(7, 2), Cc(8, 3), Cc(9, 4)], 1, windowSessions: 1)); // back, but after the window
        Assert.NotNull(RuptureRecovery.Find(week2, [Cc(9, 0), Cc(9, 1), Cc(7, 2), Cc(8, 3), Cc(9, 4)], 1, windowSessions: 2));
        Assert.Null(RuptureRecovery.Find(week2, [Cc(9, 0), Cc(9, 1), Cc(7, 2), Cc(9, 3)], dropAtLeast: 2.5m, null)); // the clinic's 2-SD-style threshold
    }

    [Fact]
    public void A_rupture_record_checks_its_choices_and_keeps_the_marker_category()
    {
        Assert.Equal(Tension.Withdrawal, Rupture(T0, RuptureMarker.Masking).Category);
        Assert.Equal(Tension.Confrontation, Rupture(T0, RuptureMarker.ComplaintAboutProgress).Category);
        Assert.Throws<DomainRuleException>(() => Rupture(T0, (RuptureMarker)99));
        var r = Rupture(T0);
        Assert.Throws<DomainRuleException>(() => r.Update(RuptureMarker.Avoiding, [(RepairStrategy)42], RuptureResolution.Resolved, null, T0));
        Assert.Equal(RuptureResolution.Ongoing, r.Resolution); // nothing changed
        r.Update(RuptureMarker.Avoiding, [RepairStrategy.ClarifyMisunderstanding, RepairStrategy.ClarifyMisunderstanding, RepairStrategy.ChangeTaskOrGoal], RuptureResolution.Resolved, null, T0.AddDays(7));
        Assert.Equal([RepairStrategy.ClarifyMisunderstanding, RepairStrategy.ChangeTaskOrGoal], r.Strategies);
        Assert.Equal(T0.AddDays(7), r.ResolvedAt);
    }

    [Fact]
    public void Reflection_takes_0_to_10_and_a_tension_category_and_feeds_the_signals()
    {
        Assert.Throws<DomainRuleException>(() => new SessionReflection(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 11, Tension.None, null, T0));
        Assert.Throws<DomainRuleException>(() => new SessionReflection(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 5, (Tension)7, null, T0));

        var session = Guid.NewGuid();
        var relationship = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0);
        var client = Cc(6, 0, sessionId: session);
        IReadOnlyList<Signal> Run(ClinicianRating rating) => SignalEngine.Evaluate(
            new SignalInput(relationship, [client], [], [rating], T0.AddDays(1)), new SignalSettings(), Catalog.Find);
        // "I felt connected": 9, the client's 6.0: a perception gap.
        Assert.Contains(Run(new ClinicianRating(session, 9, T0)), s => s.Kind == SignalKind.PerceptionGap);
        // Withdrawal noticed: a possible rupture (alliance drop, clinician-observed).
        var tension = Run(new ClinicianRating(session, 6, T0, Tension.Withdrawal)).Single(s => s.Kind == SignalKind.AllianceDrop);
        Assert.Equal($"tension:{session}", tension.Key);
        Assert.Contains("withdrawal", tension.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(Run(new ClinicianRating(session, 6, T0)), s => s.Kind is SignalKind.PerceptionGap or SignalKind.AllianceDrop);
    }

    private static ClinicalAlert Alert(SignalKind kind, bool urgent = false) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), new Signal(kind, urgent, "why", $"{kind}:1", T0), T0);

    [Fact]
    public void An_alert_goes_open_acknowledged_resolved_with_the_action_taken()
    {
        var a = Alert(SignalKind.LowAlliance);
        Assert.True(a.IsActiveAt(T0));
        a.Acknowledge(Staff, T0.AddHours(1));
        Assert.Throws<DomainRuleException>(() => a.Acknowledge(Staff, T0.AddHours(2)));
        Assert.Throws<DomainRuleException>(() => a.Resolve(Staff, AlertAction.Other, null, T0.AddHours(2))); // "Other" needs words
        a.Resolve(Staff, AlertAction.TalkedAboutRelationship, null, T0.AddDays(1));
        Assert.Equal((AlertStatus.Resolved, AlertAction.TalkedAboutRelationship), (a.Status, a.Action));
        Assert.False(a.IsActiveAt(T0.AddDays(2)));
        Assert.Throws<DomainRuleException>(() => a.Resolve(Staff, AlertAction.Referred, null, T0.AddDays(2)));
        Assert.Throws<DomainRuleException>(() => a.Snooze(T0.AddDays(5), T0.AddDays(2)));

        // Resolving straight from open acknowledges it too.
        var b = Alert(SignalKind.Engagement);
        b.Resolve(Staff, AlertAction.ContactedClient, "cipher", T0);
        Assert.Equal(T0, b.AcknowledgedAt);
    }

    [Fact]
    public void A_snoozed_alert_comes_back_and_a_risk_alert_cannot_be_snoozed_or_waved_off()
    {
        var a = Alert(SignalKind.NotOnTrack);
        Assert.Throws<DomainRuleException>(() => a.Snooze(T0, T0));
        Assert.Throws<DomainRuleException>(() => a.Snooze(T0.AddDays(29), T0));
        a.Snooze(T0.AddDays(7), T0);
        Assert.False(a.IsActiveAt(T0.AddDays(6)));
        Assert.True(a.IsActiveAt(T0.AddDays(7)));

        var risk = Alert(SignalKind.Risk, urgent: true);
        Assert.Throws<DomainRuleException>(() => risk.Snooze(T0.AddDays(1), T0));
        Assert.Throws<DomainRuleException>(() => risk.Resolve(Staff, AlertAction.NoActionNeeded, null, T0));
        // Not with a plain action either, even one that sounds right: a risk alert takes a risk review.
        Assert.Equal(ClinicalAlert.RiskReviewNeeded, Assert.Throws<DomainRuleException>(() => risk.Resolve(Staff, AlertAction.RiskAssessmentDone, "cipher", T0)).Message);
        Assert.Equal(AlertStatus.Open, risk.Status);
        risk.Resolve(Review(risk, T0.AddHours(1)));
        Assert.Equal((AlertStatus.Resolved, AlertAction.RiskReview, "cipher-note"), (risk.Status, risk.Action, risk.ProtectedActionNote));
        // A review resolves only a risk alert, and only its own.
        Assert.Throws<DomainRuleException>(() => a.Resolve(Review(a, T0.AddHours(1))));
        var other = Alert(SignalKind.Risk, urgent: true);
        Assert.Throws<DomainRuleException>(() => other.Resolve(Review(risk, T0.AddHours(1))));
        Assert.Throws<DomainRuleException>(() => a.Resolve(Staff, AlertAction.RiskReview, null, T0));
    }

    [Fact]
    public void An_alert_not_yet_resolved_is_refreshed_by_newer_evidence_of_its_kind_and_keeps_the_earlier()
    {
        var a = Alert(SignalKind.AllianceDrop);
        var newer = new Signal(SignalKind.AllianceDrop, false, "mean 5.0", "AllianceDrop:2", T0.AddDays(7));
        var earlier = a.Refresh(newer, T0.AddDays(7));
        Assert.Equal(("AllianceDrop:1", "why", T0), (earlier.Key, earlier.Explanation, earlier.At));
        Assert.Equal(("AllianceDrop:2", "mean 5.0", T0.AddDays(7)), (a.Key, a.Explanation, a.RefreshedAt!.Value));
        Assert.Throws<DomainRuleException>(() => a.Refresh(new Signal(SignalKind.LowAlliance, false, "x", "low:3", T0), T0));
        Assert.Throws<DomainRuleException>(() => Alert(SignalKind.Risk, urgent: true).Refresh(new Signal(SignalKind.Risk, true, "x", "risk:9", T0), T0));
        a.Resolve(Staff, AlertAction.TalkedAboutRelationship, null, T0.AddDays(8));
        Assert.Throws<DomainRuleException>(() => a.Refresh(new Signal(SignalKind.AllianceDrop, false, "x", "AllianceDrop:3", T0), T0.AddDays(9)));
    }

    private static RiskReview Review(ClinicalAlert alert, DateTimeOffset reviewedAt, bool contact = true, bool assessed = true, JudgedRiskLevel? level = JudgedRiskLevel.Moderate,
        bool plan = false, int? planVersion = null, DateTimeOffset? at = null) =>
        new(Guid.NewGuid(), alert.RelationshipId, alert.Id, alert.CreatedAt, contact, assessed, level, plan, false, false, "cipher-note", planVersion, reviewedAt, Staff, at ?? T0.AddHours(2));

    [Fact]
    public void A_risk_review_says_what_was_done_the_level_judged_when_assessed_and_when_it_took_place()
    {
        var risk = Alert(SignalKind.Risk, urgent: true);
        DomainRuleException Refused(Func<RiskReview> make) => Assert.Throws<DomainRuleException>(() => make());
        Assert.Equal("steps", Refused(() => Review(risk, T0.AddHours(1), contact: false, assessed: false, level: null)).Field);
        Assert.Equal("level", Refused(() => Review(risk, T0.AddHours(1), level: null)).Field);
        Assert.Equal("level", Refused(() => Review(risk, T0.AddHours(1), assessed: false)).Field);
        Assert.Equal("level", Refused(() => Review(risk, T0.AddHours(1), level: (JudgedRiskLevel)7)).Field);
        Assert.Equal("reviewedAt", Refused(() => Review(risk, T0.AddHours(3))).Field); // recorded at T0+2h: in the future
        Assert.Equal("reviewedAt", Refused(() => Review(risk, T0.AddHours(-1))).Field); // before the answer came
        Assert.Equal("note", Refused(() => new RiskReview(Guid.NewGuid(), risk.RelationshipId, risk.Id, T0, true, false, null, false, false, false, " ", null, T0, Staff, T0)).Field);

        var review = Review(risk, T0.AddMinutes(30), plan: true, planVersion: 2);
        Assert.Equal(["contact made", "risk assessed: moderate", "safety plan made or reviewed (version 2)"], review.Steps());
        Assert.Equal(T0.AddMinutes(30), review.ReviewedAt);
        // The plan's version is kept only when a plan was made or reviewed.
        Assert.Null(Review(risk, T0.AddMinutes(30), planVersion: 2).SafetyPlanVersion);
    }

    [Fact]
    public void A_safety_plan_keeps_every_version_and_needs_warning_signs_and_someone_to_ask()
    {
        var plan = new SafetyPlan(Guid.NewGuid(), Guid.NewGuid(), T0);
        var episode = Guid.NewGuid();
        Dictionary<SafetyPlanPart, string?> Parts(params (SafetyPlanPart, string)[] parts) => parts.ToDictionary(p => p.Item1, p => (string?)p.Item2);
        Assert.Equal(nameof(SafetyPlanPart.WarningSigns),
            Assert.Throws<DomainRuleException>(() => plan.Revise(Parts((SafetyPlanPart.PeopleToAskForHelp, "c1")), true, episode, Staff, T0)).Field);
        Assert.Equal(nameof(SafetyPlanPart.PeopleToAskForHelp),
            Assert.Throws<DomainRuleException>(() => plan.Revise(Parts((SafetyPlanPart.WarningSigns, "c1"), (SafetyPlanPart.InternalCoping, "c2")), true, episode, Staff, T0)).Field);
        Assert.Empty(plan.Versions);

        plan.Revise(Parts((SafetyPlanPart.WarningSigns, "w1"), (SafetyPlanPart.ProfessionalsAndCrisisLines, "p1")), true, episode, Staff, T0);
        var second = plan.Revise(Parts((SafetyPlanPart.WarningSigns, "w2"), (SafetyPlanPart.PeopleToAskForHelp, "a2"), (SafetyPlanPart.MakingTheEnvironmentSafer, "e2")), false, episode, Staff, T0.AddDays(7));
        Assert.Equal([1, 2], plan.Versions.Select(v => v.Number));
        Assert.Same(second, plan.Current);
        Assert.Equal(("w1", "p1", null), (plan.Versions[0].Protected(SafetyPlanPart.WarningSigns), plan.Versions[0].Protected(SafetyPlanPart.ProfessionalsAndCrisisLines), plan.Versions[0].Protected(SafetyPlanPart.MakingTheEnvironmentSafer)));
        Assert.Equal(("w2", "e2", false), (second.Protected(SafetyPlanPart.WarningSigns), second.Protected(SafetyPlanPart.MakingTheEnvironmentSafer), second.WrittenWithClient));
        Assert.Equal(6, SafetyPlanParts.InOrder.Length);
    }
}
