using Hl7.Fhir.Model;

namespace Attune.Web.Features.Fhir;

public sealed record FhirSearchParameter(string Name, SearchParamType Type, string Documentation);

public sealed record FhirResourceSupport(string Type, bool Create, IReadOnlyList<FhirSearchParameter> Search, string Documentation);

/// <summary>
/// What the FHIR endpoint supports, in one table: the routes are made from it, searches reject (under
/// <c>Prefer: handling=strict</c>) or ignore anything not in it, and the CapabilityStatement is written from it, so the
/// statement cannot claim more than the server does.
/// </summary>
public static class FhirSupport
{
    public const string FhirVersion = "4.0.1";
    public const int DefaultCount = 20;
    public const int MaxCount = 100;

    private static readonly FhirSearchParameter Id = new("_id", SearchParamType.Token, "The resource's id.");
    private static readonly FhirSearchParameter Patient = new("patient", SearchParamType.Reference, "The client: Patient/{id}.");

    public static readonly IReadOnlyList<FhirResourceSupport> Resources =
    [
        new("Patient", false, [Id,
            new("name", SearchParamType.String, "Part of the client's name, any case."),
            new("identifier", SearchParamType.Token, "The clinic's own reference for the client.")],
            "The clients the staff member the system acts as may see: their own, and a supervisor's supervisees' clients."),
        new("Practitioner", false, [Id, new("name", SearchParamType.String, "Part of the clinician's name, any case.")],
            "The staff member's own clinician record, their supervisees, and the clinicians of the clients they see."),
        new("EpisodeOfCare", false, [Id, Patient,
            new("status", SearchParamType.Token, "planned (intake), active (working phase, ending) or finished.")],
            "One per therapeutic relationship: intake to termination; re-engagement opens a new one."),
        new("Encounter", false, [Id, Patient,
            new("episode-of-care", SearchParamType.Reference, "EpisodeOfCare/{id}."),
            new("date", SearchParamType.Date, "When the session starts; prefixes eq, ne, gt, lt, ge, le, sa, eb.")],
            "Therapy sessions, attended, missed, cancelled or planned."),
        new("Questionnaire", false, [Id,
            new("url", SearchParamType.Uri, "The canonical URL, urn:attune:questionnaire:{id}."),
            new("name", SearchParamType.String, "The start of the computable name, any case."),
            new("status", SearchParamType.Token, "Always active.")],
            "Every instrument Attune knows, with answer weights (itemWeight) and the score as a FHIRPath variable."),
        new("QuestionnaireResponse", true, [Id, Patient,
            new("subject", SearchParamType.Reference, "Patient/{id}, as patient."),
            new("questionnaire", SearchParamType.Reference, "The Questionnaire's canonical URL or Questionnaire/{id}."),
            new("authored", SearchParamType.Date, "When it was completed; prefixes as for dates.")],
            "Created responses are scored on arrival like a check-in, raise the same signals (a risk answer alerts the clinician at once) and must be for a client in the acting clinician's own open episode."),
        new("Observation", false, [Id, Patient,
            new("subject", SearchParamType.Reference, "Patient/{id}, as patient."),
            new("code", SearchParamType.Token, "The score's code: LOINC where there is one (PHQ-9 total 44261-6, GAD-7 total 70274-6), else Attune's."),
            new("date", SearchParamType.Date, "When the measure was completed; prefixes as for dates.")],
            "Each completed measure's score (subscales as components), derivedFrom its QuestionnaireResponse."),
    ];

    public static FhirResourceSupport? Find(string type) => Resources.FirstOrDefault(r => r.Type == type);

    public static readonly string[] CommonParameters = ["_count", "_offset", "_format", "_pretty"];

    public static CapabilityStatement Capabilities(string baseUrl, DateTimeOffset now, string? version) => new()
    {
        Url = baseUrl + "/metadata",
        Name = "AttuneFhirServer",
        Title = "Attune FHIR R4 API",
        Status = PublicationStatus.Active,
        Date = now.ToString("yyyy-MM-dd"),
        Kind = CapabilityStatementKind.Instance,
        Software = new CapabilityStatement.SoftwareComponent { Name = "Attune", Version = version },
        Implementation = new CapabilityStatement.ImplementationComponent { Description = "Attune", Url = baseUrl },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = ["application/fhir+json", "json"],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Documentation = "Searches page with _count (at most 100) and _offset. Unknown search parameters are ignored, or refused with Prefer: handling=strict.",
                Security = new CapabilityStatement.SecurityComponent
                {
                    Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR")],
                    Description = "OAuth 2.0 client credentials at /connect/token (client_secret_basic or client_secret_post); scopes system/{Type}.read, system/*.read, system/QuestionnaireResponse.write. A client acts as one staff member and sees what they see.",
                    Extension =
                    [
                        new Extension
                        {
                            Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            Extension = [new Extension("token", new FhirUri(baseUrl.Replace("/fhir", "") + "/connect/token"))],
                        },
                    ],
                },
                Resource = Resources.Select(r => new CapabilityStatement.ResourceComponent
                {
                    Type = r.Type,
                    Documentation = r.Documentation,
                    Interaction =
                    [
                        new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                        new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Vread, Documentation = "The current version only." },
                        new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                        .. r.Create ? [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Create }] : Array.Empty<CapabilityStatement.ResourceInteractionComponent>(),
                    ],
                    Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
                    ReadHistory = false,
                    UpdateCreate = false,
                    SearchParam = r.Search.Select(p => new CapabilityStatement.SearchParamComponent
                    {
                        Name = p.Name,
                        Type = p.Type,
                        Documentation = p.Documentation,
                    }).ToList(),
                }).ToList(),
            },
        ],
    };
}
