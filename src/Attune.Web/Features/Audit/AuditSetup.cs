namespace Attune.Web.Features.Audit;

public static class AuditSetup
{
    /// <summary>The audit trail every read and change of clinical data writes to.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services) => services.AddScoped<AuditTrail>().AddScoped<AuditQuery>().AddScoped<AuditActions>();
}
