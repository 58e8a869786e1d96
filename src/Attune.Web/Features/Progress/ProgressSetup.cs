namespace Attune.Web.Features.Progress;

public static class ProgressSetup
{
    /// <summary>The client's progress page and its links.</summary>
    public static IServiceCollection AddProgress(this IServiceCollection services) => services.AddSingleton<ProgressLinks>().AddScoped<ProgressQuery>();
}
