namespace Attune.Web.Features.Schedules;

public static class SchedulesSetup
{
    /// <summary>Measurement plans and the scheduler that makes the check-ins they ask for.</summary>
    public static IServiceCollection AddSchedules(this IServiceCollection services) => services
        .AddScoped<MeasurementScheduler>()
        .AddScoped<MeasurementPlanActions>()
        .AddHostedService<MeasurementSchedulerService>();
}
