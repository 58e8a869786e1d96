using System.Text.Json;
using System.Text.Json.Serialization;

namespace Attune.Core.Instruments;

/// <summary>
/// The instruments a clinic can use: the built-in definitions shipped as embedded JSON, any the clinic
/// adds, and licensed item text merged in from licence files.
/// </summary>
public sealed class InstrumentCatalog
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Dictionary<string, InstrumentDefinition> _byId;

    public InstrumentCatalog(IEnumerable<InstrumentDefinition> definitions)
    {
        _byId = new Dictionary<string, InstrumentDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in definitions)
        {
            var problems = InstrumentValidator.Validate(definition);
            if (problems.Count > 0)
                throw new InvalidInstrumentException(definition.Id, problems);
            if (!_byId.TryAdd(definition.Id, definition))
                throw new InvalidInstrumentException(definition.Id, ["an instrument with this id is already defined"]);
        }
    }

    public IReadOnlyCollection<InstrumentDefinition> All => _byId.Values;

    public InstrumentDefinition? Find(string id) => _byId.GetValueOrDefault(id);

    public InstrumentDefinition Get(string id) =>
        Find(id) ?? throw new KeyNotFoundException($"Unknown instrument '{id}'. Known: {string.Join(", ", _byId.Keys.Order())}.");

    /// <summary>The definitions shipped with Attune.</summary>
    public static InstrumentCatalog BuiltIn() => new(LoadBuiltIn());

    public static IReadOnlyList<InstrumentDefinition> LoadBuiltIn()
    {
        var assembly = typeof(InstrumentCatalog).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Attune.Instruments.", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                return Parse(stream, n);
            })
            .ToList();
    }

    public static InstrumentDefinition Parse(Stream json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<InstrumentDefinition>(json, JsonOptions)
                ?? throw new InvalidInstrumentException(source, ["the file is empty"]);
        }
        catch (JsonException e)
        {
            throw new InvalidInstrumentException(source, [$"not a valid instrument definition: {e.Message}"]);
        }
    }

    /// <summary>A new catalog in which each licensed instrument with a licence file has its text filled in.</summary>
    public InstrumentCatalog WithLicensedText(IEnumerable<LicensedText> licences)
    {
        var byInstrument = licences.ToDictionary(l => l.Instrument, StringComparer.OrdinalIgnoreCase);
        return new InstrumentCatalog(_byId.Values.Select(d => byInstrument.TryGetValue(d.Id, out var l) ? l.ApplyTo(d) : d));
    }
}

public sealed class InvalidInstrumentException(string instrument, IReadOnlyList<string> problems)
    : Exception($"Instrument '{instrument}' is not valid: {string.Join("; ", problems)}")
{
    public string Instrument { get; } = instrument;
    public IReadOnlyList<string> Problems { get; } = problems;
}
