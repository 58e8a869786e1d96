namespace Attune.Web.Features.Staff;

public static class StaffSetup
{
    /// <summary>The clinic's staff accounts, run by its admins.</summary>
    public static IServiceCollection AddStaffAdministration(this IServiceCollection services) => services
        .AddScoped<StaffActions>()
        .AddScoped<StaffQuery>();
}
