using Attune.Core.Schedules;

namespace Attune.Core.Clinic;

/// <summary>A clinic or practice: the boundary of every access rule.</summary>
public sealed class Organisation
{
    private Organisation() { }

    public Organisation(string name, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        Name = Require.Text(name, nameof(name), 200);
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>The clinic's default measurement plan; each relationship may override parts of it.</summary>
    public MeasurementPlan Measures { get; private set; } = MeasurementPlan.Default;

    /// <summary>The clinic's own risk protocol, shown with every risk alert's guidance; null until an admin writes it.</summary>
    public string? RiskProtocol { get; private set; }

    public const int MaxRiskProtocolLength = TextLimits.RiskProtocol;

    /// <summary>The clinic's own signal levels, set by its admins; null: the installation's (configuration, else PRODUCT.md's).</summary>
    public Signals.SignalSettings? SignalLevels { get; private set; }

    /// <summary>The clinic's own crisis lines, set by its admins; null: the installation's (configuration, else PRODUCT.md's).</summary>
    public CrisisResourceList? CrisisResources { get; private set; }

    /// <summary>The clinic's own crisis lines, or null to go back to the installation's; an incomplete or unsafe list is refused.</summary>
    public void SetCrisisResources(CrisisResourceList? resources)
    {
        if (resources?.Problems() is [var first, ..])
            throw new DomainRuleException(first.Message, first.Field);
        CrisisResources = resources;
    }

    public void SetMeasures(MeasurementPlan plan) => Measures = plan;

    /// <summary>New signal levels, or null to go back to the installation's; levels out of their measure's range are refused.</summary>
    public void SetSignalLevels(Signals.SignalSettings? levels)
    {
        if (levels?.Problems() is [var first, ..])
            throw new DomainRuleException(first.Message, first.Field);
        SignalLevels = levels;
    }

    /// <summary>Where a clinician can turn for support of their own (the employee-assistance programme), shown with the wellbeing check.</summary>
    public string? EmployeeAssistanceContact { get; private set; }

    /// <summary>How often the clinician's wellbeing check comes round, in days (monthly by default).</summary>
    public int WellbeingIntervalDays { get; private set; } = DefaultWellbeingIntervalDays;

    public const int DefaultWellbeingIntervalDays = 30;
    public const int MaxEmployeeAssistanceContact = 500;

    public void SetWellbeing(string? employeeAssistanceContact, int intervalDays)
    {
        if (intervalDays is < 7 or > 365)
            throw new DomainRuleException("Give how often the check comes round in days, 7 to 365.", "intervalDays");
        EmployeeAssistanceContact = Require.OptionalText(employeeAssistanceContact, "employeeAssistanceContact", MaxEmployeeAssistanceContact);
        WellbeingIntervalDays = intervalDays;
    }

    public void SetRiskProtocol(string? text) => RiskProtocol = Require.OptionalText(text, "riskProtocol", MaxRiskProtocolLength);
}
