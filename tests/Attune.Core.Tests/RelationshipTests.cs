using Attune.Core.CheckIns;
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
    [InlineData(RelationshipPhase.Termination, RelationshipPhase.Closed, true)]
    [InlineData(RelationshipPhase.Closed, RelationshipPhase.Working, false)]
    public void Phase_transitions(RelationshipPhase from, RelationshipPhase to, bool allowed) =>
        Assert.Equal(allowed, TherapeuticRelationship.CanMove(from, to));

    [Fact]
    public void A_refused_move_changes_nothing_and_says_why()
    {
        var r = New();
        var e = Assert.Throws<DomainRuleException>(() => r.MoveTo(RelationshipPhase.Closed, "done", T0.AddDays(1)));
        Assert.Contains("Intake cannot move to Closed", e.Message);
        Assert.Equal(RelationshipPhase.Intake, r.Phase);
        Assert.Single(r.PhaseChanges);
    }

    [Fact]
    public void A_move_needs_a_reason_and_closing_records_when()
    {
        var r = New();
        Assert.Throws<DomainRuleException>(() => r.MoveTo(RelationshipPhase.Working, "  ", T0));
        r.MoveTo(RelationshipPhase.Termination, "Goals met", T0.AddDays(30));
        r.MoveTo(RelationshipPhase.Closed, "Final session held", T0.AddDays(40));
        Assert.Equal(T0.AddDays(40), r.ClosedAt);
        Assert.False(r.IsOpen);
        var e = Assert.Throws<DomainRuleException>(() => r.MoveTo(RelationshipPhase.Working, "Back", T0.AddDays(50)));
        Assert.Contains("new episode", e.Message);
        Assert.Throws<DomainRuleException>(() => r.RecordSession(T0.AddDays(51), SessionModality.Video, SessionAttendance.Attended));
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
