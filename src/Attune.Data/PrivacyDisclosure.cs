namespace Attune.Data;

/// <summary>
/// A disclosure of one client's whole record (the readable copy or the FHIR Bundle, unshared session notes included):
/// who asked for it, why, and when. The copy opens only with a disclosure made in the last hour by the same admin; the
/// client's clinicians are told. The words are encrypted (they may name clinical or legal facts).
/// </summary>
public sealed class PrivacyDisclosure
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public Guid StaffUserId { get; set; }
    public Guid ClientId { get; set; }
    /// <summary>One of <see cref="DisclosureReasons"/>.</summary>
    public string Reason { get; set; } = "";
    public string? ProtectedWords { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

public static class DisclosureReasons
{
    public const string RightOfAccess = "right-of-access";
    public const string Legal = "legal";
    public const string Other = "other";
    public static readonly string[] All = [RightOfAccess, Legal, Other];
}
