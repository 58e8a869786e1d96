namespace Attune.Web.Features.Lifecycle;

public static class LifecycleSetup
{
    /// <summary>The relationship's phases, endings and episodes.</summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services) => services
        .AddScoped<LifecycleData>()
        .AddScoped<EpisodeActions>()
        .AddScoped<IntakeActions>()
        .AddScoped<EndingActions>();
}
