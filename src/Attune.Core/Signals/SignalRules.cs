using System.Globalization;
using System.Text.Json.Serialization;
using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;

namespace Attune.Core.Signals;

/// <summary>The signals of PRODUCT.md's table.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SignalKind>))]
public enum SignalKind { Risk, LowAlliance, AllianceDrop, ClientReportedRupture, RuptureRepaired, NotOnTrack, FitCheck, PerceptionGap, Engagement, GoalDisagreement }

/// <summary>
/// One thing a rule found, with why in plain words. <see cref="Key"/> names the problem, so that one ongoing problem
/// is one alert: the same key found again is the same signal, not a new one.
/// </summary>
public sealed record Signal(SignalKind Kind, bool Urgent, string Explanation, string Key, DateTimeOffset At, Guid? ResponseId = null);

/// <summary>
/// A clinic's settings for the rules. The defaults are PRODUCT.md's; where PRODUCT.md gives no number the rule is off
/// until the clinic sets one (<see cref="WaiSrLowBelow"/>, <see cref="LongGapDays"/>) or has no limit
/// (<see cref="RepairWindowSessions"/>).
/// </summary>
public sealed record SignalSettings
{
    /// <summary>Connection Check: low alliance when the mean is below this…</summary>
    public decimal LowAllianceMeanBelow { get; init; } = 9m;
    /// <summary>…or any of the seven session items is at or below this.</summary>
    public decimal LowAllianceItemAtOrBelow { get; init; } = 6m;
    /// <summary>A drop: the mean falls this far or more below the client's own running baseline.</summary>
    public decimal AllianceDropAtLeast { get; init; } = 1m;
    /// <summary>SRS: low below this (PCOMS).</summary>
    public decimal SrsLowBelow { get; init; } = 36m;
    /// <summary>SRS: a drop of at least this from the previous SRS.</summary>
    public decimal SrsDropAtLeast { get; init; } = 1m;
    /// <summary>WAI-SR total below which the alliance is low; off unless the clinic sets it.</summary>
    public decimal? WaiSrLowBelow { get; init; }
    /// <summary>A drop counts as repaired when the mean is back at the baseline within this many later Connection Checks; null: any later one.</summary>
    public int? RepairWindowSessions { get; init; }
    /// <summary>The clinician's "connected" rating this far or more above the client's Connection Check mean.</summary>
    public decimal PerceptionGapAtLeast { get; init; } = 3m;
    /// <summary>Days without an attended session, in an open relationship, that count as a long gap; off unless set.</summary>
    public int? LongGapDays { get; init; }

    /// <summary>
    /// What is wrong with these levels, field by field (the property's name in camel case), or nothing. The ranges are
    /// those of the measures: the Connection Check's items and mean run 0–10, the SRS total 0–40, the WAI-SR total
    /// 12–60 (12 items scored 1–5).
    /// </summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        void Range(decimal value, decimal min, decimal max, string field, string what)
        {
            if (value < min || value > max) problems.Add((field, $"{what} must be between {min} and {max}."));
        }
        Range(LowAllianceMeanBelow, 0.5m, 10m, "lowAllianceMeanBelow", "The Connection Check mean");
        Range(LowAllianceItemAtOrBelow, 0m, 9.5m, "lowAllianceItemAtOrBelow", "The Connection Check item level");
        Range(AllianceDropAtLeast, 0.1m, 10m, "allianceDropAtLeast", "The alliance drop");
        Range(SrsLowBelow, 1m, 40m, "srsLowBelow", "The SRS level");
        Range(SrsDropAtLeast, 0.1m, 40m, "srsDropAtLeast", "The SRS drop");
        if (WaiSrLowBelow is { } wai) Range(wai, 13m, 60m, "waiSrLowBelow", "The WAI-SR level");
        if (RepairWindowSessions is { } n && n is < 1 or > 52) problems.Add(("repairWindowSessions", "The repair window must be between 1 and 52 Connection Checks, or empty for any later one."));
        Range(PerceptionGapAtLeast, 0.5m, 10m, "perceptionGapAtLeast", "The perception gap");
        if (LongGapDays is { } d && d is < 1 or > 365) problems.Add(("longGapDays", "The long gap must be between 1 and 365 days, or empty for off."));
        return problems;
    }
}

