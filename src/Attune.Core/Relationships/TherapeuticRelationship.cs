using Attune.Core.Endings;
using Attune.Core.Schedules;

namespace Attune.Core.Relationships;

/// <summary>One client with one clinician, from intake to closing: the unit Attune measures.</summary>
public sealed class TherapeuticRelationship
{
    private readonly List<TherapySession> _sessions = [];
    private readonly List<PhaseChange> _phaseChanges = [];

    private TherapeuticRelationship() { }

    public TherapeuticRelationship(Guid organisationId, Guid clientId, Guid clinicianId, DateTimeOffset openedAt, Guid? previousRelationshipId = null)
    {
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClientId = clientId;
        ClinicianId = clinicianId;
        OpenedAt = openedAt;
        Phase = RelationshipPhase.Intake;
        PreviousRelationshipId = previousRelationshipId;
        _phaseChanges.Add(new PhaseChange(Id, null, RelationshipPhase.Intake, "Relationship opened", openedAt));
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClientId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public RelationshipPhase Phase { get; private set; }
    public DateTimeOffset OpenedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    /// <summary>The earlier episode this one re-engages, so history stays linked.</summary>
    public Guid? PreviousRelationshipId { get; private set; }
    public IReadOnlyList<TherapySession> Sessions => _sessions;
    /// <summary>This relationship's own measurement choices (the outcome measure is chosen at intake).</summary>
    public MeasurementOverrides Measures { get; private set; } = new();
    public IReadOnlyList<PhaseChange> PhaseChanges => _phaseChanges;
    /// <summary>The warm hand-over note from the previous clinician when this relationship began with a referral, encrypted.</summary>
    public string? ProtectedHandover { get; private set; }
    /// <summary>Why the client came back, when this relationship re-engages a closed one, encrypted.</summary>
    public string? ProtectedReEngagementReason { get; private set; }

    public bool IsOpen => Phase != RelationshipPhase.Closed;

    /// <summary>Sessions that took place, which is what "session 3" counts.</summary>
    public int AttendedSessionCount => _sessions.Count(s => s.Attendance == SessionAttendance.Attended);

    private static readonly Dictionary<RelationshipPhase, RelationshipPhase[]> Allowed = new()
    {
        [RelationshipPhase.Intake] = [RelationshipPhase.Working, RelationshipPhase.Termination],
        [RelationshipPhase.Working] = [RelationshipPhase.Termination],
        // A planned ending can be reconsidered before the relationship is closed; closing is an ending (End), never a bare move.
        [RelationshipPhase.Termination] = [RelationshipPhase.Working],
        [RelationshipPhase.Closed] = [],
    };

    public void SetMeasures(MeasurementOverrides overrides) => Measures = overrides;

    public static bool CanMove(RelationshipPhase from, RelationshipPhase to) => Allowed[from].Contains(to);

    /// <summary>
    /// An explicit move between open phases, with the clinician's reason (encrypted by the caller). A relationship is
    /// closed only by <see cref="End"/>, which records why and what changed.
    /// </summary>
    public PhaseChange MoveTo(RelationshipPhase to, string protectedReason, DateTimeOffset at)
    {
        if (!CanMove(Phase, to))
            throw Phase == RelationshipPhase.Closed
                ? new DomainRuleException("This relationship is closed; re-engagement opens a new episode linked to it.")
                : to == RelationshipPhase.Closed
                    ? new DomainRuleException("A relationship is closed by ending it, with a reason and a closing summary.", "to")
                    : new DomainRuleException($"A relationship in {Phase} cannot move to {to}.");
        // The caller checked the plain text against TextLimits.PhaseReason; here it is ciphertext, whose length says nothing.
        var why = Require.Present(protectedReason, "reason");
        return Move(to, "Phase changed by the clinician", why, at);
    }

    private PhaseChange Move(RelationshipPhase to, string label, string? protectedReason, DateTimeOffset at)
    {
        var change = new PhaseChange(Id, Phase, to, label, at, protectedReason);
        Phase = to;
        if (to == RelationshipPhase.Closed) ClosedAt = at;
        _phaseChanges.Add(change);
        return change;
    }

    /// <summary>
    /// Ends the relationship (PRODUCT.md, termination): planned endings are worked towards in the Termination phase
    /// (a referral may be planned from any phase); "no contact" is always unplanned. The summary and carry-forward
    /// plan are encrypted by the caller.
    /// </summary>
    public RelationshipEnding End(EndingKind kind, EndingReason reason, string protectedSummary, string? protectedCarryForward, DateTimeOffset at, Guid? referredTo = null)
    {
        if (!IsOpen)
            throw new DomainRuleException("This relationship is already closed.");
        if (!Enum.IsDefined(kind) || !Enum.IsDefined(reason))
            throw new DomainRuleException("Choose whether the ending was planned and why it ended.", "kind");
        if (kind == EndingKind.Planned && Phase != RelationshipPhase.Termination && reason != EndingReason.ReferredOn)
            throw new DomainRuleException("A planned ending is worked towards: move the relationship to Termination first, or record the ending as unplanned.");
        if (kind == EndingKind.Planned && reason == EndingReason.NoContact)
            throw new DomainRuleException("An ending for lack of contact is unplanned.", "kind");
        if (reason == EndingReason.ReferredOn && referredTo is null)
            throw new DomainRuleException("A referral names the relationship the client moves to.", "to");
        var ending = new RelationshipEnding(Id, kind, reason, Require.Present(protectedSummary, "summary"), protectedCarryForward, at, referredTo);
        Move(RelationshipPhase.Closed, $"Ended ({(kind == EndingKind.Planned ? "planned" : "unplanned")}): {EndingReasons.Name(reason)}", null, at);
        return ending;
    }

    private MeasurementOverrides CopyOfMeasures() => new(Measures.OutcomeMeasure, Measures.AllianceMeasure, Measures.AllianceEvery);

    /// <summary>The way back: a new episode, linked to this closed one so that its history stays visible.</summary>
    public TherapeuticRelationship ReEngage(string protectedReason, DateTimeOffset at)
    {
        if (IsOpen)
            throw new DomainRuleException("This relationship is still open; re-engagement follows a closed one.");
        var next = new TherapeuticRelationship(OrganisationId, ClientId, ClinicianId, at, Id)
        {
            ProtectedReEngagementReason = Require.Present(protectedReason, "reason"),
        };
        next.Measures = CopyOfMeasures();
        return next;
    }

    /// <summary>
    /// Therapist change: the client moves to a colleague in a new relationship that carries the warm hand-over note and
    /// links back to this one; this one ends with the reason "referred on". Nothing is deleted.
    /// </summary>
    public (RelationshipEnding Ending, TherapeuticRelationship Next) ReferTo(Guid clinicianId, EndingKind kind, string protectedSummary, string protectedHandover, DateTimeOffset at)
    {
        if (clinicianId == ClinicianId)
            throw new DomainRuleException("Refer the client to a different clinician.");
        var next = new TherapeuticRelationship(OrganisationId, ClientId, clinicianId, at, Id)
        {
            ProtectedHandover = Require.Present(protectedHandover, "handover"),
            Measures = CopyOfMeasures(),
        };
        var ending = End(kind, EndingReason.ReferredOn, protectedSummary, null, at, next.Id);
        return (ending, next);
    }

    public TherapySession RecordSession(DateTimeOffset startsAt, SessionModality modality, SessionAttendance attendance)
    {
        if (!IsOpen)
            throw new DomainRuleException("Sessions cannot be recorded on a closed relationship.");
        // Sessions before the record was opened are allowed: clinics record intake sessions after the fact.
        return AddSession(startsAt, modality, attendance);
    }

    /// <summary>
    /// A session from the clinic's earlier records: like <see cref="RecordSession"/>, and also into a closed episode,
    /// provided it took place before the episode closed.
    /// </summary>
    public TherapySession RecordEarlierSession(DateTimeOffset startsAt, SessionModality modality, SessionAttendance attendance)
    {
        if (ClosedAt is { } closed && startsAt > closed)
            throw new DomainRuleException("This session is after the relationship closed.");
        return AddSession(startsAt, modality, attendance);
    }

    private TherapySession AddSession(DateTimeOffset startsAt, SessionModality modality, SessionAttendance attendance)
    {
        if (_sessions.Any(s => s.StartsAt == startsAt))
            throw new DomainRuleException("A session at that time is already recorded.");
        var session = new TherapySession(Id, startsAt, modality, attendance, null);
        _sessions.Add(session);
        // A session recorded out of order moves the numbers of later attended sessions along.
        Renumber();
        return session;
    }

    /// <summary>Records how a scheduled (or wrongly recorded) session went; attended sessions are numbered again in time order.</summary>
    public TherapySession SetAttendance(Guid sessionId, SessionAttendance attendance)
    {
        if (!IsOpen)
            throw new DomainRuleException("Sessions cannot be changed on a closed relationship.");
        var session = _sessions.SingleOrDefault(s => s.Id == sessionId)
            ?? throw new DomainRuleException("That session is not part of this relationship.", "session");
        session.SetAttendance(attendance);
        Renumber();
        return session;
    }

    private void Renumber()
    {
        var n = 0;
        foreach (var s in _sessions.OrderBy(s => s.StartsAt))
            s.Renumber(s.Attendance == SessionAttendance.Attended ? ++n : null);
    }
}

public sealed class TherapySession
{
    private TherapySession() { }

