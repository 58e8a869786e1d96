namespace Attune.Web.Features.Notifications;

public static class NotificationsSetup
{
    /// <summary>The outbox sender: email over SMTP (MailKit), text messages through a registered <see cref="ISmsSender"/>.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<MailOptions>(config.GetSection("Mail"));
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
