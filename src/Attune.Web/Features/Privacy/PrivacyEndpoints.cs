using Attune.Core.Instruments;

namespace Attune.Web.Features.Privacy;

public static class PrivacyEndpoints
{
    /// <summary>Answering privacy requests.</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services) => services.AddScoped<PrivacyActions>().AddScoped<PrivacyQuery>();

    public static void MapPrivacyEndpoints(this IEndpointRouteBuilder app)
    {
        // The client's whole record as a FHIR R4 Bundle, to download and hand over. Reading it is audited as an export.
        app.MapGet("/admin/privacy/{ClientId:guid}/bundle", async (Guid clientId, PrivacyActions privacy, InstrumentCatalog catalog, TimeProvider clock, CancellationToken ct) =>
        {
            var result = await privacy.ExportAsync(clientId, ct);
            if (result.Value is not { } copy) return Results.NotFound();
            var json = ClientBundle.ToJson(ClientBundle.Build(copy, catalog, clock.GetUtcNow()));
            return Results.File(System.Text.Encoding.UTF8.GetBytes(json), "application/fhir+json",
                $"attune-record-{clientId:N}.json");
        }).RequireAuthorization(Policies.Admin).WithName("PrivacyBundle");
    }
}
