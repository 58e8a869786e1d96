namespace Attune.Web.Features.Ruptures;

public static class RupturesSetup
{
    /// <summary>The rupture and repair log.</summary>
    public static IServiceCollection AddRuptures(this IServiceCollection services) => services.AddScoped<RuptureActions>().AddScoped<RuptureQuery>();
}
