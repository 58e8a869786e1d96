using System.Text.Json.Serialization;

namespace Attune.Core.CheckIns;

[JsonConverter(typeof(JsonStringEnumConverter<CheckInStatus>))]
public enum CheckInStatus { Pending, Completed, Revoked }

/// <summary>
/// A set of instruments a client is asked to complete through one link. The link carries only this id,
/// signed and time-limited; single use is enforced here by the status.
/// </summary>
public sealed class CheckIn
{
    private CheckIn() { }

    public CheckIn(Guid relationshipId, Guid? sessionId, IReadOnlyList<string> instruments, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
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
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid? SessionId { get; private set; }
    public List<string> Instruments { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public CheckInStatus Status { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

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
