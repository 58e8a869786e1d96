using System.Globalization;
using System.Text;
using Attune.Core.CheckIns;
using Attune.Core.Goals;
using Attune.Core.Instruments;
using Attune.Core.Progress;
using Attune.Core.Ruptures;
using Attune.Core.Scoring;

namespace Attune.Core.Endings;

/// <summary>One outcome measure from the first score to the last, with its reliable change and category.</summary>
public sealed record OutcomeChange(InstrumentDefinition Instrument, DateTimeOffset FirstAt, decimal First, DateTimeOffset LastAt, decimal Last, ChangeResult Change);

/// <summary>A goal with its text (decrypted by the caller), its agreement, and its first and latest attainment level.</summary>
public sealed record GoalOutcome(string Text, GoalAgreement Agreement, int? FirstLevel, int? LastLevel)
{
    /// <summary>Reached: rated at or above the expected level (0) on its attainment scale.</summary>
    public bool Reached => LastLevel is >= 0;
}

/// <summary>What Attune drafts at the end of a relationship, from the data; the clinician edits the words.</summary>
public sealed record ClosingSummaryFacts(
    int AttendedSessions,
    DateTimeOffset OpenedAt,
    IReadOnlyList<OutcomeChange> Outcomes,
    IReadOnlyList<GoalOutcome> Goals,
    double? FirstTScore,
    double? LastTScore,
    int Ruptures,
    int RupturesRepaired)
{
    public static ClosingSummaryFacts From(
        int attendedSessions, DateTimeOffset openedAt, IEnumerable<InstrumentResponse> responses, Func<string, InstrumentDefinition?> find,
        IReadOnlyList<(TreatmentGoal Goal, string Text)> goals, IReadOnlyList<GoalLevelRating> ratings, IEnumerable<RuptureRecord> ruptures)
    {
        var outcomes = ClientProgress.Outcomes(responses, find)
            .Where(s => s.Points.Count >= 2)
            .Select(s =>
            {
                var (firstAt, first) = s.Points[0];
                var (lastAt, last) = s.Points[^1];
                return new OutcomeChange(s.Instrument, firstAt, first, lastAt, last, ChangeAssessment.Assess(s.Instrument, first, last));
            }).ToList();
        var goalOutcomes = goals.Where(g => g.Goal.Kind == GoalKind.Goal).Select(g =>
        {
            var mine = ratings.Where(r => r.GoalId == g.Goal.Id).OrderBy(r => r.RatedAt).ToList();
            return new GoalOutcome(g.Text, g.Goal.Agreement, mine.FirstOrDefault()?.Level, mine.LastOrDefault()?.Level);
        }).ToList();
        var t = GoalAttainment.TScores(goals.Select(g => g.Goal), ratings);
        var rupturesList = ruptures.ToList();
        return new ClosingSummaryFacts(attendedSessions, openedAt, outcomes, goalOutcomes,
            t.Count > 0 ? t[0].T : null, t.Count > 0 ? t[^1].T : null,
            rupturesList.Count, rupturesList.Count(r => r.Resolution == RuptureResolution.Resolved || r.RecoveredAt is not null));
    }

    /// <summary>The draft, in plain sentences the clinician can edit before saving.</summary>
    public string Draft()
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(string.Create(c, $"{AttendedSessions} {(AttendedSessions == 1 ? "session" : "sessions")} attended since {OpenedAt:d MMMM yyyy}."));
        if (Outcomes.Count == 0)
            b.AppendLine("Fewer than two scores on any outcome measure, so no change can be stated.");
        foreach (var o in Outcomes)
        {
            var ch = o.Change;
            var category = ch.Category switch
            {
                ChangeCategory.Recovered => "recovered (a reliable improvement and now outside the clinical range)",
                ChangeCategory.Improved => "reliably improved",
                ChangeCategory.Deteriorated => "reliably deteriorated",
                ChangeCategory.Unchanged => "no reliable change",
                _ => ch.ReliableImprovement == true ? "reliably improved" : ch.ReliableDeterioration == true ? "reliably deteriorated" : "no reliable change",
            };
            var rc = ch.ReliableChangeValue is { } v ? string.Create(c, $" (reliable change is {v:0.##} points)") : "";
            var bands = ch.BandBefore is not null && ch.BandAfter is not null ? $"; {ch.BandBefore.ToLowerInvariant()} to {ch.BandAfter.ToLowerInvariant()}" : "";
            b.AppendLine(string.Create(c, $"{o.Instrument.ShortName}: {o.First:0.#} on {o.FirstAt:d MMM yyyy} to {o.Last:0.#} on {o.LastAt:d MMM yyyy}{bands}: {category}{rc}."));
        }
        if (Goals.Count > 0)
        {
            var scaled = Goals.Where(g => g.LastLevel is not null).ToList();
            b.AppendLine(string.Create(c, $"Goals: {Goals.Count(g => g.Agreement == GoalAgreement.Agreed)} of {Goals.Count} agreed; {scaled.Count(g => g.Reached)} of {scaled.Count} rated reached the expected level or better."));
            foreach (var g in scaled)
                b.AppendLine(string.Create(c, $"- {g.Text}: from {GoalAttainment.Signed(g.FirstLevel!.Value)} to {GoalAttainment.Signed(g.LastLevel!.Value)} ({GoalAttainment.LevelName(g.LastLevel.Value)})."));
            if (FirstTScore is { } t0 && LastTScore is { } t1)
                b.AppendLine(string.Create(c, $"Goal attainment T-score: {t0:0} at the first rating, {t1:0} at the last (50 = goals met as expected)."));
        }
        b.AppendLine(Ruptures == 0
            ? "No ruptures were logged."
            : string.Create(c, $"Ruptures logged: {Ruptures}; repaired: {RupturesRepaired}."));
        return b.ToString().TrimEnd();
    }
}
