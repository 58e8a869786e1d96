using System.Globalization;
using System.Text.Json;
using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Fhir;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Hl7.Fhir.Model;

namespace Attune.Web.Features.Fhir;

/// <summary>How one resource points at another: "Patient/{id}" on the API, "urn:uuid:{id}" inside an exported Bundle.</summary>
public delegate string ReferenceTo(string type, Guid id);

/// <summary>
/// Attune's records as FHIR R4 resources, one mapping used by the FHIR API and by the privacy export, so a client's
/// data reads the same either way.
/// </summary>
public static class FhirResources
{
    public const string ClinicReferenceSystem = "urn:attune:clinic-reference";
    public const string ObservationCategories = "http://terminology.hl7.org/CodeSystem/observation-category";
    private const string ActCodes = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    public static readonly ReferenceTo Relative = (type, id) => $"{type}/{id}";

    /// <param name="languages">The languages the client asked to have therapy in (their matching preferences), as Patient.communication.</param>
    public static Patient Patient(Client client, string? organisationName, IEnumerable<Patient.CommunicationComponent>? languages = null)
    {
        var patient = new Patient { Id = client.Id.ToString(), Active = true, Name = [new HumanName { Text = client.DisplayName }] };
        if (client.Email is { } email) patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, email));
        if (client.Phone is { } phone) patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, phone));
        if (client.Reference is { } reference) patient.Identifier.Add(new Identifier(ClinicReferenceSystem, reference));
        if (organisationName is not null) patient.ManagingOrganization = new ResourceReference { Display = organisationName };
        if (languages is not null) patient.Communication.AddRange(languages);
        return patient;
    }

    public static Practitioner Practitioner(Clinician clinician) =>
        new() { Id = clinician.Id.ToString(), Active = true, Name = [new HumanName { Text = clinician.DisplayName }] };

    public static EpisodeOfCare.EpisodeOfCareStatus EpisodeStatus(RelationshipPhase phase) => phase switch
    {
        RelationshipPhase.Closed => EpisodeOfCare.EpisodeOfCareStatus.Finished,
        RelationshipPhase.Intake => EpisodeOfCare.EpisodeOfCareStatus.Planned,
        _ => EpisodeOfCare.EpisodeOfCareStatus.Active,
    };

    public static EpisodeOfCare Episode(TherapeuticRelationship r, string? clinicianName, string? clientName, ReferenceTo to, IEnumerable<PhaseChange>? changes = null)
    {
        var episode = new EpisodeOfCare
        {
            Id = r.Id.ToString(),
            Status = EpisodeStatus(r.Phase),
            Patient = new ResourceReference(to("Patient", r.ClientId), clientName),
            CareManager = new ResourceReference(to("Practitioner", r.ClinicianId), clinicianName),
            Period = new Period(new FhirDateTime(r.OpenedAt), r.ClosedAt is { } closed ? new FhirDateTime(closed) : null),
            Type = [new CodeableConcept { Text = $"Psychotherapy, phase {r.Phase}" }],
        };
        foreach (var change in (changes ?? []).OrderBy(p => p.At))
            episode.StatusHistory.Add(new EpisodeOfCare.StatusHistoryComponent
            {
                Status = EpisodeStatus(change.To),
                Period = new Period { StartElement = new FhirDateTime(change.At) },
            });
        return episode;
    }

    public static Encounter Encounter(TherapySession s, TherapeuticRelationship r, string? clinicianName, ReferenceTo to) => new()
    {
        Id = s.Id.ToString(),
        Status = s.Attendance switch
        {
            SessionAttendance.Attended => Hl7.Fhir.Model.Encounter.EncounterStatus.Finished,
            SessionAttendance.Scheduled => Hl7.Fhir.Model.Encounter.EncounterStatus.Planned,
            _ => Hl7.Fhir.Model.Encounter.EncounterStatus.Cancelled,
        },
        Class = s.Modality == SessionModality.InPerson ? new Coding(ActCodes, "AMB", "ambulatory") : new Coding(ActCodes, "VR", "virtual"),
        Type = [new CodeableConcept { Text = $"Therapy session{(s.Number is { } n ? $" {n}" : "")} ({s.Modality}, {s.Attendance})" }],
        Subject = new ResourceReference(to("Patient", r.ClientId)),
        EpisodeOfCare = [new ResourceReference(to("EpisodeOfCare", r.Id))],
        Participant = [new Hl7.Fhir.Model.Encounter.ParticipantComponent { Individual = new ResourceReference(to("Practitioner", r.ClinicianId), clinicianName) }],
        Period = new Period { StartElement = new FhirDateTime(s.StartsAt) },
    };

    /// <summary>
    /// A stored response as a QuestionnaireResponse shaped like its Questionnaire (items under the stem group where
    /// there is one; choices as the Questionnaire's codings), so that FHIRPath's weight() finds each answer's weight.
    /// </summary>
    public static QuestionnaireResponse Response(InstrumentResponse response, Guid clientId, InstrumentDefinition? d, bool completed, IReadOnlyDictionary<string, string>? texts, ReferenceTo to)
    {
        var qr = new QuestionnaireResponse
        {
            Id = response.Id.ToString(),
            Status = completed ? QuestionnaireResponse.QuestionnaireResponseStatus.Completed : QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
            Questionnaire = d is null ? null : QuestionnaireExport.CanonicalFor(d),
            Subject = new ResourceReference(to("Patient", clientId)),
            Authored = new FhirDateTime(response.CompletedAt).Value,
            Encounter = response.SessionId is { } session ? new ResourceReference(to("Encounter", session)) : null,
        };
        if (d is null)
        {
            foreach (var (item, value) in response.Answers.OrderBy(a => a.Key, StringComparer.Ordinal))
                qr.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = item, Answer = [new() { Value = new FhirDecimal(value) }] });
            return qr;
        }
        var items = qr.Item;
        if (d.Stem is not null)
        {
            var group = new QuestionnaireResponse.ItemComponent { LinkId = "stem" };
            qr.Item.Add(group);
            items = group.Item;
        }
        foreach (var item in d.Items)
        {
            DataType? value = null;
            if (item.Kind == ItemKind.Text)
                value = QuestionnaireExport.Present(texts?.GetValueOrDefault(item.Id)) is { } text ? new FhirString(text) : null;
            else if (response.Answers.TryGetValue(item.Id, out var answer))
                value = item.Kind == ItemKind.Scale
                    ? item.Step is { } step && step % 1 == 0 ? new Integer((int)answer) : new FhirDecimal(answer)
                    : d.OptionsFor(item).FirstOrDefault(o => o.Value == answer) is { } option ? QuestionnaireExport.AnswerCoding(d, item, option) : new FhirDecimal(answer);
            if (value is not null)
                items.Add(new QuestionnaireResponse.ItemComponent { LinkId = item.Id, Text = QuestionnaireExport.Present(item.Text), Answer = [new() { Value = value }] });
        }
        if (items.Count == 0 && d.Stem is not null) qr.Item.Clear();
        return qr;
    }

    /// <summary>The Observation id of a response's score.</summary>
    public static string ScoreId(Guid responseId) => $"{responseId}-score";

    public static Guid? ResponseOfScore(string observationId) =>
        observationId.EndsWith("-score", StringComparison.Ordinal) && Guid.TryParse(observationId[..^"-score".Length], out var id) ? id : null;

    /// <summary>The score's code: LOINC's total-score code where the instrument has one, else Attune's own.</summary>
    public static Coding ScoreCode(InstrumentDefinition? d, string instrument) =>
        d?.Codes is { Total: { } total } codes ? new Coding(codes.System, total, $"{d.Name} total score")
            : new Coding($"urn:attune:instrument:{instrument}", "total", $"{d?.Name ?? instrument} total score");

    public static Observation Score(InstrumentResponse response, Guid clientId, InstrumentDefinition? d, bool completed, ReferenceTo to)
    {
        var observation = new Observation
        {
            Id = ScoreId(response.Id),
            Status = completed ? ObservationStatus.Final : ObservationStatus.Preliminary,
            Category = [new CodeableConcept(ObservationCategories, "survey", "Survey")],
            Code = new CodeableConcept { Coding = [ScoreCode(d, response.Instrument)], Text = $"{d?.Name ?? response.Instrument} total score" },
            Subject = new ResourceReference(to("Patient", clientId)),
            Encounter = response.SessionId is { } session ? new ResourceReference(to("Encounter", session)) : null,
            Effective = new FhirDateTime(response.CompletedAt),
            Issued = response.CompletedAt,
            Value = ScoreQuantity(response.Score),
            DerivedFrom = [new ResourceReference(to("QuestionnaireResponse", response.Id))],
        };
        if (response.Band is { } band)
            observation.Interpretation = [new CodeableConcept { Text = band }];
        if (response.Result.Min != response.Result.Max)
            observation.ReferenceRange = [new Observation.ReferenceRangeComponent { Low = ScoreQuantity(response.Result.Min), High = ScoreQuantity(response.Result.Max), Text = "Possible scores" }];
        foreach (var subscale in response.Result.Subscales.Where(s => s.Score is not null))
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = new CodeableConcept($"urn:attune:instrument:{response.Instrument}:subscale", subscale.Id, subscale.Name),
                Value = ScoreQuantity(subscale.Score!.Value),
            });
        if (response.IsRisk)
            observation.Note = [new Annotation { Text = "A risk answer was given: the clinician has been alerted." }];
        return observation;
    }

    private static Quantity ScoreQuantity(decimal value) =>
        new() { Value = value, Unit = "{score}", System = "http://unitsofmeasure.org", Code = "{score}" };

    /// <summary>A short, stable version id for a resource: it changes when (and only when) its content does.</summary>
    public static string VersionOf(Resource resource)
    {
        var meta = resource.Meta;
        resource.Meta = null;
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(FhirJson.Serialize(resource)));
        resource.Meta = meta;
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    public static Dictionary<string, string> ReadTexts(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    internal static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
