using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Schedules;

namespace Attune.Web.Features.Schedules;

/// <summary>The measures a plan may name, and the checks on what a form posts for them.</summary>
public static class MeasureChoices
{
    /// <summary>Outcome measures a plan can ask for before each session (PHQ-9, GAD-7, CORE-10, and ORS when licensed).</summary>
    public static IEnumerable<InstrumentDefinition> Outcomes(InstrumentCatalog catalog) =>
        catalog.All.Where(d => d.Purpose == InstrumentPurpose.Outcome).OrderBy(d => d.ItemTextMissing).ThenBy(d => d.ShortName);

    /// <summary>Validated alliance measures asked every Nth session (WAI-SR, SRS): every alliance instrument but Attune's own two.</summary>
    public static IEnumerable<InstrumentDefinition> LicensedAlliance(InstrumentCatalog catalog) =>
        catalog.All.Where(d => d.Purpose == InstrumentPurpose.Alliance && d.Id is not ("connection-check" or FitCheck.InstrumentId)).OrderBy(d => d.ShortName);

    /// <summary>Null when the posted value is allowed; otherwise why not. "" means the default, "none" means none.</summary>
    public static string? CheckOutcome(InstrumentCatalog catalog, string? value, bool allowDefault) => Check(Outcomes(catalog), value, allowDefault, "outcome measure");

    public static string? CheckAlliance(InstrumentCatalog catalog, string? value, bool allowDefault) => Check(LicensedAlliance(catalog), value, allowDefault, "alliance measure");

    private static string? Check(IEnumerable<InstrumentDefinition> allowed, string? value, bool allowDefault, string what) =>
        string.IsNullOrEmpty(value) ? (allowDefault ? null : $"Choose an {what} or none.")
        : value == MeasurementOverrides.None || allowed.Any(d => d.Id == value) ? null
        : $"Choose an {what} from the list.";

    /// <summary>Reads an optional whole number of sessions: null for blank, false when it is not 1–20.</summary>
    public static bool TryEvery(string? value, out int? every)
    {
        every = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1 || n > MeasurementPlan.MaxAllianceEvery)
            return false;
        every = n;
        return true;
    }

    public static string Describe(InstrumentCatalog catalog, string? id) =>
        id is null ? "none" : catalog.Find(id)?.ShortName ?? id;
}
