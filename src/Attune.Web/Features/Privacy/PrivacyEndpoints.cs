using Attune.Core.Instruments;

namespace Attune.Web.Features.Privacy;

public static class PrivacyEndpoints
{
    /// <summary>Answering privacy requests.</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services) => services.AddScoped<PrivacyActions>().AddScoped<PrivacyQuery>();

    public static void MapPrivacyEndpoints(this IEndpointRouteBuilder app)
    {
        // The client's whole record as a FHIR R4 Bundle, to download and hand over, under a recorded disclosure
        // (?disclosure=id). Reading it is audited as an export.
        app.MapGet("/admin/privacy/{ClientId:guid}/bundle", async (Guid clientId, string? disclosure, PrivacyActions privacy, InstrumentCatalog catalog, TimeProvider clock, CancellationToken ct) =>
        {
            var result = await privacy.ExportAsync(clientId, Guid.TryParse(disclosure, out var d) ? d : null, ct);
            if (result.Refusal is { Outcome: Actions.Outcome.Forbidden } refused)
                return Results.Text(refused.Message, "text/plain", statusCode: StatusCodes.Status403Forbidden);
            if (result.Value is not { } copy) return Results.NotFound();
            var json = ClientBundle.ToJson(ClientBundle.Build(copy, catalog, clock.GetUtcNow()));
            return Results.File(System.Text.Encoding.UTF8.GetBytes(json), "application/fhir+json",
                $"attune-record-{clientId:N}.json");
        }).RequireAuthorization(Policies.Admin).WithName("PrivacyBundle");
    }
}