/// <summary>
/// The clinician's own reflection after a session: "I felt connected with this client today" (0–10) and any tension
/// or distance they noticed.
/// </summary>
public sealed record ClinicianRating(Guid SessionId, decimal Connected, DateTimeOffset At, Reflections.Tension Tension = Reflections.Tension.None);

/// <summary>Everything the rules read about one relationship.</summary>
/// <param name="Windows">
/// The measures of which <see cref="Responses"/> holds a window rather than every response (a long history read as its
/// first response and its latest, <see cref="SeriesWindow"/>); a measure not named here is there whole.
/// </param>
public sealed record SignalInput(
    TherapeuticRelationship Relationship,
    IReadOnlyList<InstrumentResponse> Responses,
    IReadOnlyList<CheckIn> CheckIns,
    IReadOnlyList<ClinicianRating> ClinicianRatings,
    DateTimeOffset Now,
    IReadOnlyDictionary<string, ExpectedResponseTable>? Expected = null,
    IReadOnlyList<Goals.TreatmentGoal>? Goals = null,
    string? Therapist = null,
    IReadOnlyDictionary<string, SeriesWindow>? Windows = null)
{
    /// <summary>The treating clinician by name, for explanations read by them and by their supervisor alike ("Sam Rivera rated…").</summary>
    public string TherapistName => string.IsNullOrWhiteSpace(Therapist) ? "The therapist" : Therapist;

    /// <summary>
    /// A measure's responses in time order: all of them, or for a windowed measure its first and its latest (see
    /// <see cref="SeriesOf"/> for their places in the whole series).
    /// </summary>
    public IEnumerable<InstrumentResponse> Of(string instrument) => SeriesOf(instrument).Select(p => p.Response);

    /// <summary>
    /// A measure's responses in time order, each with its place in the client's whole series (1 for the first). Of a
    /// windowed measure, the first response and those from <see cref="SeriesWindow.LatestFrom"/> on, numbered back from
    /// <see cref="SeriesWindow.Count"/>; other responses of it read for another rule (a risk answer) are left out.
    /// </summary>
    public IReadOnlyList<(InstrumentResponse Response, int Number)> SeriesOf(string instrument)
    {
        var ordered = Responses.Where(r => r.Instrument == instrument).OrderBy(r => r.CompletedAt).ToList();
        if (Windows?.GetValueOrDefault(instrument) is not { } window)
            return ordered.Select((r, i) => (r, i + 1)).ToList();
        var kept = ordered.Where((r, i) => i == 0 || r.CompletedAt >= window.LatestFrom).ToList();
        return kept.Select((r, i) => (r, i == 0 ? 1 : window.Count - (kept.Count - 1 - i))).ToList();
    }
}

/// <summary>
/// A long series read as a window: <see cref="Count"/> responses in all, of which the input holds the first and every one
/// completed at or after <see cref="LatestFrom"/>. The rules need no more of a series than this, save a run of
/// off-track scores reaching back past the window (<see cref="NotOnTrackRule.NeedsWholeSeries"/>) and, of the
/// Connection Checks, what <see cref="AllianceBaseline.NeedsWholeSeries"/> names.
/// </summary>
/// <param name="ScoreSum">The sum of every score of the series (the Connection Checks', for the running baseline).</param>
public sealed record SeriesWindow(int Count, DateTimeOffset LatestFrom, decimal? ScoreSum = null);

public interface ISignalRule
{
    SignalKind Kind { get; }
    IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find);
}

/// <summary>Runs every rule. Rules are small and separately tested; this only gathers what they find.</summary>
public static class SignalEngine
{
    public static readonly IReadOnlyList<ISignalRule> Rules =
    [
        new RiskRule(), new LowAllianceRule(), new AllianceDropRule(), new ClientReportedRuptureRule(), new RuptureRepairedRule(),
        new NotOnTrackRule(), new FitCheckRule(), new PerceptionGapRule(), new EngagementRule(), new GoalDisagreementRule(),
    ];

