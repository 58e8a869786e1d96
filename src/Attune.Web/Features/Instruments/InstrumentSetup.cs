using Attune.Core.Instruments;

namespace Attune.Web.Features.Instruments;

/// <summary>
/// Loads the instrument catalog: the built-in definitions, the clinic's own definitions from
/// Instruments:Directory (*.json) and licence files from Instruments:LicenceDirectory (*.json).
/// </summary>
public static class InstrumentSetup
{
    /// <summary>The clinic's instruments: the built-in ones, the clinic's own definitions and licence files.</summary>
    public static IServiceCollection AddInstruments(this IServiceCollection services, IConfiguration config, IHostEnvironment env) =>
        services.AddSingleton(sp => LoadCatalog(config, env, sp.GetRequiredService<ILogger<InstrumentCatalog>>()));

    public static InstrumentCatalog LoadCatalog(IConfiguration config, IHostEnvironment env, ILogger logger)
    {
        var definitions = InstrumentCatalog.LoadBuiltIn().ToList();
        foreach (var file in JsonFiles(config["Instruments:Directory"], env))
        {
            using var stream = File.OpenRead(file);
            definitions.Add(InstrumentCatalog.Parse(stream, Path.GetFileName(file)));
        }
        var catalog = new InstrumentCatalog(definitions);

        var licences = new List<LicensedText>();
        foreach (var file in JsonFiles(config["Instruments:LicenceDirectory"] ?? "licences", env))
        {
            using var stream = File.OpenRead(file);
            licences.Add(LicensedText.Parse(stream, Path.GetFileName(file)));
        }
        catalog = catalog.WithLicensedText(licences);
        foreach (var missing in catalog.All.Where(d => d.ItemTextMissing))
            logger.LogInformation("Instrument {Instrument} has no licence file; its item text is not available", missing.Id);
        return catalog;
    }

    private static IEnumerable<string> JsonFiles(string? directory, IHostEnvironment env)
    {
        if (string.IsNullOrWhiteSpace(directory)) return [];
        var path = Path.IsPathRooted(directory) ? directory : Path.Combine(env.ContentRootPath, directory);
        return Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal) : [];
    }
}
