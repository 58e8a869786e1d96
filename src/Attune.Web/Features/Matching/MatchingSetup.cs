using Attune.Core.Matching;

namespace Attune.Web.Features.Matching;

/// <summary>
/// The matching settings (configuration section "Matching"): the track-record method's minimum cases and interval
/// level, and the ranking's weights. Defaults follow PRODUCT.md: 15 cases, a 95% interval.
/// </summary>
public sealed class MatchingOptions
{
    public int MinimumCases { get; set; } = TrackRecordSettings.Default.MinimumCases;
    public double IntervalLevel { get; set; } = TrackRecordSettings.Default.IntervalLevel;
    public double EffectiveWeight { get; set; } = MatchWeights.Default.Effective;
    public double IneffectiveWeight { get; set; } = MatchWeights.Default.Ineffective;
    public double NiceToHaveWeight { get; set; } = MatchWeights.Default.NiceToHave;
    public int ElevatedDomains { get; set; } = MatchWeights.Default.ElevatedDomains;

    public TrackRecordSettings TrackRecord => new(MinimumCases, IntervalLevel);
    public MatchWeights Weights => new(EffectiveWeight, IneffectiveWeight, NiceToHaveWeight, ElevatedDomains);
}

public static class MatchingSetup
{
    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<MatchingOptions>().Bind(config.GetSection("Matching"))
            .Validate(o => o.MinimumCases >= 2, "Matching:MinimumCases must be at least 2.")
            .Validate(o => o.IntervalLevel is > 0.5 and < 1, "Matching:IntervalLevel must lie between 0.5 and 1, like 0.95.")
            .Validate(o => o.ElevatedDomains >= 1, "Matching:ElevatedDomains must be at least 1.")
            .ValidateOnStart();
        services.AddScoped<TrackRecordQuery>();
        services.AddScoped<ProblemDomainCatalog>();
        services.AddScoped<ProblemDomainActions>();
        services.AddScoped<TherapistProfileActions>();
        services.AddScoped<MatchPreferenceActions>();
        services.AddScoped<MatchQuery>();
        services.AddScoped<TherapistProfileQuery>();
        services.AddScoped<MatchAccess>();
        services.AddScoped<IntakeActions>();
        services.AddScoped<SupervisorMatchQuery>();
        services.AddSingleton<PreferenceLinks>();
        services.AddSingleton<ChoiceLinks>();
        services.AddScoped<LinkMail>();
        return services;
    }
}
