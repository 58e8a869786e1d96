namespace Attune.Web.Features.Audit;

public static class AuditSetup
{
    /// <summary>The audit trail every read and change of clinical data writes to, and its signed checkpoints outside the database.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditSeal>();
        services.AddSingleton(sp => AuditCheckpoints.FromConfiguration(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>(),
            sp.GetRequiredService<AuditSeal>().Holds));
        services.AddSingleton<AuditCheckpointWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditCheckpointWriter>());
        // After the checkpoint writer: hosted services stop in reverse order, so the last events are chained before the head is signed.
        services.AddHostedService<AuditChainer>();
        return services.AddScoped<AuditTrail>().AddScoped<AuditQuery>().AddScoped<AuditActions>();
    }
}
