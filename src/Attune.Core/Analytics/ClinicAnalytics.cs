using Attune.Core.Endings;

namespace Attune.Core.Analytics;

/// <summary>Whether a closed relationship had a rupture logged, and whether every one logged was repaired.</summary>
public enum RuptureHistory { None, Repaired, Unrepaired }

/// <summary>
/// One closed relationship as the analytics read it: its clinician; the Connection Check score of each attended session
/// (by session number, null where none was given) and whether it was by video; its PHQ-9 scores in the order answered;
/// how it ended; its ruptures; and, when it was assigned at intake, whether the clinician was the top suggestion.
/// </summary>
public sealed record AnalyticsCase(Guid ClinicianId, IReadOnlyList<AttendedSession> Sessions, IReadOnlyList<double> Phq9,
    EndingKind? Ending, EndingReason? Reason, RuptureHistory Ruptures, bool? TopSuggestion)
{
    /// <summary>Whether the relationship has the two PHQ-9 scores an outcome needs.</summary>
    public bool Scored => Phq9.Count >= 2;

    /// <summary>First − last PHQ-9 (positive is better); null with fewer than two.</summary>
    public double? Improvement => Scored ? Phq9[0] - Phq9[^1] : null;

    /// <summary>The mean Connection Check over attended sessions 1–3 (A); null where none was given.</summary>
    public double? EarlyAlliance => MeanAlliance(Sessions.Where(s => s.Number <= 3));

    /// <summary>The mean Connection Check over all attended sessions (C); null where none was given.</summary>
    public double? Alliance => MeanAlliance(Sessions);

    /// <summary>Video when most of its attended sessions were by video (C).</summary>
    public bool Video => Sessions.Count(s => s.Video) * 2 > Sessions.Count;

    /// <summary>A dropout (E): an unplanned ending with no contact.</summary>
    public bool Dropout => Ending == EndingKind.Unplanned && Reason == EndingReason.NoContact;

    public bool ReliablyImproved(AnalyticsSettings s) => Improvement >= s.ReliableChange;
    public bool ReliablyDeteriorated(AnalyticsSettings s) => -Improvement >= s.ReliableChange;

    /// <summary>A case at first, not at last, and reliably improved (D).</summary>
    public bool Recovered(AnalyticsSettings s) => Scored && Phq9[0] >= s.Cutoff && Phq9[^1] < s.Cutoff && ReliablyImproved(s);

    private static double? MeanAlliance(IEnumerable<AttendedSession> sessions)
    {
        var scores = sessions.Where(s => s.ConnectionCheck is not null).Select(s => s.ConnectionCheck!.Value).ToList();
        return scores.Count == 0 ? null : scores.Average();
    }
}

/// <summary>An attended session: its number in the relationship, whether by video, its Connection Check score if given.</summary>
public readonly record struct AttendedSession(int Number, bool Video, double? ConnectionCheck);

/// <summary>The measure's reliable-change value and clinical cut-off (PHQ-9: 6 and 10, from its definition), the interval level, the smallest cell shown.</summary>
public sealed record AnalyticsSettings(double ReliableChange, double Cutoff, double Level = 0.95, int MinimumCell = 10);

/// <summary>Reliable improvement (first − last ≥ the reliable-change value), reliable deterioration, and recovery (a case at first, not at last, and reliably improved).</summary>
public sealed record OutcomeShares(int N, int Improved, int Deteriorated, int Recovered)
{
    public double ImprovedShare => N == 0 ? double.NaN : (double)Improved / N;
    public double DeterioratedShare => N == 0 ? double.NaN : (double)Deteriorated / N;
    public double RecoveredShare => N == 0 ? double.NaN : (double)Recovered / N;
}

/// <summary>A count out of the whole, for the endings.</summary>
public sealed record Share(string What, int Count, int Of)
{
    public double Fraction => Of == 0 ? double.NaN : (double)Count / Of;
}

/// <summary>The mean improvement of the relationships with one rupture history: n always, the interval where n ≥ 2.</summary>
public sealed record RuptureGroup(RuptureHistory History, int N, MeanInterval? Improvement);

