namespace Attune.Web.Features.Signals;

public static class SignalsSetup
{
    /// <summary>Signal evaluation, expected-response bands, and acting on alerts.</summary>
    public static IServiceCollection AddSignals(this IServiceCollection services) => services
        .AddScoped<SignalEvaluator>()
        .AddScoped<ExpectedResponses>()
        .AddSingleton<ExpectedResponseStore>()
        .AddScoped<AlertActions>()
        .AddScoped<AlertQuery>()
        .AddScoped<SignalSettingsActions>()
        .AddScoped<SignalReportQuery>();
}
