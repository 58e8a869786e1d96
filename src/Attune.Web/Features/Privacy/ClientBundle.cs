using System.Text;
using Attune.Core.Fhir;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace Attune.Web.Features.Privacy;

/// <summary>
/// The client's whole record as a FHIR R4 Bundle of type "collection": Patient, the treating Practitioners,
/// EpisodeOfCare per relationship, Encounter per session, QuestionnaireResponse and Observation per completed measure,
/// Goal per treatment goal, Flag per alert, a DocumentReference per piece of free text (notes, reflections, rupture
/// notes, summaries, written answers), and AuditEvent per read or change of the record.
/// </summary>
public static class ClientBundle
{
    private const string Base = "urn:uuid:";

    public static Bundle Build(ClientRecordCopy copy, InstrumentCatalog catalog, DateTimeOffset now)
    {
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString(),
            Type = Bundle.BundleType.Collection,
            Timestamp = now,
            Identifier = new Identifier("urn:attune:privacy-export", Guid.NewGuid().ToString()),
        };
        void Add(Resource r, Guid id) => bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = Base + id, Resource = r });

        var client = copy.Client;
        var patient = new Patient { Id = client.Id.ToString(), Name = [new HumanName { Text = client.DisplayName }] };
        if (client.Email is { } email) patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, email));
        if (client.Phone is { } phone) patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, phone));
        if (client.Reference is { } reference) patient.Identifier.Add(new Identifier("urn:attune:clinic-reference", reference));
        patient.ManagingOrganization = new ResourceReference { Display = copy.Organisation.Name };
        Add(patient, client.Id);
        var patientRef = new ResourceReference(Base + client.Id, client.DisplayName);

        foreach (var clinician in copy.Clinicians.Values)
            Add(new Practitioner { Id = clinician.Id.ToString(), Name = [new HumanName { Text = clinician.DisplayName }] }, clinician.Id);

        foreach (var r in copy.Relationships)
        {
            var episode = new EpisodeOfCare
            {
                Id = r.Id.ToString(),
                Status = r.Phase switch
                {
                    RelationshipPhase.Closed => EpisodeOfCare.EpisodeOfCareStatus.Finished,
                    RelationshipPhase.Intake => EpisodeOfCare.EpisodeOfCareStatus.Planned,
                    _ => EpisodeOfCare.EpisodeOfCareStatus.Active,
                },
                Patient = patientRef,
                CareManager = new ResourceReference(Base + r.ClinicianId, copy.Clinicians.GetValueOrDefault(r.ClinicianId)?.DisplayName),
                Period = new Period(new FhirDateTime(r.OpenedAt), r.ClosedAt is { } closed ? new FhirDateTime(closed) : null),
                Type = [new CodeableConcept { Text = $"Psychotherapy, phase {r.Phase}" }],
            };
            foreach (var change in r.PhaseChanges.OrderBy(p => p.At))
                episode.StatusHistory.Add(new EpisodeOfCare.StatusHistoryComponent
                {
                    Status = change.To == RelationshipPhase.Closed ? EpisodeOfCare.EpisodeOfCareStatus.Finished : EpisodeOfCare.EpisodeOfCareStatus.Active,
                    Period = new Period { StartElement = new FhirDateTime(change.At) },
                });
            Add(episode, r.Id);

            foreach (var s in r.Sessions.OrderBy(s => s.StartsAt))
                Add(new Encounter
                {
                    Id = s.Id.ToString(),
                    Status = s.Attendance switch
                    {
                        SessionAttendance.Attended => Encounter.EncounterStatus.Finished,
                        SessionAttendance.Scheduled => Encounter.EncounterStatus.Planned,
                        _ => Encounter.EncounterStatus.Cancelled,
                    },
                    Class = s.Modality == SessionModality.InPerson
                        ? new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory")
                        : new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "VR", "virtual"),
                    Type = [new CodeableConcept { Text = $"Therapy session{(s.Number is { } n ? $" {n}" : "")} ({s.Modality}, {s.Attendance})" }],
                    Subject = patientRef,
                    EpisodeOfCare = [new ResourceReference(Base + r.Id)],
                    Period = new Period { StartElement = new FhirDateTime(s.StartsAt) },
                }, s.Id);
        }

        foreach (var response in copy.Responses)
        {
            var definition = catalog.Find(response.Instrument);
            var qr = new QuestionnaireResponse
            {
                Id = response.Id.ToString(),
                Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                Questionnaire = definition is null ? null : QuestionnaireExport.CanonicalFor(definition),
                Subject = patientRef,
                Authored = new FhirDateTime(response.CompletedAt).Value,
                Encounter = response.SessionId is { } session ? new ResourceReference(Base + session) : null,
            };
            foreach (var (item, value) in response.Answers.OrderBy(a => a.Key, StringComparer.Ordinal))
                qr.Item.Add(new QuestionnaireResponse.ItemComponent
                {
                    LinkId = item,
                    Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Integer((int)value) }],
                });
            Add(qr, response.Id);
            var observationId = DerivedId(response.Id, "score");
            Add(new Observation
            {
                Id = observationId.ToString(),
                Status = ObservationStatus.Final,
                Code = new CodeableConcept { Text = $"{definition?.Name ?? response.Instrument} total score" },
                Subject = patientRef,
                Effective = new FhirDateTime(response.CompletedAt),
                Value = new Quantity { Value = response.Score, Unit = "{score}", System = "http://unitsofmeasure.org", Code = "{score}" },
                Interpretation = response.Band is { } band ? [new CodeableConcept { Text = band }] : [],
                DerivedFrom = [new ResourceReference(Base + response.Id)],
            }, observationId);
        }

        foreach (var goal in copy.Goals)
            Add(new Goal
            {
                Id = goal.Id.ToString(),
                LifecycleStatus = Goal.GoalLifecycleStatus.Active,
                Description = new CodeableConcept { Text = copy.Texts.FirstOrDefault(t => t.RecordId == goal.Id)?.Text ?? goal.Kind.ToString() },
                Subject = patientRef,
                Start = new Date(goal.CreatedAt.Year, goal.CreatedAt.Month, goal.CreatedAt.Day),
                Note = [new Annotation { Text = $"Agreement: {goal.Agreement}. Ratings: " + string.Join(", ", copy.GoalRatings.Where(r => r.GoalId == goal.Id).Select(r => $"{r.RatedAt:yyyy-MM-dd} level {r.Level}")) }],
            }, goal.Id);

        foreach (var alert in copy.Alerts)
            Add(new Flag
            {
                Id = alert.Id.ToString(),
                Status = alert.Status.ToString() == "Resolved" ? Flag.FlagStatus.Inactive : Flag.FlagStatus.Active,
                Code = new CodeableConcept { Text = $"{alert.Kind}: {alert.Explanation}" },
                Subject = patientRef,
                Period = new Period(new FhirDateTime(alert.CreatedAt), alert.ResolvedAt is { } resolved ? new FhirDateTime(resolved) : null),
            }, alert.Id);

        var textIndex = 0;
        foreach (var text in copy.Texts)
        {
            var id = DerivedId(text.RecordId, $"text-{textIndex++}");
            var document = new DocumentReference
            {
                Id = id.ToString(),
                Status = DocumentReferenceStatus.Current,
                Type = new CodeableConcept { Text = text.Kind },
                Subject = patientRef,
                Date = text.At,
                Description = text.Kind,
                Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { ContentType = "text/plain; charset=utf-8", Data = Encoding.UTF8.GetBytes(text.Text) } }],
                Context = new DocumentReference.ContextComponent
                {
                    Encounter = text.SessionId is { } session ? [new ResourceReference(Base + session)] : [new ResourceReference(Base + text.RelationshipId)],
                },
            };
            Add(document, id);
        }

        var accessIndex = 0;
        foreach (var entry in copy.Access)
        {
            var id = DerivedId(client.Id, $"access-{accessIndex++}");
            Add(new AuditEvent
            {
                Id = id.ToString(),
                Type = new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"),
                Action = entry.Action switch { "read" => AuditEvent.AuditEventAction.R, "create" => AuditEvent.AuditEventAction.C, "export" => AuditEvent.AuditEventAction.E, _ => AuditEvent.AuditEventAction.U },
                Recorded = entry.At,
                Agent = [new AuditEvent.AgentComponent { Who = new ResourceReference { Display = entry.Who }, Requestor = true }],
                Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "Attune" } },
                Entity = [new AuditEvent.EntityComponent { What = patientRef, Description = $"{entry.Action} {entry.Record} (audit event {entry.Sequence})" }],
            }, id);
        }
        return bundle;
    }

    public static string ToJson(Bundle bundle) => FhirJson.Serialize(bundle, pretty: true);

    /// <summary>A stable id for a resource made from a record (the score Observation of a response, and so on).</summary>
    private static Guid DerivedId(Guid source, string what)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{source:N}/{what}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
