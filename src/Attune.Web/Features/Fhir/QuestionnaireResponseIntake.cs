using Attune.Core.Clinic;
using System.Text.Json;
using Attune.Core;
using Attune.Core.CheckIns;
using Attune.Core.Fhir;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using Attune.Web.Actions;
using Attune.Web.Features.CheckIns;
using Attune.Web.Features.Crisis;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Options;

namespace Attune.Web.Features.Fhir;

/// <summary>
/// <c>POST /fhir/QuestionnaireResponse</c>: a completed measure from another system (a kiosk, a patient portal, an EHR).
/// This channel reads the resource into Attune's answers and writes the created resource back; recording it (who may,
/// scoring, storing, signals) is <see cref="ReceivedResponseActions"/>. Refusals come back as an OperationOutcome.
/// </summary>
public sealed class QuestionnaireResponseIntake(ReceivedResponseActions actions, InstrumentCatalog catalog, ClinicCrisisResources crisis)
{
    private const string Rule = "QuestionnaireResponse";

    /// <summary>Where in the resource each of the action's fields is, as a FHIRPath expression.</summary>
    private static string Expression(string field) => field switch
    {
        "item" => $"{Rule}.item",
        _ when field.StartsWith("item:", StringComparison.Ordinal) => $"{Rule}.repeat(item).where(linkId='{field[5..]}')",
        _ => $"{Rule}.{field}",
    };

