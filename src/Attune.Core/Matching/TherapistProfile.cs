using System.Globalization;

namespace Attune.Core.Matching;

/// <summary>
/// What a clinician offers clients, kept by the clinician: the values they offer on each matching criterion (approaches,
/// languages, identities they choose to share, modalities, licensure, times, …), their open places, fee, and whether
/// their de-identified track record may be shown and used in matching (opt-in).
/// </summary>
public sealed class TherapistProfile
{
    public const int MaxValues = 20;
    public const int MaxWords = 100;
    public const int MaxOpenPlaces = 500;
    public const decimal MaxFee = 100_000;

    private TherapistProfile() { }

    public TherapistProfile(Guid organisationId, Guid clinicianId, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClinicianId = clinicianId;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public Dictionary<string, List<string>> Offers { get; private set; } = [];
    public int OpenPlaces { get; private set; }
    public decimal? Fee { get; private set; }
    public bool SharesTrackRecord { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>What the clinician, as a supervisor, offers supervisees (areas, approaches, how and when they meet).</summary>
    public Dictionary<string, List<string>> SupervisionOffers { get; private set; } = [];
    /// <summary>How many supervisees the clinician can take in all, as a supervisor.</summary>
    public int SupervisionPlaces { get; private set; }
    /// <summary>What the clinician wants from their own supervision, each must-have or nice-to-have.</summary>
    public List<ClientPreference> SupervisionWants { get; private set; } = [];

    private static Dictionary<string, List<string>> Clean(IReadOnlyDictionary<string, IReadOnlyList<string>> offers, Func<string, MatchCriterion?> find)
    {
        var clean = new Dictionary<string, List<string>>();
        foreach (var (key, values) in offers)
        {
            if (find(key) is not { } criterion || criterion.Kind == CriterionKind.AtMost)
                throw new DomainRuleException($"There is no criterion \"{key}\" to offer.", key);
            var kept = MatchPreferences.Values(criterion, values, oneAnswer: false); // a therapist may offer several paces or stances
            if (kept.Count > 0)
                clean[criterion.Key] = kept;
        }
        return clean;
    }

    public void Update(IReadOnlyDictionary<string, IReadOnlyList<string>> offers, int openPlaces, decimal? fee, bool sharesTrackRecord, DateTimeOffset at)
    {
        var clean = Clean(offers, MatchCriteria.Find);
        if (openPlaces is < 0 or > MaxOpenPlaces)
            throw new DomainRuleException($"Open places are a number from 0 to {MaxOpenPlaces}.", "openPlaces");
        if (fee is < 0 or > MaxFee)
            throw new DomainRuleException($"The fee is an amount from 0 to {MaxFee.ToString("0", CultureInfo.InvariantCulture)}, or empty.", "fee");
        Offers = clean;
        OpenPlaces = openPlaces;
        Fee = fee;
        SharesTrackRecord = sharesTrackRecord;
        UpdatedAt = at;
    }

    /// <summary>What the clinician wants from supervision and, as a supervisor, offers; checked like a client's preferences and a therapist's offers.</summary>
    public void UpdateSupervision(IReadOnlyDictionary<string, IReadOnlyList<string>> offers, int places, IEnumerable<ClientPreference> wants, DateTimeOffset at)
    {
        var clean = Clean(offers, SupervisionCriteria.Find);
        if (places is < 0 or > MaxOpenPlaces)
            throw new DomainRuleException($"Supervisee places are a number from 0 to {MaxOpenPlaces}.", "supervisionPlaces");
        SupervisionWants = [.. MatchPreferences.Checked([], wants, [], SupervisionCriteria.Find).Preferences];
        SupervisionOffers = clean;
        SupervisionPlaces = places;
        UpdatedAt = at;
    }

    /// <summary>The clinician as a supervisor, with the places left after their current supervisees.</summary>
    public TherapistOffer AsSupervisorOffer(string name, int supervisees) =>
        new(ClinicianId, name, SupervisionOffers.ToDictionary(o => o.Key, o => (IReadOnlyList<string>)o.Value), Math.Max(0, SupervisionPlaces - supervisees), null, SharesTrackRecord: false);

    /// <summary>A new client assigned: one open place fewer (never below none).</summary>
    public void TakeOneClient(DateTimeOffset at)
    {
        OpenPlaces = Math.Max(0, OpenPlaces - 1);
        UpdatedAt = at;
    }

    public TherapistOffer AsOffer(string name) =>
        new(ClinicianId, name, Offers.ToDictionary(o => o.Key, o => (IReadOnlyList<string>)o.Value), OpenPlaces, Fee, SharesTrackRecord);
}

/// <summary>What a client asks for: the problem domains they name and their preferences, each must-have or nice-to-have.</summary>
public sealed record MatchPreferences(IReadOnlyList<string> Concerns, IReadOnlyList<ClientPreference> Preferences)
{
    public static readonly MatchPreferences None = new([], []);

    /// <summary>
    /// The preferences checked and tidied: known criteria and domains, an option's own value, words trimmed, no
    /// duplicates, at most MaxValues values of at most MaxWords characters, a fee as an amount.
    /// </summary>
    public static MatchPreferences Checked(IEnumerable<string> concerns, IEnumerable<ClientPreference> preferences, IReadOnlyCollection<string> domainIds, Func<string, MatchCriterion?>? find = null)
    {
        find ??= MatchCriteria.Find;
        var named = concerns.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (named.FirstOrDefault(c => !domainIds.Contains(c, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            throw new DomainRuleException($"There is no problem domain \"{unknown}\".", "concerns");
        var kept = new List<ClientPreference>();
        foreach (var p in preferences)
        {
            if (find(p.Criterion) is not { } criterion)
                throw new DomainRuleException($"There is no criterion \"{p.Criterion}\".", p.Criterion);
            if (kept.Any(k => k.Criterion == criterion.Key))
                throw new DomainRuleException($"\"{criterion.Label}\" is given twice.", criterion.Key);
            var values = Values(criterion, p.Values, oneAnswer: criterion.Kind == CriterionKind.Options && criterion.OneAnswer);
            if (values.Count > 0)
                kept.Add(new ClientPreference(criterion.Key, values, p.Importance));
        }
        return new MatchPreferences([.. named.Select(n => domainIds.First(d => string.Equals(d, n, StringComparison.OrdinalIgnoreCase)))], kept);
    }

    internal static List<string> Values(MatchCriterion criterion, IEnumerable<string> values, bool oneAnswer)
    {
        var kept = new List<string>();
        foreach (var raw in values)
        {
            var value = raw.Trim();
            if (value.Length == 0)
                continue;
            switch (criterion.Kind)
            {
                case CriterionKind.Options:
                    value = criterion.Option(value)?.Value ?? throw new DomainRuleException($"\"{value}\" is not one of the choices for {criterion.Label.ToLowerInvariant()}.", criterion.Key);
                    break;
                case CriterionKind.AtMost:
                    if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) || amount is < 0 or > TherapistProfile.MaxFee)
                        throw new DomainRuleException("Give the most the client can pay per session as an amount, like 120.", criterion.Key);
                    value = amount.ToString("0.##", CultureInfo.InvariantCulture);
                    break;
                default:
                    if (value.Length > TherapistProfile.MaxWords)
                        throw new DomainRuleException($"Keep each entry for {criterion.Label.ToLowerInvariant()} under {TherapistProfile.MaxWords} characters.", criterion.Key);
                    break;
            }
            if (!kept.Contains(value, StringComparer.OrdinalIgnoreCase))
                kept.Add(value);
        }
        if (kept.Count > TherapistProfile.MaxValues)
            throw new DomainRuleException($"Give at most {TherapistProfile.MaxValues} entries for {criterion.Label.ToLowerInvariant()}.", criterion.Key);
        if ((oneAnswer || criterion.Kind == CriterionKind.AtMost) && kept.Count > 1)
            throw new DomainRuleException($"Choose one answer for {criterion.Label.ToLowerInvariant()}.", criterion.Key);
        return kept;
    }
}

/// <summary>
/// A client's matching preferences, kept encrypted (they name culture, identity, faith and language): the cipher text of
/// the <see cref="MatchPreferences"/> as JSON, who gave them (the client by link, or staff) and when.
/// </summary>
public sealed class ClientMatchPreferences
{
    private ClientMatchPreferences() { }

    public ClientMatchPreferences(Guid organisationId, Guid clientId)
    {
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClientId = clientId;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClientId { get; private set; }
    public string ProtectedPreferences { get; private set; } = "";
    public bool GivenByClient { get; private set; }
    public Guid? UpdatedBy { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>The version of the client's own preferences link: a new link makes every earlier one stop working.</summary>
    public int LinkVersion { get; private set; }
    public DateTimeOffset? LinkExpiresAt { get; private set; }

    /// <summary>A new link for the client to give their preferences themselves; earlier links stop working.</summary>
    public void NewLink(DateTimeOffset expiresAt)
    {
        LinkVersion++;
        LinkExpiresAt = expiresAt;
    }

    /// <summary>Whether a link of this version, signed to expire then, still works at the time given (both expiries must hold).</summary>
    public bool LinkWorks(int version, DateTimeOffset signedExpiry, DateTimeOffset at) => version == LinkVersion && LinkVersion > 0 && LinkExpiresAt > at && signedExpiry > at;

    public void Update(string protectedPreferences, bool byClient, Guid? staffId, DateTimeOffset at)
    {
        ProtectedPreferences = Require.Text(protectedPreferences, nameof(protectedPreferences), 200_000);
        GivenByClient = byClient;
        UpdatedBy = staffId;
        UpdatedAt = at;
    }
}

/// <summary>The problem domains a track record is kept for, each scored by one measure (PRODUCT.md: at least these three).</summary>
public static class ProblemDomains
{
    public static readonly IReadOnlyList<ProblemDomain> BuiltIn =
    [
        new("depression", "Depression", "phq-9", Instruments.ScoreDirection.HigherIsWorse),
        new("anxiety", "Anxiety", "gad-7", Instruments.ScoreDirection.HigherIsWorse),
        new("distress", "General distress", "core-10", Instruments.ScoreDirection.HigherIsWorse),
    ];
}

/// <summary>
/// A new client assigned to a therapist from the ranked suggestions: which suggestion (its rank among how many, its
/// score, whether it was the best match) and its reasons as shown at the time, encrypted (they repeat the client's
/// preferences). Kept so that the clinic analytics can compare matched and unmatched assignments.
/// </summary>
public sealed class MatchAssignment
{
    private MatchAssignment() { }

    public MatchAssignment(Guid organisationId, Guid clientId, Guid relationshipId, Guid clinicianId, int rank, int suggestions, double score, bool bestMatch,
        string protectedReasons, Guid assignedBy, DateTimeOffset at, bool chosenByClient = false)
    {
        if (rank < 1 || rank > suggestions)
            throw new DomainRuleException("The rank must be one of the suggestions'.", "rank");
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClientId = clientId;
        RelationshipId = relationshipId;
        ClinicianId = clinicianId;
        Rank = rank;
        Suggestions = suggestions;
        Score = score;
        BestMatch = bestMatch;
        ProtectedReasons = protectedReasons;
        AssignedBy = assignedBy;
        AssignedAt = at;
        ChosenByClient = chosenByClient;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClientId { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public int Rank { get; private set; }
    public int Suggestions { get; private set; }
    public double Score { get; private set; }
    public bool BestMatch { get; private set; }
    public string ProtectedReasons { get; private set; } = "";
    /// <summary>The coordinator who assigned, or who offered the choice the client made.</summary>
    public Guid AssignedBy { get; private set; }
    public DateTimeOffset AssignedAt { get; private set; }
    /// <summary>The client chose this therapist from those offered to them (<see cref="MatchOffer"/>).</summary>
    public bool ChosenByClient { get; private set; }
}
