using System.Text.Json.Serialization;
using Attune.Core.Instruments;

namespace Attune.Core.Scoring;

[JsonConverter(typeof(JsonStringEnumConverter<ChangeCategory>))]
public enum ChangeCategory { Recovered, Improved, Unchanged, Deteriorated }

/// <summary>How one score moved between two points, read the way the instrument points.</summary>
public sealed record ChangeResult
{
    public required string Instrument { get; init; }
    public required decimal Before { get; init; }
    public required decimal After { get; init; }
    /// <summary>After − before, in the instrument's own units.</summary>
    public required decimal Change { get; init; }
    /// <summary>Positive when the client is better off, whichever way the instrument points.</summary>
    public required decimal Improvement { get; init; }
    /// <summary>The change that counts as reliable; null when the instrument has no rule and none was given.</summary>
    public decimal? ReliableChangeValue { get; init; }
    /// <summary>"fixed" for a published value, "jacobson-truax" when computed from norms.</summary>
    public string? ReliableChangeMethod { get; init; }
    /// <summary>The reliable change index when computed from norms.</summary>
    public double? ReliableChangeIndex { get; init; }
    public bool? ReliableImprovement { get; init; }
    public bool? ReliableDeterioration { get; init; }
    public bool? ClinicalBefore { get; init; }
    public bool? ClinicalAfter { get; init; }
    public ChangeCategory? Category { get; init; }
    public string? BandBefore { get; init; }
    public string? BandAfter { get; init; }
    /// <summary>PHQ-9 only: a drop of at least half.</summary>
    public bool? Response { get; init; }
    /// <summary>PHQ-9 only: a score below 5.</summary>
    public bool? Remission { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>Reliable and clinically significant change for one instrument.</summary>
public static class ChangeAssessment
{
    public const string Phq9 = "phq-9";

    /// <param name="norms">Overrides the instrument's reliable-change rule with a standard deviation and reliability.</param>
    public static ChangeResult Assess(InstrumentDefinition d, decimal before, decimal after, ReliableChangeRule? norms = null)
    {
        foreach (var (name, value) in new[] { ("before", before), ("after", after) })
            if (value < d.Scoring.Min || value > d.Scoring.Max)
                throw new ArgumentOutOfRangeException(name, $"The {name} score {value} lies outside {d.ShortName}'s range {d.Scoring.Min}–{d.Scoring.Max}.");

        var change = after - before;
        var improvement = d.Direction == ScoreDirection.HigherIsWorse ? -change : change;
        var rule = norms ?? d.ReliableChange;
        var notes = new List<string>();

        decimal? rcValue = null;
        string? method = null;
        double? index = null;
        bool? reliablyBetter = null, reliablyWorse = null;
        if (rule?.StandardDeviation is { } sd && rule.Reliability is { } rxx && (norms is not null || rule.Value is null))
        {
            index = JacobsonTruax.Index((double)before, (double)after, sd, rxx);
            rcValue = (decimal)Math.Round(JacobsonTruax.ReliableChangeValue(sd, rxx), 2);
            method = "jacobson-truax";
            var directed = d.Direction == ScoreDirection.HigherIsWorse ? -index.Value : index.Value;
            reliablyBetter = directed > JacobsonTruax.ReliableIndex;
            reliablyWorse = directed < -JacobsonTruax.ReliableIndex;
        }
        else if (rule?.Value is { } fixedValue)
        {
            rcValue = fixedValue;
            method = "fixed";
            reliablyBetter = improvement >= fixedValue;
            reliablyWorse = -improvement >= fixedValue;
        }
        else
        {
            notes.Add($"{d.ShortName} has no reliable-change value; give a standard deviation and reliability to compute one.");
        }

        var clinicalBefore = d.IsClinical(before);
        var clinicalAfter = d.IsClinical(after);
        if (d.Cutoff is null)
            notes.Add($"{d.ShortName} has no clinical cut-off, so recovery cannot be judged.");

        ChangeCategory? category = null;
        if (reliablyBetter is not null)
        {
            category = reliablyWorse == true ? ChangeCategory.Deteriorated
                : reliablyBetter == true && clinicalBefore == true && clinicalAfter == false ? ChangeCategory.Recovered
                : reliablyBetter == true ? ChangeCategory.Improved
                : ChangeCategory.Unchanged;
        }

        bool? response = null, remission = null;
        if (string.Equals(d.Id, Phq9, StringComparison.OrdinalIgnoreCase))
        {
            response = before > 0 && after <= before / 2;
            remission = after < 5;
        }

        return new ChangeResult
        {
            Instrument = d.Id,
            Before = before,
            After = after,
            Change = change,
            Improvement = improvement,
            ReliableChangeValue = rcValue,
            ReliableChangeMethod = method,
            ReliableChangeIndex = index is null ? null : Math.Round(index.Value, 3),
            ReliableImprovement = reliablyBetter,
            ReliableDeterioration = reliablyWorse,
            ClinicalBefore = clinicalBefore,
            ClinicalAfter = clinicalAfter,
            Category = category,
            BandBefore = d.BandFor(before)?.Label,
            BandAfter = d.BandFor(after)?.Label,
            Response = response,
            Remission = remission,
            Notes = notes,
        };
    }
}
