using System.Text.Json.Serialization;

namespace Attune.Core.Instruments;

/// <summary>
/// What an instrument measures, which decides where it appears and how its signals read. <see cref="Wellbeing"/>: the
/// clinician's own (ProQOL), answered in their wellbeing check and never sent to a client.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstrumentPurpose>))]
public enum InstrumentPurpose { Outcome, Alliance, Wellbeing }

/// <summary>Whether a higher score means more distress (PHQ-9) or a better state (ORS).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScoreDirection>))]
public enum ScoreDirection { HigherIsWorse, HigherIsBetter }

/// <summary>Whether item text ships with Attune or must come from the clinic's licence file.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TextLicence>))]
public enum TextLicence { Open, Verbatim, LicenceFile }

[JsonConverter(typeof(JsonStringEnumConverter<ItemKind>))]
public enum ItemKind { Choice, Scale, Text }

[JsonConverter(typeof(JsonStringEnumConverter<ScoringMethod>))]
public enum ScoringMethod { Sum, Mean }

/// <summary>
/// One instrument, as data: items, answer options and weights, subscales, reverse keying,
/// missing-item rule, bands, cut-off, reliable change, direction, critical items and codes.
/// Loaded from the JSON files in Instruments/Definitions.
/// </summary>
public sealed record InstrumentDefinition
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string ShortName { get; init; }
    public string Version { get; init; } = "1";
    public InstrumentPurpose Purpose { get; init; }
    /// <summary>Whether a client answers it (every instrument but the clinician's own wellbeing ones).</summary>
    public bool ForClients => Purpose != InstrumentPurpose.Wellbeing;
    public TextLicence TextLicence { get; init; }
    public string? Attribution { get; init; }
    public string? Description { get; init; }
    /// <summary>Shown to the client before the items, e.g. the fit check's word that their view of the fit matters.</summary>
    public string? Preamble { get; init; }
    public string? Stem { get; init; }
    /// <summary>Days the stem looks back over; informs scheduling.</summary>
    public int? RecallPeriodDays { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<ResponseOption>> ResponseSets { get; init; } =
        new Dictionary<string, IReadOnlyList<ResponseOption>>();
    public required IReadOnlyList<InstrumentItem> Items { get; init; }
    public required ScoringRule Scoring { get; init; }
    public IReadOnlyList<Subscale> Subscales { get; init; } = [];
    public ScoreDirection Direction { get; init; }
    public IReadOnlyList<SeverityBand> Bands { get; init; } = [];
    /// <summary>Where the bands are published (an instrument's own bands are never made up here).</summary>
    public string? BandsSource { get; init; }
    public ClinicalCutoff? Cutoff { get; init; }
    public ReliableChangeRule? ReliableChange { get; init; }
    public InstrumentCodes? Codes { get; init; }

    /// <summary>True when the item text is not shipped and has not been loaded from a licence file.</summary>
    [JsonIgnore]
    public bool ItemTextMissing => Items.Any(i => i.Kind != ItemKind.Text && string.IsNullOrEmpty(i.Text));

    [JsonIgnore]
    public IEnumerable<InstrumentItem> ScoredItems => Items.Where(i => i.Scored);

    /// <summary>Items that take a number (choice or scale), in form order.</summary>
    [JsonIgnore]
    public IEnumerable<InstrumentItem> NumericItems => Items.Where(i => i.Kind != ItemKind.Text);

    public InstrumentItem? FindItem(string id) => Items.FirstOrDefault(i => i.Id == id);

    public IReadOnlyList<ResponseOption> OptionsFor(InstrumentItem item) =>
        item.ResponseSet is { } set && ResponseSets.TryGetValue(set, out var options) ? options : [];

    /// <summary>An answer in words, as the client chose it ("Nearly every day"), or the number when the item has no labels.</summary>
    public string AnswerLabel(InstrumentItem item, decimal answer) =>
        OptionsFor(item).FirstOrDefault(o => o.Value == answer)?.Label ?? answer.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The score an answer contributes, after reverse keying.</summary>
    public decimal WeightOf(InstrumentItem item, decimal answer) =>
        item.Reverse ? ItemMaximum(item) + ItemMinimum(item) - answer : answer;

    public decimal ItemMinimum(InstrumentItem item) => item.Kind == ItemKind.Scale
        ? item.Min ?? 0
        : OptionsFor(item).Select(o => o.Value).DefaultIfEmpty(0).Min();

    public decimal ItemMaximum(InstrumentItem item) => item.Kind == ItemKind.Scale
        ? item.Max ?? 0
        : OptionsFor(item).Select(o => o.Value).DefaultIfEmpty(0).Max();

    public SeverityBand? BandFor(decimal score) =>
        Bands.FirstOrDefault(b => score >= b.Min && score <= b.Max);

    /// <summary>Whether a score lies in the clinical range, by the instrument's cut-off and direction.</summary>
    public bool? IsClinical(decimal score) => Cutoff is null
        ? null
        : Direction == ScoreDirection.HigherIsWorse ? score >= Cutoff.Value : score < Cutoff.Value;
}

public sealed record ResponseOption(decimal Value, string? Label, string? Code = null);

public sealed record InstrumentItem
{
    public required string Id { get; init; }
    /// <summary>Short name shown beside charts and in exports ("Heard", "Item 9").</summary>
    public string? Label { get; init; }
    /// <summary>Null for licensed instruments until the clinic's licence file supplies it.</summary>
    public string? Text { get; init; }
    public ItemKind Kind { get; init; } = ItemKind.Choice;
    public string? ResponseSet { get; init; }
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public decimal? Step { get; init; }
    public string? MinLabel { get; init; }
    public string? MaxLabel { get; init; }
    public bool Reverse { get; init; }
    /// <summary>Unscored items (PHQ-9's difficulty question, free text) are optional and never counted.</summary>
    public bool Scored { get; init; } = true;
    public bool Required { get; init; } = true;
    public CriticalRule? Critical { get; init; }
    public string? Code { get; init; }
    public int? MaxLength { get; init; }
}

/// <summary>An answer at or above <see cref="AtLeast"/> on this item is a risk answer.</summary>
public sealed record CriticalRule(decimal AtLeast, string Reason);

/// <param name="MaxMissing">How many scored items may be unanswered before no score is given.</param>
/// <param name="Prorate">With missing items, scale the sum up: total × items ÷ answered.</param>
public sealed record ScoringRule(ScoringMethod Method, decimal Min, decimal Max, int MaxMissing = 0, bool Prorate = false, int Decimals = 2);

public sealed record Subscale(string Id, string Name, IReadOnlyList<string> Items, ScoringMethod Method = ScoringMethod.Sum);

public sealed record SeverityBand(decimal Min, decimal Max, string Label);

/// <param name="Value">Higher-is-worse: at or above is clinical. Higher-is-better: below is clinical.</param>
public sealed record ClinicalCutoff(decimal Value, string Label, string? Source = null);

/// <summary>Either a fixed value the instrument's authors give, or the norms to compute one (Jacobson &amp; Truax).</summary>
public sealed record ReliableChangeRule(decimal? Value = null, double? StandardDeviation = null, double? Reliability = null, string? Source = null);

public sealed record InstrumentCodes(string System, string? Panel = null, string? Total = null, string? AttuneSystem = null);
