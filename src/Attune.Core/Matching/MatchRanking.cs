using System.Globalization;

namespace Attune.Core.Matching;

/// <summary>What a client asked for on one criterion ("language": Spanish, must have).</summary>
public sealed record ClientPreference(string Criterion, IReadOnlyList<string> Values, Importance Importance);

/// <summary>What a clinician offers, from their profile: values per criterion, open places, fee, and whether their track record may be used.</summary>
public sealed record TherapistOffer(Guid ClinicianId, string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> Offers, int OpenPlaces, decimal? Fee, bool SharesTrackRecord);

/// <summary>
/// The ranking's weights (clinic settings): points for being effective, and (negative) for being ineffective, on each of
/// the client's most elevated domains; a point per nice-to-have met; how many of the most elevated domains count.
/// </summary>
public sealed record MatchWeights(double Effective = 3, double Ineffective = -4, double NiceToHave = 1, int ElevatedDomains = 2)
{
    public static readonly MatchWeights Default = new();
}

/// <summary>A therapist suggested for a client, with the score's parts in words: what fits and what does not.</summary>
public sealed record Suggestion(Guid ClinicianId, string Name, int Rank, double Score, bool BestMatch, IReadOnlyList<string> Reasons, IReadOnlyList<string> NotMet);

/// <summary>A therapist a hard limit ruled out: the must-haves they do not meet (in the words of what was asked), or no open places.</summary>
public sealed record Exclusion(Guid ClinicianId, string Name, IReadOnlyList<string> Unmet, bool NoOpenPlaces);

public sealed record MatchResult(IReadOnlyList<Suggestion> Suggestions, IReadOnlyList<Exclusion> Excluded);

/// <summary>A client's score in a domain at intake, with where the measure's range and clinical cut-off lie.</summary>
public sealed record DomainScore(ProblemDomain Domain, decimal Score, decimal Minimum, decimal Maximum, decimal? Cutoff);

/// <summary>
/// Filter and rank, with every reason shown. Hard limits filter: licensure always, open places always, and whatever the
/// client marked "must have". The rest ranks by a transparent score: the clinician's track record on the client's most
/// elevated domains (Constantino et al. 2021: the best match is effective on them and ineffective on none), then each
/// nice-to-have met.
/// </summary>
public static class MatchRanking
{
    /// <summary>
    /// The client's domains from most to least elevated: those at or above the measure's clinical cut-off, by how far
    /// into the measure's range the score lies; then the concerns the client named that no score puts above a cut-off.
    /// </summary>
    public static IReadOnlyList<ProblemDomain> Elevated(IEnumerable<DomainScore> scores, IEnumerable<ProblemDomain> namedConcerns)
    {
        var list = scores.Select(s => (s, Fraction: s.Domain.Direction == Instruments.ScoreDirection.HigherIsWorse
                ? (s.Score - s.Minimum) / Math.Max(1e-9m, s.Maximum - s.Minimum)
                : (s.Maximum - s.Score) / Math.Max(1e-9m, s.Maximum - s.Minimum)))
            .Where(x => x.s.Cutoff is not { } cut || (x.s.Domain.Direction == Instruments.ScoreDirection.HigherIsWorse ? x.s.Score >= cut : x.s.Score <= cut))
            .OrderByDescending(x => x.Fraction).Select(x => x.s.Domain).ToList();
        foreach (var named in namedConcerns)
            if (list.All(d => d.Id != named.Id))
                list.Add(named);
        return list;
    }

