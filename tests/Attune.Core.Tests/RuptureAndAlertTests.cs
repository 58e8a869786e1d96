using Attune.Core.Reflections;
using Attune.Core.Relationships;
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
        risk.Resolve(Staff, AlertAction.RiskAssessmentDone, null, T0);
        Assert.Equal(AlertStatus.Resolved, risk.Status);
    }
}