    public static IReadOnlyList<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find) =>
        Rules.SelectMany(r => r.Evaluate(input, settings, find)).DistinctBy(s => s.Key).ToList();

    /// <summary>The measures whose answers a rule reads: the Connection Check's items and moment, the fit check's answers.</summary>
    public static readonly IReadOnlyList<string> AnswersReadFor = ["connection-check", Relationships.FitCheck.InstrumentId];

    /// <summary>
    /// Whether the rules read a response whole (its answers, or for a risk answer the critical items that name the
    /// alert), or only its score and time (<see cref="InstrumentResponse.ScoreOnly"/>), so that a long history of
    /// outcome measures is read as scores. A test holds every rule to giving the same signals either way.
    /// </summary>
    public static bool ReadsWhole(InstrumentResponse response) => response.IsRisk || AnswersReadFor.Contains(response.Instrument);

    internal static string F(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);
    internal static string D(DateTimeOffset at) => at.ToString("d MMM", CultureInfo.InvariantCulture);
}

/// <summary>PHQ-9 item 9 ≥ 1 or CORE-10 item 6 ≥ 1 (the instruments' critical items): urgent.</summary>
public sealed class RiskRule : ISignalRule
{
    public SignalKind Kind => SignalKind.Risk;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find) =>
        input.Responses.Where(r => r.IsRisk).Select(r => For(r, find));

    /// <summary>
    /// The risk signal of one response, as the check-in raises it the moment the answer is saved. It names each critical
    /// item with the answer given, in the measure's own words ("PHQ-9 item 9: …, answered “Nearly every day” (3)"), so
    /// the clinician knows how often before opening anything.
    /// </summary>
    public static Signal For(InstrumentResponse r, Func<string, InstrumentDefinition?> find)
    {
        var d = find(r.Instrument);
        var name = d?.ShortName ?? r.Instrument;
        string Flag(Scoring.CriticalFlag f)
        {
            var label = d?.FindItem(f.ItemId) is { } item ? d.OptionsFor(item).FirstOrDefault(o => o.Value == f.Answer)?.Label : null;
            var value = f.Answer.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
            var reason = f.Reason.StartsWith(name, StringComparison.Ordinal) ? f.Reason : $"{name}: {f.Reason}";
            return $"{reason}, answered {(label is null ? value : $"“{label}” ({value})")}";
        }
        return new(SignalKind.Risk, true, $"{string.Join("; ", r.Result.CriticalFlags.Select(Flag))}.", $"risk:{r.Id}", r.CompletedAt, r.Id);
    }
}

/// <summary>Connection Check mean below 9 or any session item at 6 or lower; SRS below 36; WAI-SR below the clinic's level.</summary>
public sealed class LowAllianceRule : ISignalRule
{
    public static readonly string[] SessionItems = ["heard", "safe", "seen", "goals", "approach", "room", "overall"];

    public SignalKind Kind => SignalKind.LowAlliance;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        var all = input.Of("connection-check").ToList();
        if (all.Count > 0 && Why(all[^1], settings, find) is { } why)
        {
            // One alert for a run of low Connection Checks: the key names the first of the run.
            var (start, from) = (all.Count - 1, AllianceBaseline.Unbroken(input));
            while (start > from && Why(all[start - 1], settings, find) is not null) start--;
            yield return new Signal(Kind, false, why, $"low-alliance:{all[start].Id}", all[^1].CompletedAt, all[^1].Id);
        }
        if (input.Of("srs").LastOrDefault() is { } srs && srs.Score < settings.SrsLowBelow)
            yield return new Signal(Kind, false, $"SRS {SignalEngine.F(srs.Score)}, below {SignalEngine.F(settings.SrsLowBelow)}.", $"low-alliance:{srs.Id}", srs.CompletedAt, srs.Id);
        if (settings.WaiSrLowBelow is { } waiLow && input.Of("wai-sr").LastOrDefault() is { } wai && wai.Score < waiLow)
            yield return new Signal(Kind, false, $"WAI-SR {SignalEngine.F(wai.Score)}, below the clinic's level of {SignalEngine.F(waiLow)}.", $"low-alliance:{wai.Id}", wai.CompletedAt, wai.Id);
    }

    /// <summary>Why a Connection Check is low, or null.</summary>
    internal static string? Why(InstrumentResponse cc, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        var low = SessionItems.Where(i => cc.Answers.TryGetValue(i, out var v) && v <= settings.LowAllianceItemAtOrBelow)
            .Select(i => $"“{find("connection-check")?.FindItem(i)?.Label ?? i}” {SignalEngine.F(cc.Answers[i])}").ToList();
        var why = new List<string>();
        if (cc.Score < settings.LowAllianceMeanBelow) why.Add($"Connection Check mean {cc.Score:0.0}, below {SignalEngine.F(settings.LowAllianceMeanBelow)}");
        if (low.Count > 0) why.Add($"{string.Join(", ", low)} (at or below {SignalEngine.F(settings.LowAllianceItemAtOrBelow)})");
        return why.Count == 0 ? null : string.Join("; ", why) + ".";
    }
}

