namespace Attune.Web.Features.Sessions;

public static class SessionsSetup
{
    /// <summary>Recording sessions and their attendance.</summary>
    public static IServiceCollection AddSessions(this IServiceCollection services) => services.AddScoped<SessionActions>().AddScoped<SessionRecordQuery>();
}
