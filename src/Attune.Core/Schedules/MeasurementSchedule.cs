using Attune.Core.CheckIns;
using Attune.Core.Relationships;

namespace Attune.Core.Schedules;

/// <summary>When scheduled check-ins are made, relative to the session calendar. Operational, not clinical, numbers.</summary>
public sealed record ScheduleTiming
{
    /// <summary>How long before a session the outcome measure is sent.</summary>
    public TimeSpan SendBefore { get; init; } = TimeSpan.FromHours(24);
    /// <summary>How long a session lasts: the after-session check-in is sent when it ends.</summary>
    public TimeSpan SessionLength { get; init; } = TimeSpan.FromMinutes(50);
    /// <summary>
    /// A session that ended longer ago than this gets no after-session check-in ("how was today's session?" a week
    /// later says little, and reads wrong): recording an old session later sends nothing.
    /// </summary>
    public TimeSpan AfterSessionWindow { get; init; } = TimeSpan.FromHours(48);
    /// <summary>How long an after-session link stays open.</summary>
    public TimeSpan AfterSessionOpenFor { get; init; } = TimeSpan.FromDays(7);
    /// <summary>How long after the session starts a before-session link still works (it is still useful just after).</summary>
    public TimeSpan BeforeSessionGrace { get; init; } = TimeSpan.FromHours(12);
}

/// <summary>A check-in the calendar says should exist now.</summary>
public sealed record DueCheckIn(Guid SessionId, CheckInKind Kind, IReadOnlyList<string> Instruments, DateTimeOffset ExpiresAt);

/// <summary>Works out, from a relationship's sessions and plan, which check-ins are due.</summary>
public static class MeasurementSchedule
{
    /// <summary>The outcome measure, asked before a session.</summary>
    public static IReadOnlyList<string> BeforeSession(MeasurementPlan plan) =>
        plan.OutcomeMeasure is { } o ? [o] : [];

    /// <summary>
    /// Asked after attended session <paramref name="number"/>: the Connection Check, the fit check after session 3,
    /// and the licensed alliance measure every Nth session when <paramref name="available"/> says its text is loaded.
    /// </summary>
    public static IReadOnlyList<string> AfterSession(MeasurementPlan plan, int number, Func<string, bool> available)
    {
        var list = new List<string>();
        if (plan.ConnectionCheck) list.Add("connection-check");
        if (plan.FitCheck && number == FitCheck.AfterSession) list.Add(FitCheck.InstrumentId);
        if (plan.AllianceMeasure is { } a && number % plan.AllianceEvery == 0 && available(a)) list.Add(a);
        return list.Where(available).ToList();
    }

    /// <summary>
    /// Check-ins due at <paramref name="now"/> that do not exist yet (<paramref name="existing"/> holds the session
    /// and kind of those made before). Only open relationships get any; the fit check is asked once per relationship;
    /// a session the client has already rated (<paramref name="rated"/>: a Connection Check answered for it) gets no
    /// after-session check-in.
    /// </summary>
    public static IReadOnlyList<DueCheckIn> Due(TherapeuticRelationship relationship, MeasurementPlan plan, ISet<(Guid SessionId, CheckInKind Kind)> existing,
        Func<string, bool> available, DateTimeOffset now, ScheduleTiming timing, bool fitCheckAlreadyAsked = false, ISet<Guid>? rated = null)
    {
        var due = new List<DueCheckIn>();
        if (!relationship.IsOpen) return due;
        foreach (var s in relationship.Sessions)
        {
            if (s.Attendance is SessionAttendance.Scheduled or SessionAttendance.Attended
                && now < s.StartsAt && s.StartsAt - now <= timing.SendBefore
                && !existing.Contains((s.Id, CheckInKind.BeforeSession))
                && BeforeSession(plan).Where(available).ToList() is { Count: > 0 } before)
                due.Add(new DueCheckIn(s.Id, CheckInKind.BeforeSession, before, s.StartsAt + timing.BeforeSessionGrace));

            var ends = s.StartsAt + timing.SessionLength;
            if (s is { Attendance: SessionAttendance.Attended, Number: { } number }
                && now >= ends && now - ends <= timing.AfterSessionWindow
                && !existing.Contains((s.Id, CheckInKind.AfterSession))
                && rated?.Contains(s.Id) != true
                && AfterSession(plan, number, available).Where(i => !(fitCheckAlreadyAsked && i == FitCheck.InstrumentId)).ToList() is { Count: > 0 } after)
                due.Add(new DueCheckIn(s.Id, CheckInKind.AfterSession, after, now + timing.AfterSessionOpenFor));
        }
        return due;
    }
}