/// <summary>
/// The client's own running baseline: the mean of their earlier Connection Check means. A long series of Checks may be
/// read as a window (its first and latest, <see cref="SeriesWindow"/>) with the sum of all their means, from which the
/// baseline of each of the latest is exact; the rules that read the Checks need no more of them, save where
/// <see cref="NeedsWholeSeries"/> says.
/// </summary>
public static class AllianceBaseline
{
    public const string Instrument = "connection-check";

    /// <summary>
    /// For each Connection Check after the first, in time order: the response, the mean of all before it, and its place
    /// in <see cref="SignalInput.Of"/>.
    /// </summary>
    public static IEnumerable<(InstrumentResponse Response, decimal Baseline, int Index)> WithBaselines(SignalInput input)
    {
        var series = input.SeriesOf(Instrument);
        if (input.Windows?.GetValueOrDefault(Instrument) is not { } window)
        {
            for (var i = 1; i < series.Count; i++)
                yield return (series[i].Response, series.Take(i).Average(p => p.Response.Score), i);
            yield break;
        }
        // The sum of the means before each of the latest: the whole series' sum less theirs from it on.
        var before = (window.ScoreSum ?? throw new InvalidOperationException("A window of Connection Checks needs the sum of their means."))
            - series.Skip(1).Sum(p => p.Response.Score);
        for (var i = 1; i < series.Count; i++)
        {
            yield return (series[i].Response, before / (series[i].Number - 1), i);
            before += series[i].Response.Score;
        }
    }

    /// <summary>
    /// The place in <see cref="SignalInput.Of"/> from which the Connection Checks are the series' own latest run without a
    /// gap: 0, or 1 when the input holds a window that leaves out Checks between the first and the latest.
    /// </summary>
    public static int Unbroken(SignalInput input) =>
        input.Windows?.ContainsKey(Instrument) == true && input.SeriesOf(Instrument) is { Count: > 1 } s && s[1].Number > 2 ? 1 : 0;

    /// <summary>
    /// Whether a window of Connection Checks is not enough: a run of low Checks reaches back to the earliest of the
    /// latest (where it began is not read), or the latest Check could be the repair of a drop before them. That needs the
    /// latest above every other of the latest read (a drop not yet repaired left every later Check below its baseline)
    /// and, with a repair window, the window reaching back past them.
    /// </summary>
    public static bool NeedsWholeSeries(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        if (Unbroken(input) == 0) return false;
        var latest = input.SeriesOf(Instrument).Skip(1).ToList();
        if (latest.All(p => LowAllianceRule.Why(p.Response, settings, find) is not null)) return true;
        var last = latest[^1];
        var unreadUpTo = latest[0].Number - 1;
        if (settings.RepairWindowSessions is { } w && last.Number - unreadUpTo > w) return false;
        return latest.SkipLast(1).All(p => p.Response.Score < last.Response.Score);
    }
}

