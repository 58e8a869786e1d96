using Attune.Core.CheckIns;
using Attune.Core.Relationships;
using Attune.Core.Schedules;

namespace Attune.Core.Tests;

public class MeasurementScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly ScheduleTiming Timing = new();
    private static readonly Func<string, bool> Everything = _ => true;

    private static TherapeuticRelationship New() => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0);
    private static HashSet<(Guid, CheckInKind)> None() => [];

    [Fact]
    public void The_outcome_measure_is_due_within_a_day_before_a_session_and_not_earlier()
    {
        var r = New();
        var session = r.RecordSession(T0.AddDays(3), SessionModality.Video, SessionAttendance.Scheduled);
        Assert.Empty(MeasurementSchedule.Due(r, MeasurementPlan.Default, None(), Everything, T0.AddDays(1), Timing));

        var due = Assert.Single(MeasurementSchedule.Due(r, MeasurementPlan.Default, None(), Everything, T0.AddDays(2).AddHours(1), Timing));
        Assert.Equal((session.Id, CheckInKind.BeforeSession, "phq-9"), (due.SessionId, due.Kind, Assert.Single(due.Instruments)));
        // Still useful just after the session starts; not for ever.
        Assert.Equal(session.StartsAt + Timing.BeforeSessionGrace, due.ExpiresAt);
    }

    [Fact]
    public void Nothing_is_due_twice_for_the_same_session()
    {
        var r = New();
        var session = r.RecordSession(T0.AddHours(5), SessionModality.Video, SessionAttendance.Scheduled);
        var made = new HashSet<(Guid, CheckInKind)> { (session.Id, CheckInKind.BeforeSession) };
        Assert.Empty(MeasurementSchedule.Due(r, MeasurementPlan.Default, made, Everything, T0, Timing));
    }

    [Fact]
    public void The_connection_check_is_due_when_an_attended_session_ends_but_not_for_a_no_show_or_an_unconfirmed_one()
    {
        var r = New();
        var attended = r.RecordSession(T0, SessionModality.InPerson, SessionAttendance.Attended);
        r.RecordSession(T0.AddDays(-7), SessionModality.InPerson, SessionAttendance.NoShow);
        r.RecordSession(T0.AddDays(-14), SessionModality.InPerson, SessionAttendance.Scheduled);

        Assert.Empty(MeasurementSchedule.Due(r, MeasurementPlan.Default, None(), Everything, T0.AddMinutes(30), Timing));
        var now = T0.AddMinutes(50);
        var due = Assert.Single(MeasurementSchedule.Due(r, MeasurementPlan.Default, None(), Everything, now, Timing));
        Assert.Equal((attended.Id, CheckInKind.AfterSession), (due.SessionId, due.Kind));
        Assert.Equal(["connection-check"], due.Instruments);
        Assert.Equal(now + Timing.AfterSessionOpenFor, due.ExpiresAt);
    }

    [Fact]
    public void A_session_recorded_long_after_it_happened_gets_no_after_session_check_in()
    {
        var r = New();
        r.RecordSession(T0, SessionModality.InPerson, SessionAttendance.Attended);
        Assert.Empty(MeasurementSchedule.Due(r, MeasurementPlan.Default, None(), Everything, T0.AddDays(8), Timing));
    }

    [Fact]
    public void Session_three_adds_the_fit_check_once_and_every_fourth_session_the_licensed_alliance_measure()
    {
        var plan = MeasurementPlan.Default; // WAI-SR every 4th session
        Assert.Equal(["connection-check"], MeasurementSchedule.AfterSession(plan, 2, Everything));
        Assert.Equal(["connection-check", "fit-check"], MeasurementSchedule.AfterSession(plan, 3, Everything));
        Assert.Equal(["connection-check", "wai-sr"], MeasurementSchedule.AfterSession(plan, 4, Everything));
        Assert.Equal(["connection-check", "wai-sr"], MeasurementSchedule.AfterSession(plan, 8, Everything));
        // Without the clinic's licence file the licensed measure is left out, not sent empty.
        Assert.Equal(["connection-check"], MeasurementSchedule.AfterSession(plan, 4, i => i != "wai-sr"));

        var r = New();
        for (var i = 0; i < 3; i++) r.RecordSession(T0.AddDays(7 * i), SessionModality.Video, SessionAttendance.Attended);
        var due = Assert.Single(MeasurementSchedule.Due(r, plan, None(), Everything, T0.AddDays(14).AddHours(1), Timing));
        Assert.Contains("fit-check", due.Instruments);
        due = Assert.Single(MeasurementSchedule.Due(r, plan, None(), Everything, T0.AddDays(14).AddHours(1), Timing, fitCheckAlreadyAsked: true));
        Assert.DoesNotContain("fit-check", due.Instruments);
    }

    [Fact]
    public void A_relationship_overrides_the_clinic_default()
    {
        var clinic = MeasurementPlan.Default;
        var plan = clinic.With(new MeasurementOverrides("core-10", MeasurementOverrides.None, null));
        Assert.Equal("core-10", plan.OutcomeMeasure);
        Assert.Null(plan.AllianceMeasure);
        Assert.Equal(4, plan.AllianceEvery);
        Assert.Equal(["connection-check"], MeasurementSchedule.AfterSession(plan, 4, Everything));

        var srs = clinic.With(new MeasurementOverrides(null, "srs", 1));
        Assert.Equal("phq-9", srs.OutcomeMeasure);
        Assert.Equal(["connection-check", "srs"], MeasurementSchedule.AfterSession(srs, 1, Everything));

        var nothing = clinic.With(new MeasurementOverrides(MeasurementOverrides.None, null, null));
        Assert.Empty(MeasurementSchedule.BeforeSession(nothing));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    public void The_alliance_interval_must_be_sensible(int every)
    {
        Assert.Throws<DomainRuleException>(() => new MeasurementPlan("phq-9", true, true, "wai-sr", every));
        Assert.Throws<DomainRuleException>(() => new MeasurementOverrides(null, null, every));
    }

    [Fact]
    public void Closed_relationships_get_nothing()
    {
        var r = New();
        r.RecordSession(T0, SessionModality.InPerson, SessionAttendance.Attended);
        r.MoveTo(RelationshipPhase.Termination, "goals met", T0.AddMinutes(55));
        r.End(Endings.EndingKind.Planned, Endings.EndingReason.GoalsMet, "summary", null, T0.AddMinutes(56));
        Assert.Empty(MeasurementSchedule.Due(r, MeasurementPlan.Default, None(), Everything, T0.AddHours(1), Timing));
    }

    [Fact]
    public void Marking_a_scheduled_session_attended_numbers_it_in_time_order()
    {
        var r = New();
        var first = r.RecordSession(T0, SessionModality.InPerson, SessionAttendance.Scheduled);
        var second = r.RecordSession(T0.AddDays(7), SessionModality.InPerson, SessionAttendance.Attended);
        Assert.Null(first.Number);
        Assert.Equal(1, second.Number);

        r.SetAttendance(first.Id, SessionAttendance.Attended);
        Assert.Equal((1, 2), (first.Number, second.Number));
        r.SetAttendance(first.Id, SessionAttendance.NoShow);
        Assert.Equal((null, 1), (first.Number, second.Number));
        Assert.Throws<DomainRuleException>(() => r.SetAttendance(Guid.NewGuid(), SessionAttendance.Attended));
    }
}
