namespace Attune.Web.Features.Goals;

public static class GoalsSetup
{
    /// <summary>Mutually agreed goals and tasks, and their attainment.</summary>
    public static IServiceCollection AddGoals(this IServiceCollection services) => services
        .AddScoped<GoalActions>()
        .AddScoped<GoalQuery>();
}