/// <summary>
/// The Connection Check mean falls 1 or more below the client's running baseline; the SRS drops by 1 or more; the
/// clinician noticed tension or distance (withdrawal or confrontation) in their reflection on the latest session.
/// </summary>
public sealed class AllianceDropRule : ISignalRule
{
    public SignalKind Kind => SignalKind.AllianceDrop;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        if (AllianceBaseline.WithBaselines(input).LastOrDefault() is { Response: { } last } latest && latest.Baseline - last.Score >= settings.AllianceDropAtLeast)
            yield return new Signal(Kind, false,
                $"Connection Check mean {last.Score:0.0}, {latest.Baseline - last.Score:0.0} below this client's usual {latest.Baseline:0.0}.",
                $"alliance-drop:{last.Id}", last.CompletedAt, last.Id);
        var srs = input.Of("srs").ToList();
        if (srs.Count >= 2 && srs[^2].Score - srs[^1].Score >= settings.SrsDropAtLeast)
            yield return new Signal(Kind, false, $"SRS fell from {SignalEngine.F(srs[^2].Score)} to {SignalEngine.F(srs[^1].Score)}.",
                $"alliance-drop:{srs[^1].Id}", srs[^1].CompletedAt, srs[^1].Id);
        if (input.ClinicianRatings.MaxBy(r => r.At) is { Tension: not Reflections.Tension.None } tense)
            yield return new Signal(Kind, false,
                $"In {(input.Therapist is { Length: > 0 } t ? t + "'s" : "the therapist's")} reflection of {SignalEngine.D(tense.At)} they noticed {(tense.Tension == Reflections.Tension.Withdrawal ? "withdrawal" : "confrontation")}: a possible rupture to come back to.",
                $"tension:{tense.SessionId}", tense.At);
    }
}

/// <summary>The client answered "Yes" to a moment of disconnection, or "A little" twice running.</summary>
public sealed class ClientReportedRuptureRule : ISignalRule
{
    public SignalKind Kind => SignalKind.ClientReportedRupture;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        var cc = input.Of("connection-check").ToList();
        if (cc.Count == 0 || !cc[^1].Answers.TryGetValue("moment", out var moment)) yield break;
        var last = cc[^1];
        if (moment >= 2)
            yield return new Signal(Kind, false, "The client said “Yes”: there was a moment in the session when they felt misunderstood, uncomfortable or disconnected.",
                $"rupture:{last.Id}", last.CompletedAt, last.Id);
        else if (moment == 1 && cc.Count >= 2 && cc[^2].Answers.TryGetValue("moment", out var before) && before == 1)
            yield return new Signal(Kind, false, "The client said “A little” to a moment of disconnection two sessions running.",
                $"rupture:{last.Id}", last.CompletedAt, last.Id);
    }
}

/// <summary>A drop from the baseline followed by a return to it (the V-shaped sequence): shown as a strength.</summary>
public sealed class RuptureRepairedRule : ISignalRule
{
    public SignalKind Kind => SignalKind.RuptureRepaired;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        var cc = input.Of(AllianceBaseline.Instrument).ToList();
        foreach (var (drop, baseline, index) in AllianceBaseline.WithBaselines(input))
        {
            if (baseline - drop.Score < settings.AllianceDropAtLeast) continue;
            var later = cc.Skip(index + 1);
            if (settings.RepairWindowSessions is { } window) later = later.Take(window);
            if (later.FirstOrDefault(r => r.Score >= baseline) is { } recovered)
                yield return new Signal(Kind, false,
                    $"Connection Check back to {recovered.Score:0.0} on {SignalEngine.D(recovered.CompletedAt)} after falling to {drop.Score:0.0} on {SignalEngine.D(drop.CompletedAt)} (usual {baseline:0.0}): a rupture repaired.",
                    $"repaired:{drop.Id}", recovered.CompletedAt, recovered.Id);
        }
    }
}

