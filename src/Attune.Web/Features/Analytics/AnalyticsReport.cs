using Attune.Core.Analytics;

namespace Attune.Web.Features.Analytics;

/// <summary>
/// The clinic analytics as JSON, for the command line (and, to come, the API): A–G under their letters, each with its
/// definition's name, the n behind it, and the published figure beside it where there is one. A figure the data do not
/// give is null, never a made-up number.
/// </summary>
public static class AnalyticsReport
{
    public static readonly IReadOnlyDictionary<string, string> Definitions = new Dictionary<string, string>
    {
        ["A"] = "Alliance and outcome: closed relationships with at least one Connection Check on attended sessions 1–3 and at least two PHQ-9 scores; x = the mean Connection Check over attended sessions 1–3, y = first PHQ-9 − last PHQ-9; Pearson r with the 95% interval by Fisher's z.",
        ["B"] = "Therapist effect: closed relationships with at least two PHQ-9 scores; last ~ first + (1 | clinician) by REML; τ₀₀, σ², ICC = τ₀₀ / (τ₀₀ + σ²) and the fixed slope.",
        ["C"] = "Telehealth vs in person: per closed relationship, the mean Connection Check over all its sessions; video when most of its attended sessions were by video; video − in person with Welch's 95% interval.",
        ["D"] = "Outcomes: of closed relationships with at least two PHQ-9 scores, the shares reliably improved (first − last ≥ the reliable-change value), reliably deteriorated, and recovered (a case at first, not at last, and reliably improved); per clinician where there are enough.",
        ["E"] = "Endings: the count and share of each ending kind and reason; dropout = unplanned with no contact.",
        ["F"] = "Ruptures and outcomes: mean improvement (first − last PHQ-9) with its 95% interval, for relationships with no logged rupture, with every rupture repaired, and with one not repaired.",
        ["G"] = "Matched vs not matched: the outcome shares by whether the clinician assigned at intake was the top suggestion.",
    };

    private static double? Value(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : v;

    private static object Shares(OutcomeShares s) => new
    {
        n = s.N, improved = s.Improved, deteriorated = s.Deteriorated, recovered = s.Recovered,
        improvedShare = Value(s.ImprovedShare), deterioratedShare = Value(s.DeterioratedShare), recoveredShare = Value(s.RecoveredShare),
    };

    private static object? Interval(MeanInterval? m, int n) => new { n, mean = m?.Mean, lower = m?.Lower, upper = m?.Upper };

    /// <param name="clinicians">Each clinician's label in the report (an email for the clinic's own automation; never a client).</param>
    public static object Json(ClinicAnalyticsResult r, AnalyticsSettings settings, Func<Guid, string> clinicians) => new
    {
        definitions = Definitions,
        settings = new { settings.ReliableChange, settings.Cutoff, settings.Level, settings.MinimumCell },
        A = new
        {
            name = "Alliance and outcome", n = r.AllianceOutcomeCases, r = r.AllianceOutcome?.R, lower = r.AllianceOutcome?.Lower, upper = r.AllianceOutcome?.Upper,
            published = new { r = 0.278, lower = 0.256, upper = 0.299, source = "Flückiger et al. 2018, 295 studies" },
        },
        B = new
        {
            name = "Therapist effect", n = r.TherapistEffectCases, clinicians = r.TherapistEffect?.Groups, tau00 = r.TherapistEffect?.Tau00, sigma2 = r.TherapistEffect?.Sigma2,
            icc = r.TherapistEffect?.Icc, slope = r.TherapistEffect?.Slope, intercept = r.TherapistEffect?.Intercept, remlCriterion = r.TherapistEffect?.RemlCriterion,
            typical = "ICC 0.05 to 0.07",
        },
        C = new
        {
            name = "Telehealth vs in person", videoN = r.VideoCases, inPersonN = r.InPersonCases, video = r.VideoMinusInPerson?.Mean1,
            inPerson = r.VideoMinusInPerson?.Mean2, difference = r.VideoMinusInPerson?.Difference, lower = r.VideoMinusInPerson?.Lower, upper = r.VideoMinusInPerson?.Upper,
            df = r.VideoMinusInPerson?.DegreesOfFreedom,
        },
        D = new
        {
            name = "Outcomes", clinic = Shares(r.Outcomes),
            byClinician = r.OutcomesByClinician.OrderBy(c => clinicians(c.Key), StringComparer.Ordinal)
                .Select(c => new { clinician = clinicians(c.Key), n = r.ScoredByClinician[c.Key], shares = c.Value is null ? null : Shares(c.Value), tooFew = c.Value is null }),
        },
        E = new
        {
            name = "Endings", kinds = r.EndingKinds.Select(s => new { kind = s.What, count = s.Count, share = Value(s.Fraction) }),
            reasons = r.EndingReasons.Select(s => new { reason = s.What, count = s.Count, share = Value(s.Fraction) }),
            dropout = new { count = r.Dropout.Count, of = r.Dropout.Of, share = Value(r.Dropout.Fraction) },
        },
        F = new
        {
            name = "Ruptures and outcomes",
            groups = r.ImprovementByRuptures.Select(g => new
            {
                ruptures = g.History.ToString(), n = g.N, mean = g.Improvement?.Mean, lower = g.Improvement?.Lower, upper = g.Improvement?.Upper,
            }),
        },
        G = new
        {
            name = "Matched vs not matched", topSuggestion = r.TopSuggestion is null ? null : Shares(r.TopSuggestion),
            notTopSuggestion = r.NotTopSuggestion is null ? null : Shares(r.NotTopSuggestion),
        },
    };
}
