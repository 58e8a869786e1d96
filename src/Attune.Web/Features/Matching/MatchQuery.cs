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
    IReadOnlyList<ProblemDomain> Elevated, MatchResult Result, IReadOnlyList<string> WithoutProfile, Guid? CurrentClinicianId, MatchWeights Weights, TrackRecordSettings Settings,
    OfferSummary? OpenOffer = null);

/// <summary>A choice of therapists waiting for the client's answer: who was offered, when, until when.</summary>
public sealed record OfferSummary(IReadOnlyList<string> Names, DateTimeOffset OfferedAt, DateTimeOffset ExpiresAt);

/// <summary>A therapist offered to the client, with how they fit now (null when they can no longer be chosen).</summary>
public sealed record OfferedTherapist(Guid ClinicianId, string Name, Suggestion? Now, IReadOnlyList<string> About);

/// <summary>The client's choice page: the clinic, the therapists offered, and the one chosen once the client has chosen.</summary>
public sealed record ChoiceView(string ClinicName, IReadOnlyList<OfferedTherapist> Offered, string? ChosenName, DateTimeOffset ExpiresAt);

/// <summary>
/// Therapists ranked for a client: the client's preferences, their most elevated domains by their latest scores, every
/// active clinician's profile and track record, ranked by <see cref="MatchRanking"/> without the client's current
/// clinician. Read by the intake coordinator for a new client, or by the client's own clinician when the client asks for
/// another therapist (see <see cref="MatchAccess"/>); audited as a read.
/// </summary>
public sealed class MatchQuery(AttuneDbContext db, MatchAccess access, Audit.AuditTrail audit, FreeTextProtector protector,
    InstrumentCatalog catalog, TrackRecordQuery trackRecords, IOptions<MatchingOptions> options, PreferenceLinks links, ChoiceLinks choiceLinks, TimeProvider clock,
    ProblemDomainCatalog domainCatalog)
{
    /// <summary>
    /// The therapists offered to a client, through the client's choice link, each with how they fit now; once chosen,
    /// the one chosen. A refusal when the link does not work (expired, or replaced by a newer offer).
    /// </summary>
    public async Task<ActionResult<ChoiceView>> ChoiceByLinkAsync(string? token, CancellationToken ct = default)
    {
        if (choiceLinks.Read(token) is not { } link)
            return Refusal.NotFound("link");
        var offer = await db.MatchOffers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == link.Id, ct);
        if (offer is null)
            return Refusal.NotFound("link");
        var now = clock.GetUtcNow();
        if (link.ExpiresAt <= now || (offer.ChosenClinicianId is null && !offer.IsOpen(now)))
            return Refusal.Conflict(IntakeActions.ChoiceEnded);
        var clinic = await db.Organisations.AsNoTracking().Where(o => o.Id == offer.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var ids = offer.Clinicians;
        var names = await db.Clinicians.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        audit.ClientLink(offer.OrganisationId, offer.Id, "read", nameof(MatchOffer), offer.Id, offer.ClientId);
        await db.SaveChangesAsync(ct);
        if (offer.ChosenClinicianId is { } chosen)
            return new ChoiceView(clinic, [], names.GetValueOrDefault(chosen, "your therapist"), offer.ExpiresAt);
        var view = await RankAsync(offer.ClientId, null, ct);
        var profiles = await db.TherapistProfiles.AsNoTracking().Where(p => ids.Contains(p.ClinicianId)).ToDictionaryAsync(p => p.ClinicianId, ct);
        return new ChoiceView(clinic, ids.Select(id => new OfferedTherapist(id, names.GetValueOrDefault(id, "a therapist"), view.Result.Suggestions.FirstOrDefault(s => s.ClinicianId == id),
            profiles.TryGetValue(id, out var profile) ? About(profile) : [])).ToList(), null, offer.ExpiresAt);
    }

    /// <summary>The client's preferences through their own link (for their form), with the clinic's name; a refusal when the link does not work.</summary>
    public async Task<ActionResult<(string ClinicName, MatchPreferences Preferences, bool GivenByClient, IReadOnlyList<ProblemDomain> Domains)>> PreferencesByLinkAsync(string? token, CancellationToken ct = default)
    {
        if (links.Read(token) is not { } link)
            return Refusal.NotFound("link");
        var stored = await db.MatchPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.ClientId == link.Id, ct);
        if (stored is null || !stored.LinkWorks(link.Version, link.ExpiresAt, clock.GetUtcNow()))
            return Refusal.Conflict(MatchPreferenceActions.LinkEnded);
        var clinic = await db.Organisations.AsNoTracking().Where(o => o.Id == stored.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        audit.ClientLink(stored.OrganisationId, stored.Id, "read", nameof(ClientMatchPreferences), stored.Id, stored.ClientId);
        await db.SaveChangesAsync(ct);
        return (clinic, MatchPreferenceActions.Read(stored, protector), stored.GivenByClient, await domainCatalog.ForAsync(stored.OrganisationId, ct));
    }

    public const string WhoMayRead = "Only the client's own clinician (or, before the client has one, the clinic's intake coordinators) sees colleagues ranked for them.";

    /// <summary>The client's preferences as stored (for the form that changes them), with the client's name.</summary>
    public async Task<ActionResult<(string ClientName, MatchPreferences Preferences, ClientMatchPreferences? Stored, IReadOnlyList<ProblemDomain> Domains)>> PreferencesAsync(Guid clientId, CancellationToken ct = default)
    {
        var granted = await access.ForClientAsync(clientId, MatchPreferenceActions.WhoMayChange, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        var user = granted.Value!.User;
        var name = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => c.DisplayName).SingleAsync(ct);
        var stored = await db.MatchPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        if (stored is not null)
            await audit.ReadAsync(user, nameof(ClientMatchPreferences), stored.Id, clientId, ct);
        return (name, MatchPreferenceActions.Read(stored, protector), stored, await domainCatalog.ForAsync(granted.Value.OrganisationId, ct));
    }

    public async Task<ActionResult<MatchView>> LoadAsync(Guid clientId, CancellationToken ct = default)
    {
        var granted = await access.ForClientAsync(clientId, WhoMayRead, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        var (user, current, _) = granted.Value!;
        var view = await RankAsync(clientId, current, ct);
        await audit.ReadAsync(user, "MatchSuggestions", clientId, clientId, ct);
        return view;
    }

    /// <summary>
    /// The ranking for a client as it stands now, without a check of who asks or an audit event: for callers that have
    /// done both (<see cref="LoadAsync"/>, and the client's own choice through their link).
    /// </summary>
    internal async Task<MatchView> RankAsync(Guid clientId, Guid? current, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var stored = await db.MatchPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        var preferences = MatchPreferenceActions.Read(stored, protector);

        var domains = await domainCatalog.ForAsync(client.OrganisationId, ct);
        var instruments = domains.Select(d => d.InstrumentId).ToList();
        var relationships = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        var scores = await db.Responses.AsNoTracking().Where(x => relationships.Contains(x.RelationshipId) && instruments.Contains(x.Instrument))
            .Select(x => new { x.Instrument, x.Score, x.Result, x.CompletedAt }).ToListAsync(ct);
        var latest = scores.GroupBy(x => x.Instrument).Select(g => g.MaxBy(x => x.CompletedAt)!)
            .Select(x => new DomainScore(domains.First(d => d.InstrumentId == x.Instrument), x.Score, x.Result.Min, x.Result.Max, catalog.Find(x.Instrument)?.Cutoff?.Value))
            .ToList();
        // A concern the clinic has since removed as a domain no longer ranks.
        var elevated = MatchRanking.Elevated(latest, preferences.Concerns.Select(c => domains.FirstOrDefault(d => d.Id == c)).OfType<ProblemDomain>());

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
        var now = clock.GetUtcNow();
        var open = (await db.MatchOffers.AsNoTracking().Where(o => o.ClientId == clientId && o.WithdrawnAt == null && o.ChosenClinicianId == null).ToListAsync(ct))
            .Where(o => o.IsOpen(now)).MaxBy(o => o.OfferedAt);
        var summary = open is null ? null
            : new OfferSummary(open.Clinicians.Select(id => clinicians.FirstOrDefault(c => c.Id == id)?.DisplayName ?? "a former clinician").ToList(), open.OfferedAt, open.ExpiresAt);
        return new MatchView(clientId, client.DisplayName, preferences, stored?.GivenByClient ?? false, stored?.UpdatedAt, elevated, result, withoutProfile, current, weights, records.Settings, summary);
    }

    /// <summary>What a therapist's profile says of how they work, in the words of the reasons ("practises CBT", "offers video", "speaks Spanish").</summary>
    private static IReadOnlyList<string> About(TherapistProfile profile) =>
        new[] { MatchCriteria.Approach, MatchCriteria.Communication, MatchCriteria.Modality, MatchCriteria.Language }
            .SelectMany(c => profile.Offers.TryGetValue(c.Key, out var values) ? values.Select(c.Words) : []).ToList();
}
