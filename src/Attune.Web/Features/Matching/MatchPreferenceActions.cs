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
public sealed class MatchPreferenceActions(AttuneDbContext db, MatchAccess access, AuditTrail audit, FreeTextProtector protector, TimeProvider clock)
{
    public const string WhoMayChange = "Only the client's own clinician (or, before the client has one, the clinic's intake coordinators) records their matching preferences.";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public async Task<ActionResult<MatchPreferences>> SaveAsync(Guid clientId, MatchPreferencesInput input, CancellationToken ct = default)
    {
        var granted = await access.ForClientAsync(clientId, WhoMayChange, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        var user = granted.Value!.User;
        MatchPreferences checkedPreferences;
        try
        {
            var preferences = new List<ClientPreference>();
            foreach (var p in input.Preferences)
            {
                if (!Forms.FormChoice.TryParse<Importance>(string.IsNullOrWhiteSpace(p.Importance) ? nameof(Importance.NiceToHave) : p.Importance, out var importance))
                    return Refusal.Invalid($"{p.Criterion}-importance", "Choose \"must have\" or \"nice to have\".");
                preferences.Add(new ClientPreference(p.Criterion, p.Values, importance));
            }
            checkedPreferences = MatchPreferences.Checked(input.Concerns, preferences, ProblemDomains.BuiltIn.Select(d => d.Id).ToList());
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var stored = await db.MatchPreferences.SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        if (stored is null)
            db.MatchPreferences.Add(stored = new ClientMatchPreferences(client.OrganisationId, clientId));
        stored.Update(protector.Protect(JsonSerializer.Serialize(checkedPreferences, Json))!, byClient: false, user.Id, clock.GetUtcNow());
        audit.Staff(user, "update", nameof(ClientMatchPreferences), stored.Id, clientId);
        await db.SaveChangesAsync(ct);
        return checkedPreferences;
    }

    /// <summary>The client's preferences, decrypted; none when none were given.</summary>
    public static MatchPreferences Read(ClientMatchPreferences? stored, FreeTextProtector protector) =>
        stored is null ? MatchPreferences.None : JsonSerializer.Deserialize<MatchPreferences>(protector.Unprotect(stored.ProtectedPreferences)!, Json) ?? MatchPreferences.None;
}
