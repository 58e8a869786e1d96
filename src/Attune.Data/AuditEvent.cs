namespace Attune.Data;

/// <summary>
/// One read or change of clinical data: who, what, which record, when, from where. Holds ids only,
/// never clinical content, so the trail survives erasure of a client's data.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid OrganisationId { get; set; }
    /// <summary>"staff", "client-link" or "system".</summary>
    public string ActorKind { get; set; } = "";
    public Guid? ActorId { get; set; }
    /// <summary>"read", "create", "update", "submit", "login", …</summary>
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public Guid? EntityId { get; set; }
    public Guid? ClientId { get; set; }
    public string? RemoteAddress { get; set; }
}
