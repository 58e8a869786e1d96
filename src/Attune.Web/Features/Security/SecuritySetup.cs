using Attune.Web.Actions;
using Microsoft.AspNetCore.Authorization;
using Attune.Web.Time;

namespace Attune.Web.Features.Security;

public static class SecuritySetup
{
    /// <summary>
    /// Who may see and change which record (the caseload queries, the resource-based handler and how actions ask it),
    /// the signed-in staff member, the clinic's clock, and the encryption of free text.
    /// </summary>
    public static IServiceCollection AddRecordAccess(this IServiceCollection services) => services
        .AddSingleton<ClinicClock>()
        .AddSingleton<FreeTextProtector>()
        .AddScoped<CurrentStaff>()
        .AddScoped<CaseloadAccess>()
        .AddScoped<IAuthorizationHandler, ClientRecordAuthorizationHandler>()
        .AddScoped<RecordAuthorization>();
}
