namespace Attune.Data;

/// <summary>
/// A message to staff (an email, later SMS), written in the same transaction as what caused it and sent
/// afterwards, so nothing is lost if sending fails. Messages carry no clinical content: they ask the
/// recipient to sign in.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    /// <summary>"email" for now.</summary>
    public string Channel { get; set; } = "email";
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
    /// <summary>The kind of the last failure (an exception type name), never message text.</summary>
    public string? LastError { get; set; }
}
