namespace Attune.Core.Clinic;

/// <summary>A person in therapy at an organisation. Clients have no account; they reach Attune by links.</summary>
public sealed class Client
{
    private Client() { }

    public Client(Guid organisationId, string displayName, DateTimeOffset createdAt, string? email = null, string? phone = null, string? reference = null)
    {
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        DisplayName = Require.Text(displayName, nameof(displayName), 200);
        Email = Require.OptionalEmail(email);
        Phone = Require.OptionalText(phone, nameof(phone), 40);
        Reference = Require.OptionalText(reference, nameof(reference), 100);
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    /// <summary>How the clinic refers to the client (a name or initials).</summary>
    public string DisplayName { get; private set; } = "";
    public string? Email { get; private set; }
    public string? Phone { get; private set; }
    /// <summary>The clinic's own record number, if any.</summary>
    public string? Reference { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
}