    internal TherapySession(Guid relationshipId, DateTimeOffset startsAt, SessionModality modality, SessionAttendance attendance, int? number)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        StartsAt = startsAt;
        Modality = modality;
        Attendance = attendance;
        Number = number;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public DateTimeOffset StartsAt { get; private set; }
    public SessionModality Modality { get; private set; }
    public SessionAttendance Attendance { get; private set; }
    /// <summary>1 for the first attended session; null for a scheduled or cancelled session or a no-show.</summary>
    public int? Number { get; private set; }

    internal void Renumber(int? number) => Number = number;

    internal void SetAttendance(SessionAttendance attendance) => Attendance = attendance;
}

/// <summary>An explicit, reasoned move between phases, kept as history.</summary>
public sealed class PhaseChange
{
    private PhaseChange() { }

    internal PhaseChange(Guid relationshipId, RelationshipPhase? from, RelationshipPhase to, string reason, DateTimeOffset at, string? protectedReason = null)
    {
        ProtectedReason = protectedReason;
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        From = from;
        To = to;
        Reason = reason;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public RelationshipPhase? From { get; private set; }
    public RelationshipPhase To { get; private set; }
    /// <summary>What kind of change it was, in Attune's words ("Relationship opened", "Ended (planned): goals met").</summary>
    public string Reason { get; private set; } = "";
    /// <summary>The clinician's own reason, encrypted; null for changes Attune describes itself.</summary>
    public string? ProtectedReason { get; private set; }
    public DateTimeOffset At { get; private set; }
}
