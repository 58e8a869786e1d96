namespace Attune.Data;

/// <summary>
/// An admin's emergency access to one client's session notes: given with a reason, for a short time, announced to
/// the client's clinicians and audited at every read. The reason is encrypted (it may name clinical facts).
/// </summary>
public sealed class BreakGlassAccess
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public Guid StaffUserId { get; set; }
    public Guid ClientId { get; set; }
    public string ProtectedReason { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
