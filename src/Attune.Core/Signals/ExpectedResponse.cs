using System.Text.Json.Serialization;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using MathNet.Numerics.Statistics;

namespace Attune.Core.Signals;

/// <summary>PCOMS's scheme: at or better than expected = green; between expected and the lower bound = amber; worse than the lower bound = red.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrackLight>))]
public enum TrackLight { Green, Amber, Red }

/// <summary>Where an expectation came from: the clinic's own closed relationships, or the documented fallback.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExpectationSource>))]
public enum ExpectationSource { ClinicHistory, Fallback }

/// <summary>
/// The score expected at one measurement for clients who started in the same intake band, and the lower bound
/// (the worse edge), both in the instrument's own units and direction.
/// </summary>
public sealed record Expectation(decimal Expected, decimal LowerBound, ExpectationSource Source, int Clients, string IntakeBand)
{
    public TrackLight LightFor(decimal score, ScoreDirection direction)
    {
        // Put every score on a "higher is better" line so that one comparison serves both directions.
        var sign = direction == ScoreDirection.HigherIsWorse ? -1 : 1;
        if (sign * score >= sign * Expected) return TrackLight.Green;
        return sign * score >= sign * LowerBound ? TrackLight.Amber : TrackLight.Red;
    }
}

/// <summary>
/// How expected treatment response is worked out. The percentiles are the clinic's to tune; the defaults are:
/// expected = the median of similar clients at that measurement; lower bound = the score that only the worst 15%
/// of them did worse than, so that, on the clinic's own history, about 15% of clients are red at any measurement,
/// the share OQ-Analyst's default flags (PRODUCT.md). A cell (intake band × measurement) needs
/// <see cref="MinimumClients"/> clients before its percentiles are used; until then the fallback applies.
/// </summary>
public sealed record ExpectedResponseSettings
{
    public double ExpectedPercentile { get; init; } = 50;
    /// <summary>The share of similar clients (in percent) who did worse than the lower bound.</summary>
    public double LowerBoundPercentile { get; init; } = 15;
    public int MinimumClients { get; init; } = 20;
}

/// <summary>One closed episode's scores on one measure, in order: the first is the intake score.</summary>
public sealed record ScoreHistory(IReadOnlyList<decimal> Scores);

/// <summary>
/// Expected treatment response for one instrument, from a clinic's closed relationships: clients are grouped by the
/// instrument's severity band at intake (their first score); for each later measurement k (the k-th score of the
/// episode; with the outcome measure before every session, session k) the percentiles of their scores give the
/// expected score and the lower bound.
///
/// Fallback while history is too thin (fewer than <see cref="ExpectedResponseSettings.MinimumClients"/> clients in a
/// cell): the expected score is the client's own intake score (no change), and the lower bound is the intake score
/// moved by the instrument's reliable-change value in the worse direction. So a client is green when at or better
/// than where they started, amber when worse but within the usual ups and downs, and red when reliably worse.
/// Instruments without a reliable-change value have no fallback (no light).
/// </summary>
public sealed class ExpectedResponseTable
{
    private readonly Dictionary<(string Band, int Measurement), (decimal Expected, decimal Lower, int N)> _cells = [];

    public ExpectedResponseTable(InstrumentDefinition instrument, IEnumerable<ScoreHistory> history, ExpectedResponseSettings? settings = null)
    {
        Instrument = instrument;
        Settings = settings ?? new ExpectedResponseSettings();
        var worseIsHigher = instrument.Direction == ScoreDirection.HigherIsWorse;
        var byCell = new Dictionary<(string, int), List<double>>();
        foreach (var episode in history.Where(h => h.Scores.Count >= 2))
        {
            var band = IntakeBand(episode.Scores[0]);
            for (var k = 2; k <= episode.Scores.Count; k++)
            {
                if (!byCell.TryGetValue((band, k), out var list)) byCell[(band, k)] = list = [];
                list.Add((double)episode.Scores[k - 1]);
            }
        }
        foreach (var ((band, k), scores) in byCell)
        {
            if (scores.Count < Settings.MinimumClients) continue;
            var expected = scores.Percentile(Settings.ExpectedPercentile);
            // The worse tail: for a higher-is-worse measure, the high scores.
            var lower = scores.Percentile(worseIsHigher ? 100 - Settings.LowerBoundPercentile : Settings.LowerBoundPercentile);
            _cells[(band, k)] = (Round(expected), Round(lower), scores.Count);
        }
        ClientsInHistory = history.Count(h => h.Scores.Count >= 2);
    }

    public InstrumentDefinition Instrument { get; }
    public ExpectedResponseSettings Settings { get; }
    public int ClientsInHistory { get; }
    /// <summary>How many (intake band, measurement) cells have enough history to use.</summary>
    public int CellsFromHistory => _cells.Count;

    /// <summary>The intake band a first score falls in: the instrument's severity band, or one band for all when it has none.</summary>
    public string IntakeBand(decimal intakeScore) => Instrument.BandFor(intakeScore)?.Label ?? "all";

    /// <summary>The expectation for a client who started at <paramref name="intakeScore"/>, at their k-th score (k ≥ 2); null when there is none.</summary>
    public Expectation? For(decimal intakeScore, int measurement)
    {
        if (measurement < 2) return null;
        var band = IntakeBand(intakeScore);
        if (_cells.TryGetValue((band, measurement), out var cell))
            return new Expectation(cell.Expected, cell.Lower, ExpectationSource.ClinicHistory, cell.N, band);
        if (Instrument.ReliableChange?.Value is not { } rc) return null;
        var worse = Instrument.Direction == ScoreDirection.HigherIsWorse ? rc : -rc;
        var lower = Math.Clamp(intakeScore + worse, Instrument.Scoring.Min, Instrument.Scoring.Max);
        return new Expectation(intakeScore, lower, ExpectationSource.Fallback, 0, band);
    }

    /// <summary>The light of each score in a client's series (null for the intake score, or when there is no expectation).</summary>
    public IReadOnlyList<(decimal Score, Expectation? Expectation, TrackLight? Light)> Track(IReadOnlyList<decimal> scores) =>
        scores.Select((s, i) =>
        {
            var e = i == 0 ? null : For(scores[0], i + 1);
            return (s, e, e?.LightFor(s, Instrument.Direction));
        }).ToList();

    private static decimal Round(double value) => Math.Round((decimal)value, 1, MidpointRounding.AwayFromZero);
}

internal static class PercentileExtensions
{
    /// <summary>The p-th percentile (0–100) by linear interpolation between order statistics (Hyndman–Fan type 7, as R and Excel do).</summary>
    public static double Percentile(this List<double> values, double p) =>
        values.QuantileCustom(p / 100, QuantileDefinition.R7);
}
