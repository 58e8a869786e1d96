namespace Attune.Web.Features.Reflections;

public static class ReflectionsSetup
{
    /// <summary>The clinician's reflections on sessions.</summary>
    public static IServiceCollection AddReflections(this IServiceCollection services) => services.AddScoped<ReflectionActions>().AddScoped<ReflectionQuery>();
}
