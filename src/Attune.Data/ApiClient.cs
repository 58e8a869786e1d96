namespace Attune.Data;

/// <summary>
/// A system (an EHR, a reporting job) that calls Attune's FHIR and REST APIs with OAuth 2.0 client credentials. It acts
/// as one staff member and reaches exactly what that person may reach; its scopes narrow that further. The secret and
/// the permitted scopes live in the OpenIddict application with the same client id; this row ties it to the clinic.
/// </summary>
public sealed class ApiClient
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    /// <summary>The staff member the system acts as.</summary>
    public Guid StaffUserId { get; set; }
    public string ClientId { get; set; } = "";
    public string Name { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
}
