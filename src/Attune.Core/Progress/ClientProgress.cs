using System.Globalization;
using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Scoring;

namespace Attune.Core.Progress;

/// <summary>Something worth celebrating, in plain words, and when it happened.</summary>
/// <param name="Text">As the client reads it on their progress page ("Your PHQ-9 score has dropped…").</param>
/// <param name="ForClinician">As the clinician reads it on the timeline ("PHQ-9 reliably improved…").</param>
public sealed record Milestone(string Text, DateTimeOffset At, string ForClinician);

/// <summary>One measure's scores over time, as the client's progress page draws them.</summary>
public sealed record ScoreSeries(InstrumentDefinition Instrument, IReadOnlyList<(DateTimeOffset At, decimal Score)> Points)
{
    public decimal? Cutoff => Instrument.Cutoff?.Value;

    /// <summary>
    /// The band around the first score within which a change is not yet reliable (the instrument's published
    /// reliable-change value): inside it, a change may be the usual ups and downs.
    /// </summary>
    public (decimal Low, decimal High)? UsualVariation =>
        Instrument.ReliableChange?.Value is { } rc && Points.Count > 0
            ? (Math.Max(Instrument.Scoring.Min, Points[0].Score - rc), Math.Min(Instrument.Scoring.Max, Points[0].Score + rc))
            : null;
}

/// <summary>What the client's own progress page shows, worked out from their responses in one relationship.</summary>
public static class ClientProgress
{
    public const string ConnectionCheck = "connection-check";

    /// <summary>Every outcome measure the client has answered, oldest score first.</summary>
    public static IReadOnlyList<ScoreSeries> Outcomes(IEnumerable<InstrumentResponse> responses, Func<string, InstrumentDefinition?> find) =>
        responses.GroupBy(r => r.Instrument)
            .Select(g => (Definition: find(g.Key), Responses: g))
            .Where(x => x.Definition is { Purpose: InstrumentPurpose.Outcome })
            .Select(x => new ScoreSeries(x.Definition!, x.Responses.OrderBy(r => r.CompletedAt).Select(r => (r.CompletedAt, r.Score)).ToList()))
            .OrderBy(s => s.Instrument.ShortName)
            .ToList();

    /// <summary>The Connection Check (mean of the seven session items, 0–10) over time.</summary>
    public static ScoreSeries? Connection(IEnumerable<InstrumentResponse> responses, Func<string, InstrumentDefinition?> find) =>
        find(ConnectionCheck) is { } d && responses.Where(r => r.Instrument == ConnectionCheck).OrderBy(r => r.CompletedAt).ToList() is { Count: > 0 } list
            ? new ScoreSeries(d, list.Select(r => (r.CompletedAt, r.Score)).ToList())
            : null;

    /// <summary>
    /// Milestones, each dated by the response at which it was first reached: a reliable improvement from the first
    /// score, moving below an outcome measure's clinical cut-off, PHQ-9 remission (below 5), and check-ins shared.
    /// </summary>
    public static IReadOnlyList<Milestone> Milestones(IEnumerable<InstrumentResponse> responses, Func<string, InstrumentDefinition?> find)
    {
        var all = responses.OrderBy(r => r.CompletedAt).ToList();
        var milestones = new List<Milestone>();
        foreach (var series in Outcomes(all, find))
        {
            var d = series.Instrument;
            var first = series.Points[0].Score;
            bool reliable = false, belowCutoff = false, remission = false;
            foreach (var (at, score) in series.Points.Skip(1))
            {
                var change = ChangeAssessment.Assess(d, first, score);
                if (!reliable && change.ReliableImprovement == true)
                {
                    reliable = true;
                    var way = d.Direction == ScoreDirection.HigherIsWorse ? "dropped" : "risen";
                    milestones.Add(new Milestone(
                        $"Your {d.ShortName} score has {way} by a reliable amount, from {Format(first)} to {Format(score)}: more than the usual ups and downs.", at,
                        $"{d.ShortName} reliably improved since the first score, {Format(first)} → {Format(score)}"));
                }
                if (!belowCutoff && change.ClinicalBefore == true && change.ClinicalAfter == false)
                {
                    belowCutoff = true;
                    var side = d.Direction == ScoreDirection.HigherIsWorse ? "below" : "above";
                    milestones.Add(new Milestone(
                        $"Your {d.ShortName} score is now {side} the clinical cut-off ({Format(d.Cutoff!.Value)}), the level clinics use to decide that someone's difficulties need treatment.", at,
                        $"{d.ShortName} {Format(score)}: out of the clinical range ({side} the cut-off of {Format(d.Cutoff!.Value)})"));
                }
                if (!remission && change.Remission == true && first >= 5)
                {
                    remission = true;
                    milestones.Add(new Milestone($"Your {d.ShortName} score is below 5, in the range of minimal symptoms.", at,
                        $"{d.ShortName} {Format(score)}: below 5, remission (minimal symptoms)"));
                }
            }
        }
        var shared = all.Where(r => r.Instrument == ConnectionCheck).ToList();
        for (var n = 1; n <= shared.Count; n++)
            if (n == 1 || n % 5 == 0)
                milestones.Add(new Milestone(n == 1
                    ? "You shared your first Connection Check: your therapist now hears how sessions feel to you."
                    : $"You have shared {n} Connection Checks. Thank you for telling your therapist how sessions feel.", shared[n - 1].CompletedAt,
                    n == 1 ? "First Connection Check shared by the client" : $"{n} Connection Checks shared by the client"));
        return milestones.OrderByDescending(m => m.At).ToList();
    }

    private static string Format(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
