using System.Text.Json;
using Attune.Core;
using Attune.Core.Matching;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Matching;

/// <summary>One preference as sent: the criterion, its values, and "MustHave" or "NiceToHave".</summary>
public sealed record PreferenceInput(string Criterion, IReadOnlyList<string> Values, string? Importance);

/// <summary>A client's preferences as a page or the API sends them.</summary>
public sealed record MatchPreferencesInput(IReadOnlyList<string> Concerns, IReadOnlyList<PreferenceInput> Preferences);

/// <summary>
/// A client's matching preferences, entered by their clinician or, at intake, by the intake coordinator (see
/// <see cref="MatchAccess"/>). Kept encrypted as one JSON document; audited without their content.
/// </summary>
/// <summary>A preferences link just made: its address (shown once, to hand over) and whether it went to the client by email.</summary>
public sealed record PreferenceLinkMade(string Url, string? EmailedTo, DateTimeOffset ExpiresAt);

public sealed class MatchPreferenceActions(AttuneDbContext db, MatchAccess access, AuditTrail audit, FreeTextProtector protector, TimeProvider clock,
    PreferenceLinks links, CheckIns.CheckInDelivery delivery, LinkMail mail, Time.ClinicClock clinicClock, ProblemDomainCatalog domains)
{
    public const string WhoMayChange = "Only the client's own clinician (or, before the client has one, the clinic's intake coordinators) records their matching preferences.";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public async Task<ActionResult<(MatchPreferences Preferences, ClientMatchPreferences Stored)>> SaveAsync(Guid clientId, MatchPreferencesInput input, CancellationToken ct = default)
    {
        var granted = await access.ForClientAsync(clientId, WhoMayChange, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        var user = granted.Value!.User;
        var checkedResult = Check(input, await domains.ForAsync(granted.Value.OrganisationId, ct));
        if (checkedResult.Refusal is { } invalid)
            return invalid;
        var checkedPreferences = checkedResult.Value!;
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var stored = await db.MatchPreferences.SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        if (stored is null)
            db.MatchPreferences.Add(stored = new ClientMatchPreferences(client.OrganisationId, clientId));
        stored.Update(Protect(checkedPreferences, protector), byClient: false, user.Id, clock.GetUtcNow());
        audit.Staff(user, "update", nameof(ClientMatchPreferences), stored.Id, clientId);
        await db.SaveChangesAsync(ct);
        return (checkedPreferences, stored);
    }

    /// <summary>
    /// A link for the client to give their preferences on their phone; a new one stops the earlier ones. Emailed with
    /// the clinic's crisis lines when the client has an email address; the address is returned once to hand over.
    /// </summary>
    public async Task<ActionResult<PreferenceLinkMade>> CreateLinkAsync(Guid clientId, CancellationToken ct = default)
    {
        var granted = await access.ForClientAsync(clientId, WhoMayChange, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        var user = granted.Value!.User;
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var stored = await db.MatchPreferences.SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        var now = clock.GetUtcNow();
        if (stored is null)
        {
            db.MatchPreferences.Add(stored = new ClientMatchPreferences(client.OrganisationId, clientId));
            stored.Update(protector.Protect(JsonSerializer.Serialize(MatchPreferences.None, Json))!, byClient: false, user.Id, now);
        }
        var expires = now + PreferenceLinks.Lifetime;
        stored.NewLink(expires);
        var url = delivery.PublicUrl + links.PathFor(links.CreateToken(clientId, expires, stored.LinkVersion));
        await mail.QueueAsync(client, OutboxKinds.PreferenceLink, "Finding the right therapist for you",
            "To help us find a therapist who suits you, please tell us what matters to you: how you like to work, "
            + $"languages, times and anything else. It takes a few minutes.\n\n{url}\n\nThe link works until {clinicClock.Format(expires)}.", now, ct);
        audit.Staff(user, "create-link", nameof(ClientMatchPreferences), stored.Id, clientId);
        await db.SaveChangesAsync(ct);
        return new PreferenceLinkMade(url, client.Email, expires);
    }

    /// <summary>The client's own answers through their link: the same checks as staff's, kept as given by the client.</summary>
    public async Task<ActionResult<(MatchPreferences Preferences, ClientMatchPreferences Stored)>> SaveByClientAsync(string? token, MatchPreferencesInput input, CancellationToken ct = default)
    {
        if (links.Read(token) is not { } link)
            return Refusal.NotFound("link");
        var stored = await db.MatchPreferences.SingleOrDefaultAsync(p => p.ClientId == link.Id, ct);
        if (stored is null || !stored.LinkWorks(link.Version, link.ExpiresAt, clock.GetUtcNow()))
            return Refusal.Conflict(LinkEnded);
        var checkedPreferences = Check(input, await domains.ForAsync(stored.OrganisationId, ct));
        if (checkedPreferences.Refusal is { } invalid)
            return invalid;
        stored.Update(Protect(checkedPreferences.Value!, protector), byClient: true, null, clock.GetUtcNow());
        audit.ClientLink(stored.OrganisationId, stored.Id, "update", nameof(ClientMatchPreferences), stored.Id, stored.ClientId);
        await db.SaveChangesAsync(ct);
        return (checkedPreferences.Value!, stored);
    }

    public const string LinkEnded = "This link no longer works: it has expired or a newer one was sent. Please ask the clinic for a new one.";

    private static ActionResult<MatchPreferences> Check(MatchPreferencesInput input, IReadOnlyList<ProblemDomain> domains)
    {
        var preferences = WithImportance(input.Preferences);
        if (preferences.Refusal is { } invalid)
            return invalid;
        try
        {
            return MatchPreferences.Checked(input.Concerns, preferences.Value!, domains.Select(d => d.Id).ToList());
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
    }

    /// <summary>Preferences with their importance read ("MustHave", "NiceToHave"; nothing is nice to have); the values are checked by the domain.</summary>
    public static ActionResult<List<ClientPreference>> WithImportance(IEnumerable<PreferenceInput> inputs)
    {
        var preferences = new List<ClientPreference>();
        foreach (var p in inputs)
        {
            if (!Forms.FormChoice.TryParse<Importance>(string.IsNullOrWhiteSpace(p.Importance) ? nameof(Importance.NiceToHave) : p.Importance, out var importance))
                return Refusal.Invalid($"{p.Criterion}-importance", "Choose \"must have\" or \"nice to have\".");
            preferences.Add(new ClientPreference(p.Criterion, p.Values, importance));
        }
        return preferences;
    }

    /// <summary>The client's preferences as stored: JSON, encrypted.</summary>
    public static string Protect(MatchPreferences preferences, FreeTextProtector protector) => protector.Protect(JsonSerializer.Serialize(preferences, Json))!;

    /// <summary>The client's preferences, decrypted; none when none were given.</summary>
    public static MatchPreferences Read(ClientMatchPreferences? stored, FreeTextProtector protector) =>
        stored is null ? MatchPreferences.None : JsonSerializer.Deserialize<MatchPreferences>(protector.Unprotect(stored.ProtectedPreferences)!, Json) ?? MatchPreferences.None;
}
