namespace Attune.Web.Features.CheckIns;

public static class CheckInsSetup
{
    /// <summary>Check-in links, their delivery and reminders, the client's answers, and the risk alerts they raise.</summary>
    public static IServiceCollection AddCheckIns(this IServiceCollection services) => services
        .AddSingleton<CheckInLinks>()
        .AddScoped<CheckInActions>()
        .AddScoped<CheckInSubmission>()
        .AddScoped<ReceivedResponseActions>()
        .AddScoped<RiskAlerts>()
        .AddScoped<ResponseRecording>()
        .AddScoped<CheckInDelivery>()
        .AddHostedService<CheckInReminderService>();
}
