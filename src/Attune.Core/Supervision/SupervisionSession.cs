namespace Attune.Core.Supervision;

public enum SupervisionFormat { InPerson, Online }

public enum SupervisionKind { Individual, Group }

/// <summary>
/// One supervision session as the supervisor logs it: when, how long, in person or online (with the meeting link),
/// individual or group, the topics (clinical free text: cipher text only here), the supervisees there and the clients
/// discussed. The supervisor signs it in logging it; each supervisee signs it in Attune. Hours count toward a
/// supervisee's total once both have signed. Once a supervisee has signed, the session is as it was signed.
/// </summary>
public sealed class SupervisionSession
{
    /// <summary>The longest session that can be logged, in minutes (a full day).</summary>
    public const int MaxMinutes = 8 * 60;
    public const int MaxMeetingLink = 500;

    private readonly List<SupervisionAttendance> _attendees = [];
    private readonly List<SupervisionSessionClient> _clientsDiscussed = [];

    private SupervisionSession() { }

    public SupervisionSession(Guid organisationId, Guid supervisorId, DateTimeOffset startsAt, int minutes, SupervisionFormat format, string? meetingLink,
        SupervisionKind kind, IReadOnlyCollection<Guid> supervisees, IReadOnlyCollection<Guid> clientsDiscussed, string? protectedTopics, Guid by, DateTimeOffset at)
    {
        if (minutes is < 1 or > MaxMinutes)
            throw new DomainRuleException($"Give the length in minutes, 1 to {MaxMinutes}.", "minutes");
        if (startsAt > at)
            throw new DomainRuleException("Log a session once it has taken place: the date is in the future.", "startsAt");
        var distinct = supervisees.Distinct().ToList();
        if (distinct.Count == 0)
            throw new DomainRuleException("Choose who was there: at least one supervisee.", "supervisees");
        if (distinct.Contains(supervisorId))
            throw new DomainRuleException("The supervisor is not one of the supervisees.", "supervisees");
        if (kind == SupervisionKind.Individual && distinct.Count > 1)
            throw new DomainRuleException("An individual session has one supervisee; with more, it is a group session.", "kind");
        if (kind == SupervisionKind.Group && distinct.Count < 2)
            throw new DomainRuleException("A group session has two or more supervisees.", "kind");
        var link = string.IsNullOrWhiteSpace(meetingLink) ? null : meetingLink.Trim();
        if (link is not null && (link.Length > MaxMeetingLink || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
            throw new DomainRuleException($"Give the meeting link as a web address (https://…), up to {MaxMeetingLink} characters.", "meetingLink");
        if (link is not null && format == SupervisionFormat.InPerson)
            throw new DomainRuleException("A meeting link is for an online session.", "meetingLink");
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        SupervisorId = supervisorId;
        StartsAt = startsAt;
        Minutes = minutes;
        Format = format;
        MeetingLink = link;
        Kind = kind;
        ProtectedTopics = protectedTopics;
        LoggedBy = by;
        LoggedAt = at;
        SupervisorSignedAt = at;
        _attendees.AddRange(distinct.Select(c => new SupervisionAttendance(Id, c)));
        _clientsDiscussed.AddRange(clientsDiscussed.Distinct().Select(c => new SupervisionSessionClient(Id, c)));
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid SupervisorId { get; private set; }
    public DateTimeOffset StartsAt { get; private set; }
    public int Minutes { get; private set; }
    public SupervisionFormat Format { get; private set; }
    public string? MeetingLink { get; private set; }
    public SupervisionKind Kind { get; private set; }
    public string? ProtectedTopics { get; private set; }
    public Guid LoggedBy { get; private set; }
    public DateTimeOffset LoggedAt { get; private set; }
    /// <summary>The supervisor's signature: they confirm the session as they log it.</summary>
    public DateTimeOffset SupervisorSignedAt { get; private set; }
    public IReadOnlyList<SupervisionAttendance> Attendees => _attendees;
    public IReadOnlyList<SupervisionSessionClient> ClientsDiscussed => _clientsDiscussed;

    /// <summary>A supervisee who was there confirms the session as logged.</summary>
    public SupervisionAttendance Sign(Guid clinicianId, DateTimeOffset at)
    {
        var attendance = _attendees.SingleOrDefault(a => a.ClinicianId == clinicianId)
            ?? throw new DomainRuleException("Only a supervisee who was there signs the session.");
        if (attendance.SignedAt is not null)
            throw new DomainRuleException("You have signed this session already.");
        attendance.SignedAt = at;
        return attendance;
    }
}

/// <summary>A supervisee at a supervision session, and when they signed it.</summary>
public sealed class SupervisionAttendance
{
    private SupervisionAttendance() { }

    internal SupervisionAttendance(Guid sessionId, Guid clinicianId)
    {
        Id = Guid.NewGuid();
        SessionId = sessionId;
        ClinicianId = clinicianId;
    }

    public Guid Id { get; private set; }
    public Guid SessionId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public DateTimeOffset? SignedAt { get; internal set; }
}

/// <summary>A client discussed at a supervision session (a link; erasing the client removes it).</summary>
public sealed class SupervisionSessionClient
{
    private SupervisionSessionClient() { }

    internal SupervisionSessionClient(Guid sessionId, Guid clientId)
    {
        Id = Guid.NewGuid();
        SessionId = sessionId;
        ClientId = clientId;
    }

    public Guid Id { get; private set; }
    public Guid SessionId { get; private set; }
    public Guid ClientId { get; private set; }
}
