using Attune.Core.CheckIns;
using Attune.Core.Endings;
using Attune.Core.Relationships;

namespace Attune.Core.Tests;

public class RelationshipTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static TherapeuticRelationship New() => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0);

    [Fact]
    public void A_new_relationship_starts_in_intake_with_its_history()
    {
        var r = New();
        Assert.Equal(RelationshipPhase.Intake, r.Phase);
        Assert.Single(r.PhaseChanges);
    }

    [Theory]
    [InlineData(RelationshipPhase.Intake, RelationshipPhase.Working, true)]
    [InlineData(RelationshipPhase.Intake, RelationshipPhase.Termination, true)]
    [InlineData(RelationshipPhase.Intake, RelationshipPhase.Closed, false)]
    [InlineData(RelationshipPhase.Working, RelationshipPhase.Intake, false)]
    [InlineData(RelationshipPhase.Working, RelationshipPhase.Termination, true)]
    [InlineData(RelationshipPhase.Termination, RelationshipPhase.Working, true)]
    [InlineData(RelationshipPhase.Termination, RelationshipPhase.Closed, false)]
    [InlineData(RelationshipPhase.Working, RelationshipPhase.Closed, false)]
    [InlineData(RelationshipPhase.Closed, RelationshipPhase.Working, false)]
    public void Phase_transitions(RelationshipPhase from, RelationshipPhase to, bool allowed) =>
        Assert.Equal(allowed, TherapeuticRelationship.CanMove(from, to));

    [Fact]
    public void A_refused_move_changes_nothing_and_says_why()
    {
        var r = New();
        var e = Assert.Throws<DomainRuleException>(() => r.MoveTo(RelationshipPhase.Closed, "done", T0.AddDays(1)));
        Assert.Contains("closed by ending it", e.Message);
        e = Assert.Throws<DomainRuleException>(() => r.MoveTo(RelationshipPhase.Intake, "again", T0.AddDays(1)));
        Assert.Contains("Intake cannot move to Intake", e.Message);
        Assert.Equal(RelationshipPhase.Intake, r.Phase);
        Assert.Single(r.PhaseChanges);
    }

    [Fact]
    public void A_move_needs_a_reason_kept_apart_from_attunes_own_label()
    {
        var r = New();
        Assert.Throws<DomainRuleException>(() => r.MoveTo(RelationshipPhase.Working, "  ", T0));
        var change = r.MoveTo(RelationshipPhase.Working, "cipher-of-reason", T0.AddDays(7));
        Assert.Equal((RelationshipPhase.Intake, RelationshipPhase.Working), (change.From!.Value, change.To));
        Assert.Equal("cipher-of-reason", change.ProtectedReason);
        Assert.Equal("Phase changed by the clinician", change.Reason);
        Assert.Null(r.PhaseChanges[0].ProtectedReason);
    }

    [Fact]
    public void A_planned_ending_is_worked_towards_and_closes_with_its_reason()
    {
        var r = New();
        r.MoveTo(RelationshipPhase.Working, "goals agreed", T0.AddDays(7));
        var e = Assert.Throws<DomainRuleException>(() => r.End(EndingKind.Planned, EndingReason.GoalsMet, "summary", null, T0.AddDays(30)));
        Assert.Contains("Termination first", e.Message);
        Assert.True(r.IsOpen);
        r.MoveTo(RelationshipPhase.Termination, "goals met", T0.AddDays(30));
        // Reconsidered: back to the working phase, then towards the ending again.
        r.MoveTo(RelationshipPhase.Working, "new worry", T0.AddDays(31));
        r.MoveTo(RelationshipPhase.Termination, "goals met after all", T0.AddDays(38));
        Assert.Throws<DomainRuleException>(() => r.End(EndingKind.Planned, EndingReason.GoalsMet, " ", null, T0.AddDays(40)));
        Assert.Throws<DomainRuleException>(() => r.End(EndingKind.Planned, EndingReason.NoContact, "s", null, T0.AddDays(40)));
        Assert.Throws<DomainRuleException>(() => r.End((EndingKind)7, EndingReason.GoalsMet, "s", null, T0.AddDays(40)));
        Assert.True(r.IsOpen);
        var ending = r.End(EndingKind.Planned, EndingReason.GoalsMet, "summary", "plan", T0.AddDays(40));
        Assert.Equal((EndingKind.Planned, EndingReason.GoalsMet, "plan"), (ending.Kind, ending.Reason, ending.ProtectedCarryForward));
        Assert.Equal(T0.AddDays(40), r.ClosedAt);
        Assert.False(r.IsOpen);
        Assert.Equal("Ended (planned): goals met", r.PhaseChanges[^1].Reason);
        Assert.Throws<DomainRuleException>(() => r.End(EndingKind.Unplanned, EndingReason.NoContact, "s", null, T0.AddDays(41)));
        e = Assert.Throws<DomainRuleException>(() => r.MoveTo(RelationshipPhase.Working, "Back", T0.AddDays(50)));
        Assert.Contains("new episode", e.Message);
        Assert.Throws<DomainRuleException>(() => r.RecordSession(T0.AddDays(51), SessionModality.Video, SessionAttendance.Attended));
        // Imported history: a session from before the close may still be recorded, one after it never, and none twice.
        Assert.Throws<DomainRuleException>(() => r.RecordSession(T0.AddDays(14), SessionModality.Video, SessionAttendance.Attended));
        var earlier = r.RecordEarlierSession(T0.AddDays(14), SessionModality.Video, SessionAttendance.Attended);
        Assert.Equal(1, earlier.Number);
        Assert.Throws<DomainRuleException>(() => r.RecordEarlierSession(T0.AddDays(14), SessionModality.Phone, SessionAttendance.Attended));
        Assert.Throws<DomainRuleException>(() => r.RecordEarlierSession(T0.AddDays(41), SessionModality.Video, SessionAttendance.Attended));
        Assert.Equal(2, r.RecordEarlierSession(T0.AddDays(21), SessionModality.InPerson, SessionAttendance.Attended).Number);
    }

    [Theory]
    [InlineData(RelationshipPhase.Intake)]
    [InlineData(RelationshipPhase.Working)]
    [InlineData(RelationshipPhase.Termination)]
    public void An_unplanned_ending_can_come_in_any_open_phase(RelationshipPhase phase)
    {
        var r = New();
        if (phase != RelationshipPhase.Intake) r.MoveTo(RelationshipPhase.Termination == phase ? RelationshipPhase.Termination : RelationshipPhase.Working, "x", T0.AddDays(1));
        r.End(EndingKind.Unplanned, EndingReason.NoContact, "summary", null, T0.AddDays(90));
        Assert.Equal(RelationshipPhase.Closed, r.Phase);
    }

    [Fact]
    public void Re_engagement_opens_a_new_episode_linked_to_the_closed_one()
    {
        var r = New();
        r.SetMeasures(new Schedules.MeasurementOverrides("gad-7", null, null));
        Assert.Throws<DomainRuleException>(() => r.ReEngage("cipher", T0.AddDays(1)));
        r.End(EndingKind.Unplanned, EndingReason.ClientMovedOn, "summary", null, T0.AddDays(60));
        Assert.Equal("reason", Assert.Throws<DomainRuleException>(() => r.ReEngage(" ", T0.AddDays(200))).Field);
        var next = r.ReEngage("cipher", T0.AddDays(200));
        Assert.Equal("cipher", next.ProtectedReEngagementReason);
        Assert.NotEqual(r.Id, next.Id);
        Assert.Equal((r.Id, r.ClientId, r.ClinicianId, RelationshipPhase.Intake), (next.PreviousRelationshipId!.Value, next.ClientId, next.ClinicianId, next.Phase));
        Assert.Equal("gad-7", next.Measures.OutcomeMeasure);
        Assert.Equal(T0.AddDays(200), next.OpenedAt);
    }

    [Fact]
    public void A_referral_ends_as_referred_on_and_carries_the_hand_over_to_the_new_clinician()
    {
        var r = New();
        Assert.Throws<DomainRuleException>(() => r.ReferTo(r.ClinicianId, EndingKind.Planned, "s", "h", T0.AddDays(21)));
        Assert.Throws<DomainRuleException>(() => r.ReferTo(Guid.NewGuid(), EndingKind.Planned, "s", " ", T0.AddDays(21)));
        Assert.True(r.IsOpen);
        // A referral after the fit check may be planned even from intake.
        var colleague = Guid.NewGuid();
        var (ending, next) = r.ReferTo(colleague, EndingKind.Planned, "summary", "hand-over", T0.AddDays(21));
        Assert.Equal((EndingReason.ReferredOn, next.Id), (ending.Reason, ending.ReferredToRelationshipId!.Value));
        Assert.False(r.IsOpen);
        Assert.Equal((colleague, r.Id, "hand-over"), (next.ClinicianId, next.PreviousRelationshipId!.Value, next.ProtectedHandover));
        Assert.Throws<DomainRuleException>(() => r.End(EndingKind.Unplanned, EndingReason.ReferredOn, "s", null, T0.AddDays(22)));
    }

    [Fact]
    public void No_contact_for_the_set_time_proposes_an_unplanned_ending()
    {
        var r = New();
        r.RecordSession(T0.AddDays(7), SessionModality.InPerson, SessionAttendance.Attended);
        Assert.False(NoContact.ProposeEnding(r, null, T0.AddDays(36), 30, out var since));
        Assert.Equal(29, since);
        Assert.True(NoContact.ProposeEnding(r, null, T0.AddDays(37), 30, out since));
        Assert.Equal(30, since);
        // A check-in answered since counts as contact; so does a session in the calendar.
        Assert.False(NoContact.ProposeEnding(r, T0.AddDays(20), T0.AddDays(37), 30, out _));
        r.RecordSession(T0.AddDays(40), SessionModality.Video, SessionAttendance.Scheduled);
        Assert.False(NoContact.ProposeEnding(r, null, T0.AddDays(37), 30, out _));
        // Off when no number of days is set.
        Assert.False(NoContact.ProposeEnding(New(), null, T0.AddDays(400), 0, out _));
    }

    [Fact]
    public void The_intake_record_takes_only_the_listed_preferences()
    {
        var intake = new IntakeRecord(Guid.NewGuid(), T0);
        Assert.Throws<DomainRuleException>(() => intake.Update(null, (WorkingStyle)64, Pacing.Steady, TherapistInput.Balanced, FitImpression.Promising, null, T0));
        Assert.Throws<DomainRuleException>(() => intake.Update(null, WorkingStyle.None, (Pacing)9, TherapistInput.Balanced, FitImpression.Promising, null, T0));
        Assert.Equal(WorkingStyle.None, intake.Styles);
        intake.Update("c", WorkingStyle.VerbalDiscussion | WorkingStyle.PhysicalGrounding, Pacing.Gentle, TherapistInput.ActiveGuidance, FitImpression.Unsure, "n", T0.AddHours(1));
        Assert.True(intake.Styles.HasFlag(WorkingStyle.PhysicalGrounding));
        Assert.Null(intake.FitDiscussedAt);
        intake.FitDiscussed("we talked", T0.AddDays(14));
        Assert.Equal(T0.AddDays(14), intake.FitDiscussedAt);
    }

    [Fact]
    public void Attended_sessions_are_numbered_in_time_order_even_when_recorded_late()
    {
        var r = New();
        var s2 = r.RecordSession(T0.AddDays(7), SessionModality.InPerson, SessionAttendance.Attended);
        var noShow = r.RecordSession(T0.AddDays(14), SessionModality.InPerson, SessionAttendance.NoShow);
        var s1 = r.RecordSession(T0, SessionModality.Video, SessionAttendance.Attended);
        Assert.Equal(1, s1.Number);
        Assert.Equal(2, s2.Number);
        Assert.Null(noShow.Number);
        Assert.Equal(2, r.AttendedSessionCount);
        Assert.Throws<DomainRuleException>(() => r.RecordSession(T0, SessionModality.Video, SessionAttendance.Attended));
    }

    [Fact]
    public void A_check_in_completes_once_and_not_after_it_expires()
    {
        var c = new CheckIn(Guid.NewGuid(), null, ["phq-9"], T0, T0.AddDays(7));
        Assert.True(c.IsOpenAt(T0.AddDays(6)));
        Assert.False(c.IsOpenAt(T0.AddDays(7)));
        Assert.Throws<DomainRuleException>(() => c.Complete(T0.AddDays(7)));
        c.Complete(T0.AddDays(1));
        Assert.Equal(CheckInStatus.Completed, c.Status);
        Assert.Throws<DomainRuleException>(() => c.Complete(T0.AddDays(2)));
        Assert.Throws<DomainRuleException>(() => new CheckIn(Guid.NewGuid(), null, [], T0, T0.AddDays(1)));
        Assert.Throws<DomainRuleException>(() => new CheckIn(Guid.NewGuid(), null, ["phq-9", "PHQ-9"], T0, T0.AddDays(1)));
    }
}