/// <summary>
/// The clinic analytics A–G (docs/analytics.md): each figure with the n behind it; null where the data give none.
/// Per clinician (D), the shares are null where the clinician has fewer relationships than the smallest cell shown;
/// <see cref="ScoredByClinician"/> keeps the n.
/// </summary>
public sealed record ClinicAnalyticsResult(
    Correlation? AllianceOutcome, int AllianceOutcomeCases,
    RandomInterceptFit? TherapistEffect, int TherapistEffectCases,
    MeanDifference? VideoMinusInPerson, int VideoCases, int InPersonCases,
    OutcomeShares Outcomes, IReadOnlyDictionary<Guid, OutcomeShares?> OutcomesByClinician, IReadOnlyDictionary<Guid, int> ScoredByClinician,
    IReadOnlyList<Share> EndingKinds, IReadOnlyList<Share> EndingReasons, Share Dropout,
    IReadOnlyList<RuptureGroup> ImprovementByRuptures,
    OutcomeShares? TopSuggestion, OutcomeShares? NotTopSuggestion);

public static class ClinicAnalytics
{
    public static ClinicAnalyticsResult Compute(IReadOnlyList<AnalyticsCase> cases, AnalyticsSettings settings)
    {
        var scored = cases.Where(c => c.Scored).ToList();
        static double Improvement(AnalyticsCase c) => c.Improvement!.Value;

        // A. Early alliance (mean Connection Check over attended sessions 1–3) against improvement.
        var early = scored.Where(c => c.EarlyAlliance is not null).ToList();
        var alliance = ClinicStatistics.Pearson(early.Select(c => c.EarlyAlliance!.Value).ToList(), early.Select(Improvement).ToList(), settings.Level);

        // B. Therapist effect: last ~ first + (1 | clinician).
        var effect = ClinicStatistics.RandomIntercept(scored.Select(c => (c.ClinicianId.ToString(), c.Phq9[0], c.Phq9[^1])).ToList());

        // C. Mean Connection Check over all sessions; video when most attended sessions were.
        var rated = cases.Where(c => c.Alliance is not null).ToList();
        var byVideo = rated.Where(c => c.Video).Select(c => c.Alliance!.Value).ToList();
        var inPerson = rated.Where(c => !c.Video).Select(c => c.Alliance!.Value).ToList();
        var telehealth = ClinicStatistics.Welch(byVideo, inPerson, settings.Level);

        // D. Outcome shares, for the clinic and per clinician with enough cases.
        OutcomeShares Shares(IEnumerable<AnalyticsCase> set)
        {
            var list = set.ToList();
            return new OutcomeShares(list.Count, list.Count(c => c.ReliablyImproved(settings)), list.Count(c => c.ReliablyDeteriorated(settings)), list.Count(c => c.Recovered(settings)));
        }
        var byClinician = scored.GroupBy(c => c.ClinicianId)
            .ToDictionary(g => g.Key, g => g.Count() >= settings.MinimumCell ? Shares(g) : null);

        // E. Endings.
        var ended = cases.Where(c => c.Ending is not null).ToList();
        var kinds = Enum.GetValues<EndingKind>().Select(k => new Share(k.ToString(), ended.Count(c => c.Ending == k), ended.Count)).ToList();
        var reasons = Enum.GetValues<EndingReason>().Select(r => new Share(r.ToString(), ended.Count(c => c.Reason == r), ended.Count)).ToList();
        var dropout = new Share("Dropout", ended.Count(c => c.Dropout), ended.Count);

        // F. Improvement by rupture history.
        var ruptures = Enum.GetValues<RuptureHistory>().Select(h => scored.Where(c => c.Ruptures == h).Select(Improvement).ToList())
            .Select((improvements, h) => new RuptureGroup((RuptureHistory)h, improvements.Count, ClinicStatistics.Mean(improvements, settings.Level))).ToList();

        // G. Matched at intake: the top suggestion or not.
        var matched = scored.Where(c => c.TopSuggestion is not null).ToList();
        return new ClinicAnalyticsResult(alliance, early.Count, effect, scored.Count, telehealth, byVideo.Count, inPerson.Count,
            Shares(scored), byClinician, scored.GroupBy(c => c.ClinicianId).ToDictionary(g => g.Key, g => g.Count()), kinds, reasons, dropout, ruptures,
            matched.Count == 0 ? null : Shares(matched.Where(c => c.TopSuggestion == true)),
            matched.Count == 0 ? null : Shares(matched.Where(c => c.TopSuggestion == false)));
    }
}
