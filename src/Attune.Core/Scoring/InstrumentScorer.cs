using Attune.Core.Instruments;

namespace Attune.Core.Scoring;

public sealed record SubscaleScore(string Id, string Name, decimal? Score);

public sealed record CriticalFlag(string ItemId, decimal Answer, string Reason);

/// <summary>The scored result of one completed instrument.</summary>
public sealed record ScoreResult
{
    public required string Instrument { get; init; }
    /// <summary>The instrument's score: a sum (prorated where the rule allows) or a mean.</summary>
    public required decimal Score { get; init; }
    public required ScoringMethod Method { get; init; }
    public decimal Min { get; init; }
    public decimal Max { get; init; }
    public string? Band { get; init; }
    /// <summary>True in the clinical range by the instrument's cut-off; null where it has none.</summary>
    public bool? Clinical { get; init; }
    public decimal? Cutoff { get; init; }
    public IReadOnlyList<SubscaleScore> Subscales { get; init; } = [];
    public IReadOnlyList<CriticalFlag> CriticalFlags { get; init; } = [];
    public bool Prorated { get; init; }
    public int Answered { get; init; }
    public int Missing { get; init; }
    public bool IsRisk => CriticalFlags.Count > 0;
}

/// <summary>A problem with one answer, or with the answers as a whole (ItemId null).</summary>
public sealed record AnswerError(string? ItemId, string Message);

public sealed record ScoringOutcome(ScoreResult? Result, IReadOnlyList<AnswerError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Result is not null;
}

/// <summary>Scores answers against an instrument definition. Pure: no I/O, no clock.</summary>
public static class InstrumentScorer
{
    /// <param name="answers">Numeric answers by item id; absent or null means unanswered. Text items are not scored here.</param>
    public static ScoringOutcome Score(InstrumentDefinition d, IReadOnlyDictionary<string, decimal?> answers)
    {
        var errors = Validate(d, answers);
        if (errors.Count > 0)
            return new ScoringOutcome(null, errors);

        var scored = d.ScoredItems.ToList();
        var answered = scored.Where(i => answers.GetValueOrDefault(i.Id) is not null).ToList();
        var missing = scored.Count - answered.Count;
        var weights = answered.Select(i => d.WeightOf(i, answers[i.Id]!.Value)).ToList();

        decimal score;
        var prorated = false;
        if (d.Scoring.Method == ScoringMethod.Mean)
        {
            score = weights.Average();
        }
        else
        {
            score = weights.Sum();
            if (missing > 0 && d.Scoring.Prorate)
            {
                score = score * scored.Count / answered.Count;
                prorated = true;
            }
        }
        score = Math.Round(score, d.Scoring.Decimals, MidpointRounding.AwayFromZero);

        var subscales = d.Subscales.Select(s =>
        {
            var values = s.Items.Select(id => answers.GetValueOrDefault(id) is { } v ? d.WeightOf(d.FindItem(id)!, v) : (decimal?)null).ToList();
            decimal? value = values.Any(v => v is null) ? null
                : s.Method == ScoringMethod.Mean ? Math.Round(values.Average()!.Value, 2) : values.Sum();
            return new SubscaleScore(s.Id, s.Name, value);
        }).ToList();

        // Critical items are read from the raw answer on every item, scored or not, answered as given.
        var flags = d.NumericItems
            .Where(i => i.Critical is not null && answers.GetValueOrDefault(i.Id) is { } v && v >= i.Critical.AtLeast)
            .Select(i => new CriticalFlag(i.Id, answers[i.Id]!.Value, i.Critical!.Reason))
            .ToList();

        return new ScoringOutcome(new ScoreResult
        {
            Instrument = d.Id,
            Score = score,
            Method = d.Scoring.Method,
            Min = d.Scoring.Min,
            Max = d.Scoring.Max,
            Band = d.BandFor(score)?.Label,
            Clinical = d.IsClinical(score),
            Cutoff = d.Cutoff?.Value,
            Subscales = subscales,
            CriticalFlags = flags,
            Prorated = prorated,
            Answered = answered.Count,
            Missing = missing,
        }, []);
    }

    public static IReadOnlyList<AnswerError> Validate(InstrumentDefinition d, IReadOnlyDictionary<string, decimal?> answers)
    {
        var errors = new List<AnswerError>();
        foreach (var key in answers.Keys)
        {
            var item = d.FindItem(key);
            if (item is null)
                errors.Add(new AnswerError(key, $"{d.ShortName} has no item '{key}'."));
            else if (item.Kind == ItemKind.Text && answers[key] is not null)
                errors.Add(new AnswerError(key, "This item takes text, not a number."));
        }

        foreach (var item in d.NumericItems)
        {
            if (answers.GetValueOrDefault(item.Id) is not { } value)
                continue;
            if (item.Kind == ItemKind.Scale)
            {
                if (value < item.Min || value > item.Max)
                    errors.Add(new AnswerError(item.Id, $"Answer {value} is outside {item.Min}–{item.Max}."));
                else if (item.Step is { } step && (value - item.Min!.Value) % step != 0)
                    errors.Add(new AnswerError(item.Id, $"Answer {value} is not in steps of {step}."));
            }
            else if (d.OptionsFor(item).All(o => o.Value != value))
            {
                errors.Add(new AnswerError(item.Id, $"Answer {value} is not one of the options ({string.Join(", ", d.OptionsFor(item).Select(o => o.Value))})."));
            }
        }

        var scored = d.ScoredItems.ToList();
        var unanswered = scored.Where(i => answers.GetValueOrDefault(i.Id) is null).ToList();
        if (unanswered.Count > d.Scoring.MaxMissing)
        {
            var allowed = d.Scoring.MaxMissing == 0 ? "every item needs an answer" : $"at most {d.Scoring.MaxMissing} may be left out";
            errors.Add(new AnswerError(null, $"{unanswered.Count} of {scored.Count} scored items are unanswered ({string.Join(", ", unanswered.Select(i => i.Id))}); {allowed}."));
            errors.AddRange(unanswered.Select(i => new AnswerError(i.Id, "Please answer this question.")));
        }
        // Unscored but required items (the Connection Check's disconnection question) must be answered too.
        errors.AddRange(d.NumericItems
            .Where(i => !i.Scored && i.Required && answers.GetValueOrDefault(i.Id) is null)
            .Select(i => new AnswerError(i.Id, "Please answer this question.")));
        return errors;
    }
}
