namespace Attune.Web.Features.Integrations;

public static class RestApiSetup
{
    /// <summary>The REST API at /api/v1 and its OpenAPI document; enums travel as their names.</summary>
    public static IServiceCollection AddRestApi(this IServiceCollection services) => services
        .AddScoped<ApiCaller>()
        .AddRestApiDocument()
        .ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
}
