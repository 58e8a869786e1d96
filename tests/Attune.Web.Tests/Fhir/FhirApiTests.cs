using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Attune.Core.Clinic;
using Attune.Core.Fhir;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Integrations;
using Attune.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Attune.Web.Tests.Fhir;

/// <summary>The FHIR endpoint as a system uses it: a client-credentials token, then read, search and create.</summary>
public class FhirApiTests
{
    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected) where T : Resource
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return FhirJson.Deserialize<T>(body);
    }

    [Theory, AllDatabases]
    public async Task A_system_reads_and_searches_exactly_what_its_clinician_sees(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var registered = await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, ApiScopes.AllFhirRead);

        // A wrong secret gets no token.
        var wrong = await ApiSystem.TokenResponseAsync(StaffClient.Anonymous(app), registered.Client.ClientId, registered.Secret + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("invalid_client", await wrong.Content.ReadAsStringAsync(ct));

        // The right one gets a short-lived bearer token.
        var token = await ApiSystem.TokenResponseAsync(StaffClient.Anonymous(app), registered.Client.ClientId, registered.Secret);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        using (var json = JsonDocument.Parse(await token.Content.ReadAsStringAsync(ct)))
        {
            Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString());
            Assert.InRange(json.RootElement.GetProperty("expires_in").GetInt32(), 60, 900);
        }
        var http = await ApiSystem.SignInAsync(app, registered);
        var metadata = await ReadAsync<CapabilityStatement>(await StaffClient.Anonymous(app).GetAsync("/fhir/metadata", ct), HttpStatusCode.OK);
        Assert.Equal(["Patient", "Practitioner", "EpisodeOfCare", "Encounter", "Questionnaire", "QuestionnaireResponse", "Observation"],
            metadata.Rest.Single().Resource.Select(r => r.Type));
        Assert.Contains(metadata.Rest.Single().Resource.Single(r => r.Type == "QuestionnaireResponse").Interaction, i => i.Code == CapabilityStatement.TypeRestfulInteraction.Create);
        Assert.DoesNotContain(metadata.Rest.Single().Resource.Single(r => r.Type == "Patient").Interaction, i => i.Code == CapabilityStatement.TypeRestfulInteraction.Create);

        // Another clinic's client, who must never appear.
        var otherOrg = await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinician-2026");
        var stranger = new Client(otherOrg, "Stranger Person", app.Clock.GetUtcNow());
        List<Guid> mine;
        Guid alex;
        await using (var db = app.CreateDbContext())
        {
            db.Clients.Add(stranger);
            await db.SaveChangesAsync(ct);
            var me = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId).SingleAsync(ct);
            mine = await db.Relationships.Where(r => r.ClinicianId == me).Select(r => r.ClientId).Distinct().ToListAsync(ct);
            alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(ct);
        }

        var patients = await ReadAsync<Bundle>(await http.GetAsync("/fhir/Patient", ct), HttpStatusCode.OK);
        Assert.Equal(Bundle.BundleType.Searchset, patients.Type);
        Assert.Equal(mine.Count, patients.Total);
        Assert.Equal(mine.Order(), patients.Entry.Select(e => Guid.Parse(e.Resource!.Id!)).Order());

        // Links point at the configured public address (PublicUrl), whatever Host the request named.
        var forged = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient?_count=1");
        forged.Headers.Host = "attacker.example";
        var forgedPage = await ReadAsync<Bundle>(await http.SendAsync(forged, ct), HttpStatusCode.OK);
        Assert.All(forgedPage.Link.Select(l => l.Url).Concat(forgedPage.Entry.Select(e => e.FullUrl)), url => Assert.StartsWith("https://localhost/fhir/", url));

        // Paging: one at a time, following "next", meets every client once.
        var seen = new List<string>();
        var url = "/fhir/Patient?_count=1";
        while (url is not null)
        {
            var page = await ReadAsync<Bundle>(await http.GetAsync(url, ct), HttpStatusCode.OK);
            Assert.True(page.Entry.Count <= 1);
            seen.AddRange(page.Entry.Select(e => e.Resource!.Id!));
            url = page.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
            Assert.True(seen.Count <= mine.Count, "paging does not end");
        }
        Assert.Equal(mine.Order(), seen.Select(Guid.Parse).Order());

        // Read with ETag, and If-None-Match answers 304.
        var read = await http.GetAsync($"/fhir/Patient/{alex}", ct);
        var patient = await ReadAsync<Patient>(read, HttpStatusCode.OK);
        Assert.Equal("Alex M.", patient.Name.Single().Text);
        Assert.Equal($"W/\"{patient.Meta!.VersionId}\"", read.Headers.ETag?.ToString());
        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{alex}");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", read.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(conditional, ct)).StatusCode);
        await ReadAsync<Patient>(await http.GetAsync($"/fhir/Patient/{alex}/_history/{patient.Meta.VersionId}", ct), HttpStatusCode.OK);
        await ReadAsync<OperationOutcome>(await http.GetAsync($"/fhir/Patient/{alex}/_history/0000", ct), HttpStatusCode.NotFound);

        // Alex's matching preferences: the language on Patient.communication, the rest as a response to the preferences
        // questionnaire (searched by its canonical URL, read by id), which is itself readable.
        Assert.Equal(("English", true), (patient.Communication.Single().Language.Text, patient.Communication.Single().Preferred));
        var preferences = await ReadAsync<Bundle>(await http.GetAsync($"/fhir/QuestionnaireResponse?questionnaire={PreferencesQuestionnaire.Canonical}&patient=Patient/{alex}", ct), HttpStatusCode.OK);
        var answered = (QuestionnaireResponse)preferences.Entry.Single().Resource!;
        Assert.Equal((PreferencesQuestionnaire.Canonical, $"Patient/{alex}"), (answered.Questionnaire, answered.Subject!.Reference));
        Assert.Equal("depression", ((Coding)answered.Item.Single(i => i.LinkId == "concerns").Answer.Single().Value!).Code);
        var modality = answered.Item.Single(i => i.LinkId == "modality");
        Assert.Equal(["Video", "InPerson"], modality.Item.Single(i => i.LinkId == "modality.values").Answer.Select(a => ((Coding)a.Value!).Code));
        Assert.Equal("NiceToHave", ((Coding)modality.Item.Single(i => i.LinkId == "modality.importance").Answer.Single().Value!).Code);
        Assert.Equal(130m, ((FhirDecimal)answered.Item.Single(i => i.LinkId == "fee").Item[0].Answer.Single().Value!).Value);
        Assert.Equal(answered.Id, (await ReadAsync<QuestionnaireResponse>(await http.GetAsync($"/fhir/QuestionnaireResponse/{answered.Id}", ct), HttpStatusCode.OK)).Id);
        var definition = await ReadAsync<Questionnaire>(await http.GetAsync($"/fhir/Questionnaire/{PreferencesQuestionnaire.Id}", ct), HttpStatusCode.OK);
        Assert.Equal(answered.Item.Select(i => i.LinkId), definition.Item.Select(i => i.LinkId).Where(l => answered.Item.Any(a => a.LinkId == l)));
        Assert.Equal(16, definition.Item.Count); // the concerns and fifteen criteria
        await using (var db = app.CreateDbContext())
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.ActorKind == "api" && e.EntityType == "ClientMatchPreferences" && e.ClientId == alex, ct));

        // Someone else's client: not found, by read or search, and nothing of them in any answer.
        var notYours = await ReadAsync<OperationOutcome>(await http.GetAsync($"/fhir/Patient/{stranger.Id}", ct), HttpStatusCode.NotFound);
        Assert.Equal(OperationOutcome.IssueType.NotFound, notYours.Issue.Single().Code);
        Assert.Equal(0, (await ReadAsync<Bundle>(await http.GetAsync($"/fhir/Patient?_id={stranger.Id}", ct), HttpStatusCode.OK)).Total);
        Assert.Equal(0, (await ReadAsync<Bundle>(await http.GetAsync($"/fhir/Observation?patient=Patient/{stranger.Id}", ct), HttpStatusCode.OK)).Total);

        // PHQ-9 scores by LOINC code, each derived from a QuestionnaireResponse that can be read and matches the stored score.
        var scores = await ReadAsync<Bundle>(await http.GetAsync($"/fhir/Observation?patient=Patient/{alex}&code=http://loinc.org|44261-6&_count=100", ct), HttpStatusCode.OK);
        List<(Guid Id, decimal Score)> stored;
        await using (var db = app.CreateDbContext())
            stored = (await db.Responses.Where(r => r.Instrument == "phq-9" && db.Relationships.Any(x => x.Id == r.RelationshipId && x.ClientId == alex)).ToListAsync(ct))
                .Select(r => (r.Id, r.Score)).ToList();
        Assert.True(stored.Count >= 2, "the demo has PHQ-9 scores for Alex");
        Assert.Equal(stored.Count, scores.Total);
        foreach (var observation in scores.Entry.Select(e => (Observation)e.Resource!))
        {
            Assert.Equal("44261-6", observation.Code!.Coding.Single().Code);
            var source = observation.DerivedFrom.Single().Reference;
            var response = await ReadAsync<QuestionnaireResponse>(await http.GetAsync($"/fhir/{source}", ct), HttpStatusCode.OK);
            Assert.Equal("urn:attune:questionnaire:phq-9", response.Questionnaire);
            Assert.Equal(stored.Single(s => s.Id == Guid.Parse(response.Id!)).Score, ((Quantity)observation.Value!).Value);
        }
        var byDate = await ReadAsync<Bundle>(await http.GetAsync($"/fhir/QuestionnaireResponse?patient={alex}&authored=ge2100-01-01", ct), HttpStatusCode.OK);
        Assert.Equal(0, byDate.Total);

        // Errors: a malformed date is 400; an unknown parameter is ignored (with a warning) unless strict handling is asked for.
        var badDate = await ReadAsync<OperationOutcome>(await http.GetAsync("/fhir/Encounter?date=yesterday", ct), HttpStatusCode.BadRequest);
        Assert.Contains("not a FHIR date", badDate.Issue.Single().Diagnostics);
        var lenient = await ReadAsync<Bundle>(await http.GetAsync("/fhir/Encounter?colour=blue", ct), HttpStatusCode.OK);
        Assert.Contains(lenient.Entry, e => e.Search!.Mode == Bundle.SearchEntryMode.Outcome);
        var strict = new HttpRequestMessage(HttpMethod.Get, "/fhir/Encounter?colour=blue");
        strict.Headers.Add("Prefer", "handling=strict");
        await ReadAsync<OperationOutcome>(await http.SendAsync(strict, ct), HttpStatusCode.BadRequest);
        await ReadAsync<OperationOutcome>(await http.GetAsync("/fhir/Medication", ct), HttpStatusCode.NotFound);
        await ReadAsync<OperationOutcome>(await http.DeleteAsync($"/fhir/Patient/{alex}", ct), HttpStatusCode.MethodNotAllowed);
        await ReadAsync<OperationOutcome>(await http.GetAsync("/fhir/Patient?_format=xml", ct), HttpStatusCode.NotAcceptable);

        // Every client resource read by the system is in the audit trail, as the system acting for the clinician.
        await using (var db = app.CreateDbContext())
            Assert.True(await db.AuditEvents.CountAsync(e => e.ActorKind == "api" && e.Action == "read" && e.ClientId == alex, ct) >= stored.Count * 2 + 3);

        // Scopes narrow: a token for Observation only cannot list patients or create responses.
        var narrow = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, ApiScopes.Read("Observation")));
        var refused = await ReadAsync<OperationOutcome>(await narrow.GetAsync("/fhir/Patient", ct), HttpStatusCode.Forbidden);
        Assert.Contains("system/Patient.read", refused.Issue.Single().Diagnostics);
        await ReadAsync<Bundle>(await narrow.GetAsync("/fhir/Observation", ct), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.BadRequest, (await ApiSystem.TokenResponseAsync(StaffClient.Anonymous(app), registered.Client.ClientId, registered.Secret, ApiScopes.Write("QuestionnaireResponse"))).StatusCode);

        // A removed client's token stops working at once.
        using (var scope = app.Services.CreateScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ApiClientRegistry>().RemoveAsync(null, patients.Entry.Count > 0 ? (await StaffOrg(app)) : Guid.Empty, registered.Client.ClientId, ct));
        await ReadAsync<OperationOutcome>(await http.GetAsync("/fhir/Patient", ct), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiSystem.TokenResponseAsync(StaffClient.Anonymous(app), registered.Client.ClientId, registered.Secret)).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task A_locked_out_staff_members_system_is_refused_at_once_and_served_again_when_unlocked(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var http = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, ApiScopes.AllFhirRead));
        var patients = await ReadAsync<Bundle>(await http.GetAsync("/fhir/Patient", ct), HttpStatusCode.OK);
        Assert.NotEmpty(patients.Entry);

        async Task LockAsync(DateTimeOffset? until)
        {
            await using var db = app.CreateDbContext();
            var user = await db.Users.SingleAsync(u => u.Email == Demo.ClinicianEmail, ct);
            user.LockoutEnd = until;
            await db.SaveChangesAsync(ct);
        }
        // The token the system already holds stops with its staff member's account, not when it expires.
        await LockAsync(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await ReadAsync<OperationOutcome>(await http.GetAsync("/fhir/Patient", ct), HttpStatusCode.Forbidden);
        await LockAsync(null);
        Assert.Equal(patients.Entry.Count, (await ReadAsync<Bundle>(await http.GetAsync("/fhir/Patient", ct), HttpStatusCode.OK)).Entry.Count);
    }

    private static async Task<Guid> StaffOrg(AttuneFactory app)
    {
        await using var db = app.CreateDbContext();
        return await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.OrganisationId).SingleAsync();
    }

    [Theory, AllDatabases]
    public async Task A_created_response_is_scored_on_arrival_and_raises_the_same_alert_as_a_check_in(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var http = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, ApiScopes.AllFhirRead, ApiScopes.Write("QuestionnaireResponse")));

        var questionnaire = await ReadAsync<Questionnaire>(await http.GetAsync("/fhir/Questionnaire/phq-9", ct), HttpStatusCode.OK);
        var scale = questionnaire.Item.Single().Item[0].AnswerOption.Select(o => (Coding)o.Value!).ToArray();
        Assert.Equal(["Not at all", "Several days", "More than half the days", "Nearly every day"], scale.Select(c => c.Display));

        Guid alex, relationship;
        int responsesBefore, alertsBefore;
        await using (var db = app.CreateDbContext())
        {
            alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(ct);
            relationship = await db.Relationships.Where(r => r.ClientId == alex && r.ClosedAt == null).Select(r => r.Id).SingleAsync(ct);
            responsesBefore = await db.Responses.CountAsync(ct);
            alertsBefore = await db.Alerts.CountAsync(a => a.Urgent, ct);
        }

        async Task<OperationOutcome> Refused(HttpStatusCode status, string body, string contentType = "application/fhir+json")
        {
            var response = await http.PostAsync("/fhir/QuestionnaireResponse", new StringContent(body, Encoding.UTF8, contentType), ct);
            return await ReadAsync<OperationOutcome>(response, status);
        }
        await Refused(HttpStatusCode.BadRequest, "{ not json");
        await Refused(HttpStatusCode.BadRequest, $$"""{"resourceType":"Patient","id":"x"}""");
        await Refused(HttpStatusCode.UnsupportedMediaType, ApiSystem.Phq9(alex, scale, 1, 1, 1, 1, 1, 1, 1, 1, 0), "text/plain");
        var missing = await Refused(HttpStatusCode.UnprocessableEntity, ApiSystem.Phq9(alex, scale, 1, 1, 1));
        Assert.Contains(missing.Issue, i => i.Expression.Any(e => e!.Contains("linkId='9'")));
        var unknown = await Refused(HttpStatusCode.UnprocessableEntity, ApiSystem.Phq9(alex, scale, 1, 1, 1, 1, 1, 1, 1, 1, 0).Replace("phq-9", "no-such-scale"));
        Assert.Contains(unknown.Issue, i => i.Expression.Contains("QuestionnaireResponse.questionnaire"));
        var stranger = await Refused(HttpStatusCode.UnprocessableEntity, ApiSystem.Phq9(Guid.NewGuid(), scale, 1, 1, 1, 1, 1, 1, 1, 1, 0));
        Assert.Contains(stranger.Issue, i => i.Expression.Contains("QuestionnaireResponse.subject"));
        // Everything the action finds wrong comes back at once, each issue at its place in the resource.
        var several = await Refused(HttpStatusCode.UnprocessableEntity, ApiSystem.Phq9(alex, scale, 1, 1, 1, 1, 1, 1, 1, 1, 0)
            .Replace("\"status\":\"completed\"", "\"status\":\"in-progress\",\"authored\":\"2999-01-01T00:00:00Z\",\"encounter\":{\"reference\":\"Encounter/" + Guid.NewGuid() + "\"}"));
        Assert.Equal(["QuestionnaireResponse.status", "QuestionnaireResponse.encounter", "QuestionnaireResponse.authored"],
            several.Issue.Select(i => i.Expression.Single()).ToArray());
        Assert.All(several.Issue, i => Assert.Equal(OperationOutcome.IssueType.Processing, i.Code));
        await using (var db = app.CreateDbContext())
            Assert.Equal(responsesBefore, await db.Responses.CountAsync(ct));

        // Item 9 answered "several days": stored, scored 2+2+2+2+1+1+1+1+1 = 13, and the urgent alert raised with its messages.
        var created = await http.PostAsync("/fhir/QuestionnaireResponse", new StringContent(ApiSystem.Phq9(alex, scale, 2, 2, 2, 2, 1, 1, 1, 1, 1), Encoding.UTF8, "application/fhir+json"), ct);
        var qr = await ReadAsync<QuestionnaireResponse>(created, HttpStatusCode.Created);
        Assert.EndsWith($"/fhir/QuestionnaireResponse/{qr.Id}/_history/{qr.Meta!.VersionId}", created.Headers.Location!.ToString());
        Assert.Equal($"W/\"{qr.Meta.VersionId}\"", created.Headers.ETag?.ToString());
        var score = await ReadAsync<Observation>(await http.GetAsync($"/fhir/Observation/{qr.Id}-score", ct), HttpStatusCode.OK);
        Assert.Equal(13m, ((Quantity)score.Value!).Value);
        Assert.Equal($"QuestionnaireResponse/{qr.Id}", score.DerivedFrom.Single().Reference);
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Responses.AsNoTracking().SingleAsync(r => r.Id == Guid.Parse(qr.Id!), ct);
            Assert.Equal((relationship, 13m, true), (stored.RelationshipId, stored.Score, stored.IsRisk));
            Assert.Equal(alertsBefore + 1, await db.Alerts.CountAsync(a => a.Urgent, ct));
            Assert.True(await db.Outbox.AnyAsync(m => m.To == Demo.ClinicianEmail && m.Subject.Contains("urgent"), ct));
            Assert.True(await db.AuditEvents.AnyAsync(e => e.ActorKind == "api" && e.Action == "create" && e.EntityType == "InstrumentResponse" && e.EntityId == stored.Id, ct));
        }

        // A system that shows the client the result asks for the outcome: the crisis resources come with a risk answer.
        var withOutcome = new HttpRequestMessage(HttpMethod.Post, "/fhir/QuestionnaireResponse")
        {
            Content = new StringContent(ApiSystem.Phq9(alex, scale, 0, 0, 0, 0, 0, 0, 0, 0, 2), Encoding.UTF8, "application/fhir+json"),
        };
        withOutcome.Headers.Add("Prefer", "return=OperationOutcome");
        var outcome = await ReadAsync<OperationOutcome>(await http.SendAsync(withOutcome, ct), HttpStatusCode.Created);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Warning && i.Diagnostics!.Contains("988"));

        // Only the treating clinician records: a system acting as the supervisor may read but not create for Alex.
        var supervisor = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.SupervisorEmail, ApiScopes.AllFhirRead, ApiScopes.AllFhirWrite));
        Assert.True((await ReadAsync<Bundle>(await supervisor.GetAsync($"/fhir/Patient?_id={alex}", ct), HttpStatusCode.OK)).Total == 1);
        var bySupervisor = await supervisor.PostAsync("/fhir/QuestionnaireResponse", new StringContent(ApiSystem.Phq9(alex, scale, 1, 1, 1, 1, 1, 1, 1, 1, 0), Encoding.UTF8, "application/fhir+json"), ct);
        await ReadAsync<OperationOutcome>(bySupervisor, HttpStatusCode.UnprocessableEntity);
    }
}
