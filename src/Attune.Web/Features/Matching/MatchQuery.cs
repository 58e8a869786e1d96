using Attune.Core.Instruments;
using Attune.Core.Matching;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Security;
using Attune.Web.Features.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Attune.Web.Features.Matching;

/// <summary>The ranked therapists for a client, what the ranking read (preferences, most elevated domains), and who holds the client now.</summary>
public sealed record MatchView(Guid ClientId, string ClientName, MatchPreferences Preferences, bool GivenByClient, DateTimeOffset? PreferencesAt,
    IReadOnlyList<ProblemDomain> Elevated, MatchResult Result, IReadOnlyList<string> WithoutProfile, Guid? CurrentClinicianId, MatchWeights Weights, TrackRecordSettings Settings);

/// <summary>
/// Therapists ranked for a client: the client's preferences, their most elevated domains by their latest scores, every
/// active clinician's profile and track record, ranked by <see cref="MatchRanking"/> without the client's current
/// clinician. Read by the intake coordinator for a new client, or by the client's own clinician when the client asks for
/// another therapist (see <see cref="MatchAccess"/>); audited as a read.
/// </summary>
public sealed class MatchQuery(AttuneDbContext db, MatchAccess access, Audit.AuditTrail audit, FreeTextProtector protector,
    InstrumentCatalog catalog, TrackRecordQuery trackRecords, IOptions<MatchingOptions> options, PreferenceLinks links, TimeProvider clock)
{
    /// <summary>The client's preferences through their own link (for their form), with the clinic's name; a refusal when the link does not work.</summary>
    public async Task<ActionResult<(string ClinicName, MatchPreferences Preferences, bool GivenByClient)>> PreferencesByLinkAsync(string? token, CancellationToken ct = default)
    {
        if (links.Read(token) is not { } link)
            return Refusal.NotFound("link");
        var stored = await db.MatchPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.ClientId == link.Id, ct);
        if (stored is null || !stored.LinkWorks(link.Version, link.ExpiresAt, clock.GetUtcNow()))
            return Refusal.Conflict(MatchPreferenceActions.LinkEnded);
        var clinic = await db.Organisations.AsNoTracking().Where(o => o.Id == stored.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        audit.ClientLink(stored.OrganisationId, stored.Id, "read", nameof(ClientMatchPreferences), stored.Id, stored.ClientId);
        await db.SaveChangesAsync(ct);
        return (clinic, MatchPreferenceActions.Read(stored, protector), stored.GivenByClient);
    }

    public const string WhoMayRead = "Only the client's own clinician (or, before the client has one, the clinic's intake coordinators) sees colleagues ranked for them.";

    /// <summary>The client's preferences as stored (for the form that changes them), with the client's name.</summary>
    public async Task<ActionResult<(string ClientName, MatchPreferences Preferences, ClientMatchPreferences? Stored)>> PreferencesAsync(Guid clientId, CancellationToken ct = default)
    {
        var granted = await access.ForClientAsync(clientId, MatchPreferenceActions.WhoMayChange, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        var user = granted.Value!.User;
        var name = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => c.DisplayName).SingleAsync(ct);
        var stored = await db.MatchPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        if (stored is not null)
            await audit.ReadAsync(user, nameof(ClientMatchPreferences), stored.Id, clientId, ct);
        return (name, MatchPreferenceActions.Read(stored, protector), stored);
    }

    public async Task<ActionResult<MatchView>> LoadAsync(Guid clientId, CancellationToken ct = default)
    {
        var granted = await access.ForClientAsync(clientId, WhoMayRead, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        var (user, current, _) = granted.Value!;
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var stored = await db.MatchPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        var preferences = MatchPreferenceActions.Read(stored, protector);

        var domains = ProblemDomains.BuiltIn;
        var instruments = domains.Select(d => d.InstrumentId).ToList();
        var relationships = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        var scores = await db.Responses.AsNoTracking().Where(x => relationships.Contains(x.RelationshipId) && instruments.Contains(x.Instrument))
            .Select(x => new { x.Instrument, x.Score, x.Result, x.CompletedAt }).ToListAsync(ct);
        var latest = scores.GroupBy(x => x.Instrument).Select(g => g.MaxBy(x => x.CompletedAt)!)
            .Select(x => new DomainScore(domains.First(d => d.InstrumentId == x.Instrument), x.Score, x.Result.Min, x.Result.Max, catalog.Find(x.Instrument)?.Cutoff?.Value))
            .ToList();
        var elevated = MatchRanking.Elevated(latest, preferences.Concerns.Select(c => domains.First(d => d.Id == c)));

        var records = await trackRecords.LoadAsync(client.OrganisationId, ct);
        var active = (await db.Users.AsNoTracking().Where(u => u.OrganisationId == client.OrganisationId && u.ClinicianId != null).ToListAsync(ct))
            .Where(u => !StaffActions.IsDeactivated(u)).Select(u => u.ClinicianId!.Value).ToHashSet();
        var clinicians = await db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == client.OrganisationId).ToListAsync(ct);
        var profiles = await db.TherapistProfiles.AsNoTracking().Where(p => p.OrganisationId == client.OrganisationId).ToListAsync(ct);
        var offers = clinicians.Where(c => active.Contains(c.Id))
            .Select(c => profiles.FirstOrDefault(p => p.ClinicianId == c.Id)?.AsOffer(c.DisplayName)).OfType<TherapistOffer>().ToList();
        var withoutProfile = clinicians.Where(c => active.Contains(c.Id) && c.Id != current && profiles.All(p => p.ClinicianId != c.Id))
            .Select(c => c.DisplayName).Order(StringComparer.Ordinal).ToList();
        var weights = options.Value.Weights;
        var result = MatchRanking.Rank(preferences.Preferences, elevated, offers, records.Records, weights, records.Settings, excluding: current);
        await audit.ReadAsync(user, "MatchSuggestions", clientId, clientId, ct);
        return new MatchView(clientId, client.DisplayName, preferences, stored?.GivenByClient ?? false, stored?.UpdatedAt, elevated, result, withoutProfile, current, weights, records.Settings);
    }
}
