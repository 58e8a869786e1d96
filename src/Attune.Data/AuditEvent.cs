namespace Attune.Data;

/// <summary>
/// One read or change of clinical data: who, what, which record, when, from where. Holds ids only,
/// never clinical content, so the trail survives erasure of a client's data. Each event is a link in a
/// hash chain (<see cref="AuditChain"/>): editing or deleting a past event breaks the chain.
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
    /// <summary>
    /// For a change of clinic settings or staff accounts, what it was before and after (JSON: <c>{"before":…,"after":…}</c>);
    /// never clinical content. Part of the hash when present, so an event without it hashes as it always did.
    /// </summary>
    public string? Detail { get; set; }
    /// <summary>Place in the chain, 1, 2, 3, … with no gaps; given by the chaining pass moments after the event is saved (by the command line, as it is saved).</summary>
    public long? Sequence { get; set; }
    /// <summary>SHA-256 (hex) of the previous event's hash and this event's fields.</summary>
    public string? Hash { get; set; }
    /// <summary>
    /// An event saved without waiting for the chain (<see cref="AttuneDbContext.EventSeal"/>): its fields sealed with a key
    /// kept outside the database, until the chaining pass gives it its place (<see cref="AuditChain.ChainPendingAsync"/>).
    /// An event outside the chain without a seal that holds was not written by Attune.
    /// </summary>
    public string? Seal { get; set; }
}

/// <summary>The before/after of a settings or account change, as an audit event carries it.</summary>
public static class AuditDetail
{
    public const int MaxLength = 4000;
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static string Of(object? before, object? after)
    {
        var text = System.Text.Json.JsonSerializer.Serialize(new { before, after }, Json);
        return text.Length <= MaxLength ? text : System.Text.Json.JsonSerializer.Serialize(new { truncated = true, length = text.Length }, Json);
    }
}
