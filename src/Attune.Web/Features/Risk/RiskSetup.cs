namespace Attune.Web.Features.Risk;

public static class RiskSetup
{
    /// <summary>Safety plans (the risk review lives with the alert it resolves, in Signals).</summary>
    public static IServiceCollection AddRisk(this IServiceCollection services) => services.AddScoped<SafetyPlanActions>().AddScoped<SafetyPlanQuery>();
}