    public async Task<IResult> CreateAsync(HttpContext http, CancellationToken ct)
    {
        var contentType = http.Request.ContentType ?? "";
        if (!contentType.StartsWith("application/fhir+json", StringComparison.OrdinalIgnoreCase) && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return FhirOutcomes.Error(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "Send the resource as application/fhir+json.");

        string body;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            body = await reader.ReadToEndAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return FhirOutcomes.Error(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooCostly, "Attune accepts resources of up to 1 MB.");
        }

        QuestionnaireResponse qr;
        try
        {
            var resource = JsonSerializer.Deserialize<Resource>(body, FhirJson.Options);
            if (resource is not QuestionnaireResponse parsed)
                return FhirOutcomes.Invalid($"The body must be a QuestionnaireResponse, not {resource?.TypeName ?? "nothing"}.");
            qr = parsed;
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or NotSupportedException or ArgumentException or FormatException or InvalidOperationException)
        {
            return FhirOutcomes.Invalid("The body is not a FHIR R4 resource in JSON: " + Shorten(e.Message));
        }

        // What the resource says, read into Attune's terms; what it asks of the record is the action's to check.
        var problems = new List<FieldProblem>();
        var definition = Instrument(qr.Questionnaire);
        if (definition is null)
            problems.Add(new("questionnaire", "questionnaire must name one of Attune's Questionnaires (its url, urn:attune:questionnaire:{id}, or Questionnaire/{id}); see GET /fhir/Questionnaire."));
        var clientId = FhirQuery.ReferenceId(qr.Subject?.Reference, "Patient");
        if (clientId is null)
            problems.Add(new("subject", "subject must be Patient/{id} of a client in an open episode of care with the clinician this system acts as."));
        Guid? sessionId = null;
        if (qr.Encounter?.Reference is { } encounterRef && (sessionId = FhirQuery.ReferenceId(encounterRef, "Encounter")) is null)
            problems.Add(new("encounter", "encounter must be Encounter/{id} of a session in the client's open episode."));
        DateTimeOffset? authored = null;
        if (qr.AuthoredElement is { } authoredElement)
        {
            if (authoredElement.TryToDateTimeOffset(out var at) && authoredElement.Value?.Contains('T') == true)
                authored = at;
            else
                problems.Add(new("authored", "authored must be a date and time with a time zone."));
        }
        var answers = new Dictionary<string, decimal?>();
        var texts = new Dictionary<string, string>();
        if (definition is not null)
            ReadAnswers(definition, qr.Item, answers, texts, problems);
        if (problems.Count > 0)
            return FhirOutcomes.Refused(Refusal.Invalid(problems), Expression);

        var recorded = await actions.RecordAsync(new ReceivedResponse(clientId!.Value, definition!,
            qr.Status == QuestionnaireResponse.QuestionnaireResponseStatus.Completed, sessionId, authored, answers, texts), ct);
        if (recorded.Refusal is { } refused)
            return FhirOutcomes.Refused(refused, Expression);
        var response = recorded.Value!;

        var created = FhirResources.Response(response, clientId.Value, definition, completed: true, texts, FhirResources.Relative);
        var version = FhirEndpoints.Stamp(created);
        var location = $"{FhirEndpoints.BaseUrl(http.Request)}/QuestionnaireResponse/{created.Id}/_history/{version}";
        http.Response.Headers.Location = location;
        http.Response.Headers.ETag = $"W/\"{version}\"";
        http.Response.Headers.LastModified = response.CompletedAt.ToString("R");
        var prefer = http.Request.Headers["Prefer"].ToString();
        if (prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase))
            return Results.StatusCode(StatusCodes.Status201Created);
        if (prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase))
            return FhirOutcomes.Outcome(StatusCodes.Status201Created, CreatedOutcome(response, definition!, await crisis.ForRelationshipAsync(response.RelationshipId, ct)));
        return FhirEndpoints.Json(http, created, StatusCodes.Status201Created);
    }

    /// <summary>
    /// What happened, for a system that shows it to the client: the score, and for a risk answer that the clinician has
    /// been alerted and the crisis resources the client must see now.
    /// </summary>
    private static OperationOutcome CreatedOutcome(InstrumentResponse response, InstrumentDefinition d, CrisisResourceList crisisLines)
    {
        var outcome = new OperationOutcome
        {
            Issue = [new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information, Code = OperationOutcome.IssueType.Informational,
                Diagnostics = $"Stored and scored: {d.ShortName} {response.Score.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(response.Band is { } band ? $" ({band})" : "")}.",
            }],
        };
        if (response.IsRisk)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.Informational,
                Diagnostics = "A risk answer was given: the clinician has been alerted. Show the client these crisis resources now. "
                    + ClinicCrisisResources.AsOneLine(crisisLines),
            });
        return outcome;
    }

    private InstrumentDefinition? Instrument(string? canonical)
    {
        if (string.IsNullOrWhiteSpace(canonical)) return null;
        var url = canonical.Split('|')[0];
        // A client's answers only: the clinician's own wellbeing instruments are not taken here.
        return catalog.All.Where(d => d.ForClients).FirstOrDefault(d => url == QuestionnaireExport.CanonicalFor(d) || url == $"Questionnaire/{d.Id}" || url.EndsWith($"/Questionnaire/{d.Id}", StringComparison.Ordinal));
    }

    /// <summary>Every answered item, nested or not (the stem group is optional), turned into Attune's numeric answers and texts.</summary>
    private static void ReadAnswers(InstrumentDefinition d, IEnumerable<QuestionnaireResponse.ItemComponent> items,
        Dictionary<string, decimal?> answers, Dictionary<string, string> texts, List<FieldProblem> problems)
    {
        foreach (var item in items)
        {
            var at = $"item:{item.LinkId}";
            void problem(string text, string field) => problems.Add(new FieldProblem(field, text));
            if (item.Item.Count > 0)
                ReadAnswers(d, item.Item, answers, texts, problems);
            if (item.Answer.Count == 0)
                continue;
            var definitionItem = item.LinkId is null ? null : d.FindItem(item.LinkId);
            if (definitionItem is null)
            {
                problem($"{d.ShortName} has no item '{item.LinkId}'.", at);
                continue;
            }
            if (item.Answer.Count > 1 || answers.ContainsKey(definitionItem.Id) || texts.ContainsKey(definitionItem.Id))
            {
                problem("Each item takes one answer.", at);
                continue;
            }
            var value = item.Answer[0].Value;
            switch (definitionItem.Kind, value)
            {
                case (ItemKind.Text, FhirString text):
                    if (!string.IsNullOrWhiteSpace(text.Value))
                        texts[definitionItem.Id] = text.Value!.Trim();
                    break;
                case (ItemKind.Choice, Coding coding):
                    var option = d.OptionsFor(definitionItem).FirstOrDefault(o =>
                    {
                        var offered = QuestionnaireExport.AnswerCoding(d, definitionItem, o);
                        return offered.Code == coding.Code && (coding.System is null || coding.System == offered.System);
                    });
                    if (option is null) problem($"'{coding.System}|{coding.Code}' is not one of this item's answer options.", at);
                    else answers[definitionItem.Id] = option.Value;
                    break;
                case (ItemKind.Choice or ItemKind.Scale, Integer number):
                    answers[definitionItem.Id] = number.Value;
                    break;
                case (ItemKind.Choice or ItemKind.Scale, FhirDecimal number):
                    answers[definitionItem.Id] = number.Value;
                    break;
                default:
                    problem($"This item takes {(definitionItem.Kind == ItemKind.Text ? "valueString" : definitionItem.Kind == ItemKind.Choice ? "valueCoding" : "valueInteger")}, not {value?.TypeName ?? "nothing"}.", at);
                    break;
            }
        }
    }

    private static string Shorten(string message) => message.Length > 500 ? message[..500] + "…" : message;
}
