using System.Text.Json;

namespace Attune.Core.Instruments;

/// <summary>
/// Item and answer text for a licensed instrument (WAI-SR, ORS, SRS), supplied by the clinic in a
/// licence file, because Attune may ship only the structure and scoring.
/// </summary>
public sealed record LicensedText
{
    public required string Instrument { get; init; }
    public required string Licensee { get; init; }
    public string? LicenceReference { get; init; }
    public string? Stem { get; init; }
    public required IReadOnlyDictionary<string, string> Items { get; init; }
    /// <summary>Answer labels by value ("1": "Seldom"), for choice items.</summary>
    public IReadOnlyDictionary<string, string> ResponseLabels { get; init; } = new Dictionary<string, string>();
    /// <summary>Scale anchors by item id, for visual-analogue items.</summary>
    public IReadOnlyDictionary<string, ScaleAnchors> Anchors { get; init; } = new Dictionary<string, ScaleAnchors>();

    public static LicensedText Parse(Stream json, string source)
    {
        try
        {
            var text = JsonSerializer.Deserialize<LicensedText>(json, InstrumentCatalog.JsonOptions);
            return text ?? throw new InvalidInstrumentException(source, ["the licence file is empty"]);
        }
        catch (JsonException e)
        {
            throw new InvalidInstrumentException(source, [$"not a valid licence file: {e.Message}"]);
        }
    }

    public InstrumentDefinition ApplyTo(InstrumentDefinition definition)
    {
        if (definition.TextLicence != TextLicence.LicenceFile)
            throw new InvalidInstrumentException(definition.Id, ["this instrument's text ships with Attune; it takes no licence file"]);
        var unknown = Items.Keys.Where(k => definition.FindItem(k) is null).ToList();
        if (unknown.Count > 0)
            throw new InvalidInstrumentException(definition.Id, [$"the licence file names items the instrument does not have: {string.Join(", ", unknown)}"]);
        var missing = definition.Items.Where(i => i.Kind != ItemKind.Text && !Items.ContainsKey(i.Id)).Select(i => i.Id).ToList();
        if (missing.Count > 0)
            throw new InvalidInstrumentException(definition.Id, [$"the licence file lacks text for items: {string.Join(", ", missing)}"]);

        var items = definition.Items.Select(i => i with
        {
            Text = Items.GetValueOrDefault(i.Id, i.Text ?? ""),
            MinLabel = Anchors.TryGetValue(i.Id, out var a) ? a.Min : i.MinLabel,
            MaxLabel = Anchors.TryGetValue(i.Id, out var b) ? b.Max : i.MaxLabel,
        }).ToList();
        var sets = definition.ResponseSets.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<ResponseOption>)kv.Value.Select(o => o with
            {
                Label = ResponseLabels.GetValueOrDefault(o.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Label ?? ""),
            }).ToList());
        return definition with
        {
            Items = items,
            ResponseSets = sets,
            Stem = Stem ?? definition.Stem,
            Attribution = $"{definition.Attribution} Text licensed to {Licensee}{(LicenceReference is null ? "" : $" ({LicenceReference})")}.",
        };
    }
}

public sealed record ScaleAnchors(string Min, string Max);
