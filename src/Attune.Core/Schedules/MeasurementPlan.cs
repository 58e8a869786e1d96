namespace Attune.Core.Schedules;

/// <summary>
/// Which measures a relationship asks for and when (issue 3): an outcome measure before each session, the
/// Connection Check after each session, the fit check after session 3, and a licensed alliance measure every
/// Nth session. The clinic sets the defaults; a relationship may override the outcome and alliance choices.
/// </summary>
public sealed class MeasurementPlan
{
    public const int MaxAllianceEvery = 20;

    private MeasurementPlan() { }

    public MeasurementPlan(string? outcomeMeasure, bool connectionCheck, bool fitCheck, string? allianceMeasure, int allianceEvery)
    {
        if (allianceEvery is < 1 or > MaxAllianceEvery)
            throw new DomainRuleException($"The alliance measure can be asked every 1 to {MaxAllianceEvery} sessions.");
        OutcomeMeasure = Blank(outcomeMeasure);
        ConnectionCheck = connectionCheck;
        FitCheck = fitCheck;
        AllianceMeasure = Blank(allianceMeasure);
        AllianceEvery = allianceEvery;
    }

    /// <summary>The clinic default out of the box: PHQ-9 before, Connection Check after, fit check at 3, WAI-SR every 4th session (PRODUCT.md: "every ~4 sessions").</summary>
    public static MeasurementPlan Default => new("phq-9", connectionCheck: true, fitCheck: true, "wai-sr", 4);

    /// <summary>Asked before each session; null for none.</summary>
    public string? OutcomeMeasure { get; private set; }
    public bool ConnectionCheck { get; private set; }
    public bool FitCheck { get; private set; }
    /// <summary>A licensed alliance measure (WAI-SR or SRS); only sent when the clinic has loaded its licence file.</summary>
    public string? AllianceMeasure { get; private set; }
    public int AllianceEvery { get; private set; }

    /// <summary>The plan with a relationship's own choices laid over it.</summary>
    public MeasurementPlan With(MeasurementOverrides overrides) => new(
        overrides.OutcomeMeasure is { } o ? (o == MeasurementOverrides.None ? null : o) : OutcomeMeasure,
        ConnectionCheck,
        FitCheck,
        overrides.AllianceMeasure is { } a ? (a == MeasurementOverrides.None ? null : a) : AllianceMeasure,
        overrides.AllianceEvery ?? AllianceEvery);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A relationship's own measurement choices; null means "as the clinic's default", <see cref="None"/> means "none".</summary>
public sealed class MeasurementOverrides
{
    public const string None = "none";

    public MeasurementOverrides() { }

    public MeasurementOverrides(string? outcomeMeasure, string? allianceMeasure, int? allianceEvery)
    {
        if (allianceEvery is < 1 or > MeasurementPlan.MaxAllianceEvery)
            throw new DomainRuleException($"The alliance measure can be asked every 1 to {MeasurementPlan.MaxAllianceEvery} sessions.");
        OutcomeMeasure = string.IsNullOrWhiteSpace(outcomeMeasure) ? null : outcomeMeasure.Trim();
        AllianceMeasure = string.IsNullOrWhiteSpace(allianceMeasure) ? null : allianceMeasure.Trim();
        AllianceEvery = allianceEvery;
    }

    public string? OutcomeMeasure { get; private set; }
    public string? AllianceMeasure { get; private set; }
    public int? AllianceEvery { get; private set; }
}
