using Attune.Core.Fhir;
using Attune.Core.Instruments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attune.Web.Features.Instruments;

public sealed record InstrumentSummary(string Id, string Name, string ShortName, string Purpose, bool ItemTextAvailable, string? Attribution);

/// <summary>Instrument definitions for staff and systems, and each one as a FHIR R4 Questionnaire.</summary>
public static class InstrumentEndpoints
{
    public static void MapInstrumentEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/instruments").WithTags("Instruments");
        api.MapGet("/", List).WithName("ListInstruments");
        api.MapGet("/{id}/questionnaire", Questionnaire).WithName("InstrumentQuestionnaire");
    }

    private static Ok<InstrumentSummary[]> List(InstrumentCatalog catalog) =>
        TypedResults.Ok(catalog.All.OrderBy(d => d.Id).Select(d =>
            new InstrumentSummary(d.Id, d.Name, d.ShortName, d.Purpose.ToString(), !d.ItemTextMissing, d.Attribution)).ToArray());

    private static Results<ContentHttpResult, ProblemHttpResult> Questionnaire(string id, InstrumentCatalog catalog)
    {
        if (catalog.Find(id) is not { } definition)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown instrument",
                detail: $"There is no instrument '{id}'.");
        return TypedResults.Content(FhirJson.Serialize(QuestionnaireExport.ToQuestionnaire(definition)), "application/fhir+json");
    }
}
