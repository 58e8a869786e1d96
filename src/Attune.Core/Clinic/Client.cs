using System.Text.Json.Serialization;

namespace Attune.Core.Clinic;

/// <summary>How the client prefers to be reached.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContactPreference>))]
public enum ContactPreference { Email, Phone, Text }

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
    /// <summary>As the client gives them ("she/her", "they/them").</summary>
    public string? Pronouns { get; private set; }
    public DateOnly? DateOfBirth { get; private set; }
    public ContactPreference? PreferredContact { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// Changes the client's details. A preferred way of contact needs its address (email for email, a phone number for
    /// a call or a text); a date of birth lies between 1900 and <paramref name="today"/>.
    /// </summary>
    public void UpdateDetails(string displayName, string? pronouns, DateOnly? dateOfBirth, string? email, string? phone, string? reference,
        ContactPreference? preferred, DateOnly today)
    {
        var name = Require.Text(displayName, nameof(displayName), 200);
        var checkedPronouns = Require.OptionalText(pronouns, nameof(pronouns), 40);
        var checkedEmail = Require.OptionalEmail(email);
        var checkedPhone = Require.OptionalText(phone, nameof(phone), 40);
        var checkedReference = Require.OptionalText(reference, nameof(reference), 100);
        if (dateOfBirth is { } born && (born > today || born.Year < 1900))
            throw new DomainRuleException("Give a date of birth between 1900 and today, or leave it empty.", "dateOfBirth");
        if (preferred is { } p && !Enum.IsDefined(p))
            throw new DomainRuleException("Choose how the client prefers to be contacted: email, phone or text.", "preferredContact");
        if (preferred == ContactPreference.Email && checkedEmail is null)
            throw new DomainRuleException("Give the client's email address to contact them by email.", "email");
        if (preferred is ContactPreference.Phone or ContactPreference.Text && checkedPhone is null)
            throw new DomainRuleException("Give the client's phone number to call or text them.", "phone");
        (DisplayName, Pronouns, DateOfBirth, Email, Phone, Reference, PreferredContact) =
            (name, checkedPronouns, dateOfBirth, checkedEmail, checkedPhone, checkedReference, preferred);
    }
}
