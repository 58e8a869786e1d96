namespace Attune.Web.Features.Integrations;

/// <summary>
/// What a system may ask for, in the SMART on FHIR style: <c>system/Observation.read</c>, <c>system/*.read</c>,
/// <c>system/QuestionnaireResponse.write</c>; and <c>attune/signals.read</c> and friends for the REST API. A scope
/// only narrows: the staff member the system acts as must also be allowed the record.
/// </summary>
public static class ApiScopes
{
    public static readonly string[] FhirReadable = ["Patient", "Practitioner", "EpisodeOfCare", "Encounter", "Questionnaire", "QuestionnaireResponse", "Observation"];
    public static readonly string[] FhirWritable = ["QuestionnaireResponse"];
    public static readonly string[] RestAreas = ["signals", "goals", "ruptures", "phases", "matching"];
    /// <summary>Areas a system only reads (supervision sessions and hours are logged and signed in Attune): no write scope.</summary>
    public static readonly string[] RestReadOnlyAreas = ["supervision"];

    public const string AllFhirRead = "system/*.read";
    public const string AllFhirWrite = "system/*.write";

    public static string Read(string type) => $"system/{type}.read";
    public static string Write(string type) => $"system/{type}.write";
    public static string RestRead(string area) => $"attune/{area}.read";
    public static string RestWrite(string area) => $"attune/{area}.write";

    public static IReadOnlyList<string> All { get; } =
    [
        AllFhirRead, AllFhirWrite,
        .. FhirReadable.Select(Read), .. FhirWritable.Select(Write),
        .. RestAreas.Select(RestRead), .. RestAreas.Select(RestWrite), .. RestReadOnlyAreas.Select(RestRead),
    ];

    /// <summary>True when the granted scopes cover reading (or writing) this FHIR resource type.</summary>
    public static bool AllowsFhir(IEnumerable<string> granted, string type, bool write)
    {
        var wanted = write ? Write(type) : Read(type);
        var wildcard = write ? AllFhirWrite : AllFhirRead;
        return granted.Any(s => s == wanted || s == wildcard);
    }

    public static bool AllowsRest(IEnumerable<string> granted, string area, bool write) =>
        granted.Contains(write ? RestWrite(area) : RestRead(area));
}