/// <summary>
/// An outcome measure reliably worse than the client's first score (each measure's reliable-change value), or, where the
/// clinic's own history gives an expected treatment response, a score worse than its lower bound (red). Checked at
/// every measurement, not only at session 3, so late responders and late deterioration are both seen. A run of red
/// scores is one alert (the key names the first of the run).
/// </summary>
public sealed class NotOnTrackRule : ISignalRule
{
    public SignalKind Kind => SignalKind.NotOnTrack;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find) =>
        Find(input, find).SelectMany(f => f.Signals);

    /// <summary>
    /// The windowed measures (<see cref="SignalInput.Windows"/>) whose latest scores are all off track back to the start
    /// of the window: where the run began is not in the input, so the evaluator reads those series whole.
    /// </summary>
    public static IReadOnlyList<string> NeedsWholeSeries(SignalInput input, Func<string, InstrumentDefinition?> find) =>
        Find(input, find).Where(f => f.RunPassesWindow).Select(f => f.Instrument).ToList();

    private static IEnumerable<(string Instrument, IReadOnlyList<Signal> Signals, bool RunPassesWindow)> Find(SignalInput input, Func<string, InstrumentDefinition?> find)
    {
        foreach (var instrument in input.Responses.Select(r => r.Instrument).Distinct())
        {
            if (find(instrument) is not { Purpose: InstrumentPurpose.Outcome } d) continue;
            var series = input.SeriesOf(instrument);
            if (series.Count < 2) continue;
            var signals = new List<Signal>();
            var (first, last) = (series[0].Response, series[^1]);
            var change = ChangeAssessment.Assess(d, first.Score, last.Response.Score);
            if (change.ReliableDeterioration == true)
                signals.Add(new Signal(SignalKind.NotOnTrack, false,
                    $"{d.ShortName} {(d.Direction == ScoreDirection.HigherIsWorse ? "rose" : "fell")} from {SignalEngine.F(change.Before)} to {SignalEngine.F(change.After)}: a reliable deterioration (a change of {SignalEngine.F(change.ReliableChangeValue ?? 0)} or more).",
                    $"not-on-track:{d.Id}", last.Response.CompletedAt, last.Response.Id));
            var passes = false;
            if (input.Expected?.GetValueOrDefault(d.Id) is { } table)
            {
                // The k-th score's expectation depends only on the first score and k (ExpectedResponseTable.Track).
                Expectation? Red(int i) => i == 0 ? null
                    : table.For(first.Score, series[i].Number) is { Source: ExpectationSource.ClinicHistory } e && e.LightFor(series[i].Response.Score, d.Direction) == TrackLight.Red ? e : null;
                if (Red(series.Count - 1) is { } e)
                {
                    var start = series.Count - 1;
                    while (start > 1 && Red(start - 1) is not null) start--;
                    // The run reached the earliest of the window's latest scores, and there are unread scores before it.
                    passes = start == 1 && series[1].Number > 2;
                    signals.Add(new Signal(SignalKind.NotOnTrack, false,
                        $"{d.ShortName} {SignalEngine.F(last.Response.Score)} at measurement {last.Number}: worse than the lower bound of {SignalEngine.F(e.LowerBound)} for this clinic's clients who started in the same band ({e.IntakeBand}; expected {SignalEngine.F(e.Expected)}, from {e.Clients} clients).",
                        $"off-track:{series[start].Response.Id}", last.Response.CompletedAt, last.Response.Id));
                }
            }
            yield return (instrument, signals, passes);
        }
    }
}

/// <summary>"Not sure yet" or "No" at the fit check, or a request for another therapist.</summary>
public sealed class FitCheckRule : ISignalRule
{
    public SignalKind Kind => SignalKind.FitCheck;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        var last = input.Of(Relationships.FitCheck.InstrumentId).LastOrDefault();
        if (last is null || Relationships.FitCheck.Read(last) is not { NeedsConversation: true } fit) yield break;
        var answer = fit.Fit switch { FitAnswer.No => "No", FitAnswer.NotSureYet => "Not sure yet", _ => "Yes" };
        yield return new Signal(Kind, false,
            $"At the fit check the client answered “{answer}” to “Is this a good fit for me?”{(fit.ReferralRequested ? " and asked for help finding a different therapist" : "")}.",
            $"fit:{last.Id}", last.CompletedAt, last.Id);
    }
}

