namespace Attune.Web.Features.Clients;

public static class ClientsSetup
{
    /// <summary>Clients: adding one, the client list, and the read model of the client's page.</summary>
    public static IServiceCollection AddClients(this IServiceCollection services) => services
        .AddScoped<ClientActions>()
        .AddScoped<ClientRecordQuery>()
        .AddScoped<ClientListQuery>();
}
