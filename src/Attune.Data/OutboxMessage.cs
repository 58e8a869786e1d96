namespace Attune.Data;

/// <summary>
/// A message (an email or a text, to staff or to a client), written in the same transaction as what caused it and sent
/// afterwards, so nothing is lost if sending fails. Messages carry no clinical content. A body may hold a live link
/// (a check-in, a set-password link): it is kept only until the message is sent, and no page ever shows it.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    /// <summary>"email" for now.</summary>
    public string Channel { get; set; } = "email";
    /// <summary>What the message is, for the outbox page: one of <see cref="OutboxKinds"/>.</summary>
    public string Kind { get; set; } = OutboxKinds.Notice;
    /// <summary>The client the message is to or about, so erasure can delete it; null for messages about no one client.</summary>
    public Guid? ClientId { get; set; }
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
    /// <summary>The kind of the last failure (an exception type name), never message text.</summary>
    public string? LastError { get; set; }
    /// <summary>
    /// The instance sending the message, and until when: several instances on one database claim a message with a
    /// conditional update before sending it, so each is sent once. A claim that outlives its lease is taken over.
    /// </summary>
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>Sent: the body, which may hold a live link, is dropped.</summary>
    public void MarkSent(DateTimeOffset at)
    {
        SentAt = at;
        Body = "";
        ClaimedBy = null;
        ClaimedUntil = null;
    }
}

public static class OutboxKinds
{
    public const string CheckInLink = "check-in link";
    public const string CheckInReminder = "check-in reminder";
    public const string RiskAlert = "urgent alert";
    public const string BreakGlass = "break-glass notice";
    public const string StaffInvitation = "account invitation";
    public const string Disclosure = "record disclosure notice";
    public const string Notice = "notice";
    public const string PreferenceLink = "preferences link";
    public const string ChoiceLink = "therapist choice link";
}