/// <summary>The clinician's "connected" rating 3 or more above the client's Connection Check mean for the same session.</summary>
public sealed class PerceptionGapRule : ISignalRule
{
    public SignalKind Kind => SignalKind.PerceptionGap;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        // Of every Connection Check read: with a window of them, the evaluator reads too those of the sessions rated.
        var checks = input.Responses.Where(r => r.Instrument == AllianceBaseline.Instrument).OrderBy(r => r.CompletedAt).ToList();
        foreach (var rating in input.ClinicianRatings)
        {
            var client = checks.LastOrDefault(r => r.SessionId == rating.SessionId);
            if (client is not null && rating.Connected - client.Score >= settings.PerceptionGapAtLeast)
                yield return new Signal(Kind, false,
                    $"{input.TherapistName} rated the connection {SignalEngine.F(rating.Connected)}; the client's Connection Check was {client.Score:0.0}. They may be missing something: therapists rarely foresee deterioration.",
                    $"perception-gap:{rating.SessionId}", client.CompletedAt > rating.At ? client.CompletedAt : rating.At, client.Id);
        }
    }
}

/// <summary>No-shows, check-ins not completed, and (when the clinic sets a number of days) a long gap since the last session.</summary>
public sealed class EngagementRule : ISignalRule
{
    public SignalKind Kind => SignalKind.Engagement;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        var r = input.Relationship;
        if (!r.IsOpen) yield break;
        var lastAttended = r.Sessions.Where(s => s.Attendance == SessionAttendance.Attended && s.StartsAt <= input.Now).MaxBy(s => s.StartsAt);
        // Only what happened since the last attended session: an old no-show followed by attendance is over.
        foreach (var s in r.Sessions.Where(s => s.Attendance == SessionAttendance.NoShow && (lastAttended is null || s.StartsAt > lastAttended.StartsAt)))
            yield return new Signal(Kind, false, $"No-show on {SignalEngine.D(s.StartsAt)}.", $"no-show:{s.Id}", s.StartsAt);
        foreach (var c in input.CheckIns.Where(c => c.Status == CheckInStatus.Pending && input.Now >= c.ExpiresAt && c.LastSavedAt is null))
            yield return new Signal(Kind, false, $"A check-in sent {SignalEngine.D(c.CreatedAt)} was not completed.", $"missed-checkin:{c.Id}", c.ExpiresAt);
        if (settings.LongGapDays is { } days && lastAttended is not null && (input.Now - lastAttended.StartsAt).TotalDays >= days
            && !r.Sessions.Any(s => s.StartsAt > input.Now && s.Attendance == SessionAttendance.Scheduled))
            yield return new Signal(Kind, false, $"No session for {(int)(input.Now - lastAttended.StartsAt).TotalDays} days and none scheduled.",
                $"long-gap:{lastAttended.Id}", input.Now);
    }
}

/// <summary>
/// Goals are agreed together (PRODUCT.md): a client who disagrees with a goal or task, or asks for it to change, is a
/// signal. The key carries the answer's time, so a goal reworded and disagreed with again is a new signal.
/// </summary>
public sealed class GoalDisagreementRule : ISignalRule
{
    public SignalKind Kind => SignalKind.GoalDisagreement;

    public IEnumerable<Signal> Evaluate(SignalInput input, SignalSettings settings, Func<string, InstrumentDefinition?> find)
    {
        if (!input.Relationship.IsOpen || input.Goals is null) yield break;
        foreach (var g in input.Goals.Where(g => g.NeedsConversation && g.RespondedAt is not null))
        {
            var what = g.Kind == Goals.GoalKind.Task ? "task" : "goal";
            var said = g.Agreement == Goals.GoalAgreement.Disagreed ? $"disagreed with a {what}" : $"asked for a change to a {what}";
            yield return new Signal(Kind, false, $"The client {said} on {SignalEngine.D(g.RespondedAt!.Value)}.",
                $"goal:{g.Id:N}:{g.RespondedAt.Value.UtcTicks}", g.RespondedAt.Value);
        }
    }
}