    public static MatchResult Rank(IReadOnlyList<ClientPreference> preferences, IReadOnlyList<ProblemDomain> elevated, IEnumerable<TherapistOffer> therapists,
        IReadOnlyList<ClinicianTrackRecord> records, MatchWeights? weights = null, TrackRecordSettings? settings = null, Guid? excluding = null,
        Func<string, MatchCriterion?>? criteria = null)
    {
        criteria ??= MatchCriteria.Find;
        weights ??= MatchWeights.Default;
        settings ??= TrackRecordSettings.Default;
        var ranked = new List<(TherapistOffer Offer, double Score, bool Best, List<string> Reasons, List<string> NotMet)>();
        var excluded = new List<Exclusion>();
        foreach (var therapist in therapists.Where(t => t.ClinicianId != excluding))
        {
            var unmet = new List<string>();
            var reasons = new List<string>();
            var notMet = new List<string>();
            double score = 0;

            // The track record on the client's most elevated domains.
            var effective = false;
            var ineffective = false;
            foreach (var domain in elevated.Take(weights.ElevatedDomains))
            {
                var name = domain.Name.ToLowerInvariant();
                if (!therapist.SharesTrackRecord)
                {
                    reasons.Add($"{TrackRecordWith}{name}{NotShared}");
                    continue;
                }
                var record = records.FirstOrDefault(r => r.ClinicianId == therapist.ClinicianId && r.DomainId == domain.Id);
                switch (record?.Class)
                {
                    case TrackRecordClass.Effective:
                        effective = true;
                        score += weights.Effective;
                        reasons.Add($"effective with {name} in this clinic's records, {Cases(record.Cases)}");
                        break;
                    case TrackRecordClass.Ineffective:
                        ineffective = true;
                        score += weights.Ineffective;
                        notMet.Add($"less effective with {name} than the clinic expects, {Cases(record.Cases)}");
                        break;
                    case TrackRecordClass.Neutral:
                        reasons.Add($"as effective with {name} as the clinic expects, {Cases(record.Cases)}");
                        break;
                    default:
                        reasons.Add($"{FewerThan}{settings.MinimumCases} past cases with {name} ({record?.Cases ?? 0}): no track record yet");
                        break;
                }
            }

            foreach (var preference in preferences)
            {
                if (criteria(preference.Criterion) is not { } criterion || preference.Values.Count == 0)
                    continue;
                var (met, words) = Meets(criterion, preference.Values, therapist);
                if (met)
                {
                    reasons.Add(words);
                    if (preference.Importance == Importance.NiceToHave && !criterion.AlwaysHard)
                        score += weights.NiceToHave;
                }
                else if (preference.Importance == Importance.MustHave || criterion.AlwaysHard)
                    unmet.Add(words);
                else
                    notMet.Add(words);
            }

            if (unmet.Count > 0 || therapist.OpenPlaces <= 0)
                excluded.Add(new Exclusion(therapist.ClinicianId, therapist.Name, unmet, therapist.OpenPlaces <= 0));
            else
                ranked.Add((therapist, score, effective && !ineffective, reasons, notMet));
        }
        var suggestions = ranked
            .OrderByDescending(r => r.Score).ThenByDescending(r => r.Best).ThenByDescending(r => r.Offer.OpenPlaces).ThenBy(r => r.Offer.Name, StringComparer.Ordinal)
            .Select((r, i) => new Suggestion(r.Offer.ClinicianId, r.Offer.Name, i + 1, r.Score, r.Best, r.Reasons, r.NotMet))
            .ToList();
        return new MatchResult(suggestions, excluded.OrderBy(e => e.Name, StringComparer.Ordinal).ToList());
    }

    private static string Cases(int n) => n == 1 ? "1 case" : $"{n} cases";

    /// <summary>
    /// A reason that only says there is no track record to go on (too few cases, or not shared): worth showing staff,
    /// nothing a client choosing a therapist needs to read.
    /// </summary>
    public static bool IsNoRecordNote(string reason) =>
        reason.StartsWith(FewerThan, StringComparison.Ordinal) || (reason.StartsWith(TrackRecordWith, StringComparison.Ordinal) && reason.EndsWith(NotShared, StringComparison.Ordinal));

    private const string FewerThan = "fewer than ";
    private const string TrackRecordWith = "track record with ";
    private const string NotShared = " not shared";

    /// <summary>Whether the therapist offers any of the values asked, and the words of the reason (what fits, or what was asked).</summary>
    private static (bool Met, string Words) Meets(MatchCriterion criterion, IReadOnlyList<string> asked, TherapistOffer therapist)
    {
        if (criterion.Kind == CriterionKind.AtMost)
        {
            var most = decimal.Parse(asked[0], NumberStyles.Number, CultureInfo.InvariantCulture);
            var text = most.ToString("0.##", CultureInfo.InvariantCulture);
            return therapist.Fee is { } fee && fee <= most
                ? (true, $"fee {fee.ToString("0.##", CultureInfo.InvariantCulture)} per session, within {text}")
                : (false, $"a fee of at most {text} per session");
        }
        var offered = therapist.Offers.TryGetValue(criterion.Key, out var values) ? values.Select(MatchCriteria.Normal).ToHashSet() : [];
        var common = asked.Where(a => offered.Contains(MatchCriteria.Normal(a))).ToList();
        return common.Count > 0
            ? (true, string.Join(", ", common.Select(criterion.Words)))
            : (false, string.Join(" or ", asked.Select(criterion.Words)));
    }
}
