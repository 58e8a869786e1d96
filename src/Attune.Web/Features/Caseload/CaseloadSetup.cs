namespace Attune.Web.Features.Caseload;

public static class CaseloadSetup
{
    /// <summary>The caseload page's read model.</summary>
    public static IServiceCollection AddCaseload(this IServiceCollection services) => services.AddScoped<CaseloadQuery>();
}
