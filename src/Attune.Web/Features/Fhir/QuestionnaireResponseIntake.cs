using System.Text.Json;
using Attune.Core;
using Attune.Core.CheckIns;
using Attune.Core.Fhir;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.CheckIns;
using Attune.Web.Features.Crisis;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Attune.Web.Features.Fhir;

/// <summary>
/// <c>POST /fhir/QuestionnaireResponse</c>: a completed measure from another system (a kiosk, a patient portal, an EHR),
/// scored on arrival exactly as a check-in screen is, stored in the client's open episode with the acting clinician, and
/// run through the same signals (a risk answer raises the urgent alert and notifies the clinician at once).
/// </summary>
public sealed class QuestionnaireResponseIntake(AttuneDbContext db, CurrentStaff staff, Actions.RecordAuthorization authorization, InstrumentCatalog catalog,
    TimeProvider clock, AuditTrail audit, ResponseRecording recording, IOptions<CrisisOptions> crisis)
{
    private const string Rule = "QuestionnaireResponse";

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

        var user = await staff.GetAsync(ct);
        var problems = new List<OperationOutcome.IssueComponent>();
        void Problem(string text, string expression) => problems.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Processing, Diagnostics = text, Expression = [expression],
        });

        if (qr.Status != QuestionnaireResponse.QuestionnaireResponseStatus.Completed)
            Problem("Attune stores completed responses: status must be 'completed'.", $"{Rule}.status");
        var definition = Instrument(qr.Questionnaire);
        if (definition is null)
            Problem("questionnaire must name one of Attune's Questionnaires (its url, urn:attune:questionnaire:{id}, or Questionnaire/{id}); see GET /fhir/Questionnaire.", $"{Rule}.questionnaire");
        else if (definition.ItemTextMissing)
            Problem($"{definition.ShortName}'s licensed item text is not installed at this clinic, so it cannot be recorded here.", $"{Rule}.questionnaire");

        // The subject must be a client in the acting clinician's own open episode: only the treating clinician records.
        // Asked as every action asks (the resource-based handler); FHIR answers any refusal of the subject alike, 422.
        var clientId = FhirQuery.ReferenceId(qr.Subject?.Reference, "Patient");
        Core.Relationships.TherapeuticRelationship? relationship = null;
        if (clientId is { } subject)
        {
            var (_, episodeId, refusal) = await authorization.CurrentEpisodeToChangeAsync(subject, "Only the client's own clinician records their answers.", ct);
            if (refusal is null)
                relationship = await db.Relationships.AsNoTracking().SingleOrDefaultAsync(r => r.Id == episodeId && r.ClosedAt == null, ct);
        }
        if (relationship is null)
            Problem("subject must be Patient/{id} of a client in an open episode of care with the clinician this system acts as.", $"{Rule}.subject");

        Guid? sessionId = null;
        if (qr.Encounter?.Reference is { } encounterRef && relationship is not null)
        {
            sessionId = FhirQuery.ReferenceId(encounterRef, "Encounter");
            if (sessionId is null || !await db.Sessions.AnyAsync(s => s.Id == sessionId && s.RelationshipId == relationship.Id, ct))
                Problem("encounter must be Encounter/{id} of a session in the client's open episode.", $"{Rule}.encounter");
        }

        var now = clock.GetUtcNow();
        var authored = now;
        if (qr.AuthoredElement is { } authoredElement)
        {
            if (authoredElement.TryToDateTimeOffset(out var at) && authoredElement.Value?.Contains('T') == true)
                authored = at.ToUniversalTime();
            else
                Problem("authored must be a date and time with a time zone.", $"{Rule}.authored");
            if (authored > now.AddMinutes(5))
                Problem("authored cannot be in the future.", $"{Rule}.authored");
        }

        var answers = new Dictionary<string, decimal?>();
        var texts = new Dictionary<string, string>();
        if (definition is not null)
            ReadAnswers(definition, qr.Item, "QuestionnaireResponse", answers, texts, Problem);
        ScoreResult? result = null;
        if (definition is not null && problems.Count == 0)
        {
            var outcome = InstrumentScorer.Score(definition, answers);
            foreach (var error in outcome.Errors)
                Problem(error.Message, error.ItemId is null ? $"{Rule}.item" : $"{Rule}.repeat(item).where(linkId='{error.ItemId}')");
            result = outcome.Result;
        }
        if (problems.Count > 0 || result is null || relationship is null)
            return FhirOutcomes.Outcome(StatusCodes.Status422UnprocessableEntity, new OperationOutcome { Issue = problems });

        var response = new InstrumentResponse(relationship.Id, null, sessionId, answers, result, authored);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Responses.Add(response);
            audit.Staff(user, "create", "InstrumentResponse", response.Id, relationship.ClientId);
            await recording.StageAsync(relationship, response, wasRisk: false, texts, now,
                (action, type, id) => audit.Staff(user, action, type, id, relationship.ClientId), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await recording.EvaluateSignalsAsync(relationship.Id, ct);

        var created = FhirResources.Response(response, relationship.ClientId, definition, completed: true, texts, FhirResources.Relative);
        var version = FhirEndpoints.Stamp(created);
        var location = $"{FhirEndpoints.BaseUrl(http.Request)}/QuestionnaireResponse/{created.Id}/_history/{version}";
        http.Response.Headers.Location = location;
        http.Response.Headers.ETag = $"W/\"{version}\"";
        http.Response.Headers.LastModified = response.CompletedAt.ToString("R");
        var prefer = http.Request.Headers["Prefer"].ToString();
        if (prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase))
            return Results.StatusCode(StatusCodes.Status201Created);
        if (prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase))
            return FhirOutcomes.Outcome(StatusCodes.Status201Created, CreatedOutcome(response, definition!));
        return FhirEndpoints.Json(http, created, StatusCodes.Status201Created);
    }

    /// <summary>
    /// What happened, for a system that shows it to the client: the score, and for a risk answer that the clinician has
    /// been alerted and the crisis resources the client must see now.
    /// </summary>
    private OperationOutcome CreatedOutcome(InstrumentResponse response, InstrumentDefinition d)
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
                    + crisis.Value.Heading + ": " + string.Join("; ", crisis.Value.Resources.Select(r => $"{r.Name}: {r.Detail}")),
            });
        return outcome;
    }

    private InstrumentDefinition? Instrument(string? canonical)
    {
        if (string.IsNullOrWhiteSpace(canonical)) return null;
        var url = canonical.Split('|')[0];
        return catalog.All.FirstOrDefault(d => url == QuestionnaireExport.CanonicalFor(d) || url == $"Questionnaire/{d.Id}" || url.EndsWith($"/Questionnaire/{d.Id}", StringComparison.Ordinal));
    }

    /// <summary>Every answered item, nested or not (the stem group is optional), turned into Attune's numeric answers and texts.</summary>
    private static void ReadAnswers(InstrumentDefinition d, IEnumerable<QuestionnaireResponse.ItemComponent> items, string path,
        Dictionary<string, decimal?> answers, Dictionary<string, string> texts, Action<string, string> problem)
    {
        foreach (var item in items)
        {
            var at = $"{Rule}.repeat(item).where(linkId='{item.LinkId}')";
            if (item.Item.Count > 0)
                ReadAnswers(d, item.Item, path, answers, texts, problem);
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
                    if ((text.Value?.Length ?? 0) > (definitionItem.MaxLength ?? 2000))
                        problem($"Keep this answer to {definitionItem.MaxLength ?? 2000} characters.", at);
                    else if (!string.IsNullOrWhiteSpace(text.Value))
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
