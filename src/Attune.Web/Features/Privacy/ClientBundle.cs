using System.Text;
using Attune.Core.Fhir;
using Attune.Core.Instruments;
using Attune.Web.Features.Fhir;
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
        ReferenceTo to = (_, id) => Base + id;
        Add(FhirResources.Patient(client, copy.Organisation.Name, copy.Preferences is { } languages ? PreferencesQuestionnaire.Languages(languages.Preferences) : null), client.Id);
        var patientRef = new ResourceReference(Base + client.Id, client.DisplayName);
        if (copy.Preferences is { } preferences)
            Add(PreferencesQuestionnaire.Response(preferences.Preferences, copy.Domains, preferences.Stored.Id, patientRef, preferences.Stored.UpdatedAt, preferences.Stored.GivenByClient),
                preferences.Stored.Id);

        foreach (var clinician in copy.Clinicians.Values)
            Add(FhirResources.Practitioner(clinician), clinician.Id);

        foreach (var r in copy.Relationships)
        {
            var clinicianName = copy.Clinicians.GetValueOrDefault(r.ClinicianId)?.DisplayName;
            Add(FhirResources.Episode(r, clinicianName, client.DisplayName, to, r.PhaseChanges), r.Id);
            foreach (var s in r.Sessions.OrderBy(s => s.StartsAt))
                Add(FhirResources.Encounter(s, r, clinicianName, to), s.Id);
        }

        foreach (var response in copy.Responses)
        {
            var definition = catalog.Find(response.Instrument);
            Add(FhirResources.Response(response, client.Id, definition, completed: true, texts: null, to), response.Id);
            var observationId = DerivedId(response.Id, "score");
            var observation = FhirResources.Score(response, client.Id, definition, completed: true, to);
            observation.Id = observationId.ToString();
            Add(observation, observationId);
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
                Entity = [new AuditEvent.EntityComponent { What = patientRef, Description = entry.Sequence is { } place ? $"{entry.Action} {entry.Record} (audit event {place})" : $"{entry.Action} {entry.Record} (audit event waiting for its place in the chain)" }],
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
