using System.Text.Json.Serialization;

namespace Attune.Core.CheckIns;

[JsonConverter(typeof(JsonStringEnumConverter<CheckInStatus>))]
public enum CheckInStatus { Pending, Completed, Revoked }

/// <summary>Sent by a clinician when they chose to, or made from the session calendar by the measurement plan.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckInKind>))]
public enum CheckInKind { AdHoc, BeforeSession, AfterSession }

/// <summary>
/// A set of instruments a client is asked to complete through one link. The link carries only this id,
/// signed and time-limited; single use is enforced here by the status.
/// </summary>
public sealed class CheckIn
{
    private CheckIn() { }

    public CheckIn(Guid relationshipId, Guid? sessionId, IReadOnlyList<string> instruments, DateTimeOffset createdAt, DateTimeOffset expiresAt, CheckInKind kind = CheckInKind.AdHoc)
    {
        if (kind != CheckInKind.AdHoc && sessionId is null)
            throw new DomainRuleException("A scheduled check-in belongs to a session.");
        if (instruments.Count == 0)
            throw new DomainRuleException("A check-in needs at least one instrument.");
        if (instruments.Distinct(StringComparer.OrdinalIgnoreCase).Count() != instruments.Count)
            throw new DomainRuleException("A check-in cannot ask for the same instrument twice.");
        if (expiresAt <= createdAt)
            throw new DomainRuleException("A check-in must expire after it is created.");
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        SessionId = sessionId;
        Instruments = [.. instruments];
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
        Status = CheckInStatus.Pending;
        Kind = kind;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid? SessionId { get; private set; }
    public List<string> Instruments { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public CheckInStatus Status { get; private set; }
    public CheckInKind Kind { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    /// <summary>When the link was emailed to the client, if it was.</summary>
    public DateTimeOffset? SentToClientAt { get; private set; }
    /// <summary>When the one reminder went out, if it did.</summary>
    public DateTimeOffset? ReminderSentAt { get; private set; }

    /// <summary>When the client last saved a screen of answers; the check-in is sent when they confirm the review.</summary>
    public DateTimeOffset? LastSavedAt { get; private set; }

    /// <summary>
    /// Which link opens the check-in: the link carries the version it was made for, and sending the link again makes a
    /// new one, so a link copied from an earlier message no longer opens it.
    /// </summary>
    public int LinkVersion { get; private set; }

    public void MarkSentToClient(DateTimeOffset at) => SentToClientAt ??= at;

    /// <summary>A new link for a check-in still open: the one sent before stops working, and the reminder clock restarts.</summary>
    public void ReplaceLink(DateTimeOffset at)
    {
        if (!IsOpenAt(at))
            throw new DomainRuleException("This check-in is no longer open; create a new one.");
        LinkVersion++;
        SentToClientAt = at;
        ReminderSentAt = null;
    }

    /// <summary>One screen of answers saved. Refused once the check-in is sent or has expired.</summary>
    public void RecordProgress(DateTimeOffset at)
    {
        if (Status != CheckInStatus.Pending)
            throw new DomainRuleException("This check-in has already been completed.");
        if (at >= ExpiresAt)
            throw new DomainRuleException("This check-in link has expired.");
        LastSavedAt = at;
    }

    /// <summary>One reminder, for a link that was sent, is still open, and has waited at least <paramref name="after"/>.</summary>
    public bool NeedsReminder(DateTimeOffset now, TimeSpan after) =>
        SentToClientAt is { } sent && ReminderSentAt is null && IsOpenAt(now) && now - sent >= after;

    public void MarkReminded(DateTimeOffset at)
    {
        if (ReminderSentAt is not null)
            throw new DomainRuleException("A reminder has already been sent for this check-in.");
        ReminderSentAt = at;
    }

    public bool IsOpenAt(DateTimeOffset now) => Status == CheckInStatus.Pending && now < ExpiresAt;

    public void Complete(DateTimeOffset at)
    {
        if (Status != CheckInStatus.Pending)
            throw new DomainRuleException("This check-in has already been completed.");
        if (at >= ExpiresAt)
            throw new DomainRuleException("This check-in link has expired.");
        Status = CheckInStatus.Completed;
        CompletedAt = at;
    }
}
