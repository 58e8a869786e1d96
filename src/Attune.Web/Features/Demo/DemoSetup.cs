namespace Attune.Web.Features.Demo;

public static class DemoSetup
{
    /// <summary>The demo clinic seeded into an empty database on first start (Demo:Seed, on by default).</summary>
    public static IServiceCollection AddDemo(this IServiceCollection services) => services.AddScoped<DemoSeeder>();
}
