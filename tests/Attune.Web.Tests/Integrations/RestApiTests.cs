using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Web.Features.Integrations;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Integrations;

/// <summary>The REST API at /api/v1 as a system uses it: signals, goals, ruptures and phases, with scopes and the web app's access rules.</summary>
public class RestApiTests
{
    private static readonly string[] Everything = [.. ApiScopes.RestAreas.Select(ApiScopes.RestRead), .. ApiScopes.RestAreas.Select(ApiScopes.RestWrite)];

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response, HttpStatusCode expected, string? mediaType = "application/json")
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} (expected {(int)expected}): {body}");
        if (mediaType is not null) Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode status) => JsonAsync(response, status, "application/problem+json");

    [Theory, AllDatabases]
    public async Task A_system_reads_and_changes_signals_goals_ruptures_and_phases_as_the_treating_clinician(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var http = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, Everything));
        Guid alex, episode;
        await using (var db = app.CreateDbContext())
        {
            alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(ct);
            episode = await db.Relationships.Where(r => r.ClientId == alex && r.ClosedAt == null).Select(r => r.Id).SingleAsync(ct);
        }
        var root = $"/api/v1/clients/{alex}";

        // Reads: what the demo holds on Alex, each entity read audited as the system acting for the clinician.
        var signals = (await JsonAsync(await http.GetAsync($"{root}/signals", ct), HttpStatusCode.OK)).AsArray();
        var goals = (await JsonAsync(await http.GetAsync($"{root}/goals", ct), HttpStatusCode.OK)).AsArray();
        var ruptures = (await JsonAsync(await http.GetAsync($"{root}/ruptures", ct), HttpStatusCode.OK)).AsArray();
        var episodes = (await JsonAsync(await http.GetAsync($"{root}/episodes", ct), HttpStatusCode.OK)).AsArray();
        Assert.NotEmpty(goals);
        Assert.NotEmpty(ruptures);
        Assert.Equal("Sleep through most nights", goals[0]!["text"]!.GetValue<string>());
        Assert.Equal(5, goals[0]!["levels"]!.AsArray().Count);
        Assert.Equal(episode.ToString(), episodes.Single()!["id"]!.GetValue<string>());
        Assert.Equal("Working", episodes.Single()!["phase"]!.GetValue<string>());
        Assert.Equal("Goals agreed; fit discussed", episodes.Single()!["history"]!.AsArray().Last()!["reason"]!.GetValue<string>());
        await using (var db = app.CreateDbContext())
        {
            var reads = await db.AuditEvents.Where(e => e.ActorKind == "api" && e.Action == "read" && e.ClientId == alex).ToListAsync(ct);
            Assert.Equal(signals.Count, reads.Count(e => e.EntityType == "ClinicalAlert"));
            Assert.Equal(goals.Count, reads.Count(e => e.EntityType == "TreatmentGoal"));
            Assert.Equal(ruptures.Count, reads.Count(e => e.EntityType == "RuptureRecord"));
            Assert.Equal(1, reads.Count(e => e.EntityType == "TherapeuticRelationship"));
        }

        // A goal proposed: 201 with where it is; its text stored encrypted; it waits for the client.
        var created = await PostJsonAsync(http, $"{root}/goals", """{"kind":"Task","text":"Keep a sleep diary for a week"}""");
        var goal = await JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal("Proposed", goal["agreement"]!.GetValue<string>());
        Assert.Equal($"{root}/goals/{goal["id"]}", created.Headers.Location!.OriginalString);
        Assert.Equal("Keep a sleep diary for a week", (await JsonAsync(await http.GetAsync(created.Headers.Location, ct), HttpStatusCode.OK))["text"]!.GetValue<string>());
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Goals.SingleAsync(g => g.Id == Guid.Parse(goal["id"]!.GetValue<string>()), ct);
            Assert.DoesNotContain("sleep diary", stored.ProtectedText, StringComparison.OrdinalIgnoreCase);
        }

        // A rupture logged in a session, then updated as repaired.
        var session = ruptures[0]!["sessionId"]!.GetValue<string>();
        var logged = await JsonAsync(await PostJsonAsync(http, $"{root}/ruptures",
            $$"""{"sessionId":"{{session}}","marker":"Avoiding","noticedBy":"Clinician","strategies":["InviteDiscussion"],"note":"Went quiet after the homework question"}"""), HttpStatusCode.Created);
        Assert.Equal(("Withdrawal", "Ongoing", session), (logged["category"]!.GetValue<string>(), logged["resolution"]!.GetValue<string>(), logged["sessionId"]!.GetValue<string>()));
        var updated = await JsonAsync(await http.PutAsync($"{root}/ruptures/{logged["id"]}", new StringContent(
            """{"marker":"Avoiding","strategies":["InviteDiscussion","AcknowledgeOwnContribution"],"resolution":"Resolved","note":"Talked it through"}""", Encoding.UTF8, "application/json"), ct), HttpStatusCode.OK);
        Assert.Equal("Resolved", updated["resolution"]!.GetValue<string>());
        Assert.Equal(2, updated["strategies"]!.AsArray().Count);
        Assert.NotNull(updated["resolvedAt"]);

        // A phase move with the reason; closing is not a move.
        var moved = await JsonAsync(await PostJsonAsync(http, $"{root}/episodes/current/phase", """{"to":"Termination","reason":"Goals reached; planning the ending"}"""), HttpStatusCode.OK);
        Assert.Equal("Termination", moved["phase"]!.GetValue<string>());
        // Closed is never a phase to move to, whatever the state: the request is invalid, and says which member.
        var closing = await Problem(await PostJsonAsync(http, $"{root}/episodes/current/phase", """{"to":"Closed","reason":"Done"}"""), HttpStatusCode.BadRequest);
        Assert.Contains("closed by ending it", closing["errors"]!["to"]![0]!.GetValue<string>());

        // A signal acknowledged, then resolved; acknowledging twice is a conflict, and a risk signal needs a real action.
        Guid risk;
        await using (var db = app.CreateDbContext())
        {
            var alert = new ClinicalAlert(await db.Relationships.Where(r => r.Id == episode).Select(r => r.OrganisationId).SingleAsync(ct), episode,
                await db.Relationships.Where(r => r.Id == episode).Select(r => r.ClinicianId).SingleAsync(ct),
                new Signal(SignalKind.Risk, true, "PHQ-9 item 9 answered", "risk:test", app.Clock.GetUtcNow()), app.Clock.GetUtcNow());
            db.Alerts.Add(alert);
            await db.SaveChangesAsync(ct);
            risk = alert.Id;
        }
        Assert.Equal("Acknowledged", (await JsonAsync(await http.PostAsync($"{root}/signals/{risk}/acknowledge", null, ct), HttpStatusCode.OK))["status"]!.GetValue<string>());
        await Problem(await http.PostAsync($"{root}/signals/{risk}/acknowledge", null, ct), HttpStatusCode.Conflict);
        var waved = await Problem(await PostJsonAsync(http, $"{root}/signals/{risk}/resolve", """{"action":"RiskAssessmentDone","note":"Called"}"""), HttpStatusCode.BadRequest);
        Assert.Contains("resolved with a risk review", waved["errors"]!["action"]![0]!.GetValue<string>());
        var noNote = await Problem(await PostJsonAsync(http, $"{root}/signals/{risk}/risk-review", """{"contactMade":true}"""), HttpStatusCode.BadRequest);
        Assert.NotNull(noNote["errors"]!["note"]);
        var noLevel = await Problem(await PostJsonAsync(http, $"{root}/signals/{risk}/risk-review", """{"riskAssessed":true,"note":"Assessed by phone"}"""), HttpStatusCode.BadRequest);
        Assert.Contains("risk level", noLevel["errors"]!["level"]![0]!.GetValue<string>());
        var reviewedAt = app.Clock.GetUtcNow().AddMinutes(-1);
        var resolved = await JsonAsync(await PostJsonAsync(http, $"{root}/signals/{risk}/risk-review",
            $$"""{"contactMade":true,"riskAssessed":true,"level":"Moderate","note":"Safety plan reviewed by phone","reviewedAt":"{{reviewedAt:O}}"}"""), HttpStatusCode.OK);
        Assert.Equal(("Resolved", "RiskReview", "Safety plan reviewed by phone", "Moderate"),
            (resolved["status"]!.GetValue<string>(), resolved["action"]!.GetValue<string>(), resolved["actionNote"]!.GetValue<string>(), resolved["riskReview"]!["level"]!.GetValue<string>()));
        Assert.Equal(reviewedAt, resolved["riskReview"]!["reviewedAt"]!.GetValue<DateTimeOffset>());
        await Problem(await PostJsonAsync(http, $"{root}/signals/{risk}/risk-review", """{"contactMade":true,"note":"Again"}"""), HttpStatusCode.Conflict);
        Assert.DoesNotContain((await JsonAsync(await http.GetAsync($"{root}/signals?status=open", ct), HttpStatusCode.OK)).AsArray(), s => s!["id"]!.GetValue<string>() == risk.ToString());

        // Every change is in the audit trail as the system's.
        await using (var db = app.CreateDbContext())
        {
            var writes = await db.AuditEvents.Where(e => e.ActorKind == "api" && e.Action != "read" && e.ClientId == alex).ToListAsync(ct);
            Assert.Equal(["ClinicalAlert", "ClinicalAlert", "RiskReview", "RuptureRecord", "RuptureRecord", "TherapeuticRelationship", "TreatmentGoal"],
                writes.Select(e => e.EntityType).Order());
        }
    }

    [Theory, AllDatabases]
    public async Task Bad_requests_get_a_problem_that_names_the_field_and_change_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var http = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, Everything));
        Guid alex, org;
        await using (var db = app.CreateDbContext())
        {
            var found = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => new { c.Id, c.OrganisationId }).SingleAsync(ct);
            (alex, org) = (found.Id, found.OrganisationId);
        }
        var root = $"/api/v1/clients/{alex}";
        var before = await ClinicalState.FingerprintAsync(app, org);

        async Task Refused(string path, string body, string field, string? contentType = "application/json")
        {
            var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            var problem = await Problem(await http.PostAsync(path, content, ct), HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]?[field] is not null, $"{path} {body}: no error for {field}: {problem}");
        }
        await Refused($"{root}/goals", """{"kind":"Wish","text":"x"}""", "kind");
        await Refused($"{root}/goals", """{"kind":"Goal","text":"   "}""", "text");
        await Refused($"{root}/goals", $$"""{"kind":"Goal","text":"{{new string('x', 1001)}}"}""", "text");
        await Refused($"{root}/goals", """{"kind":"Goal","text":"x","owner":"me"}""", "owner");
        await Refused($"{root}/goals", """{"kind":3}""", "kind");
        await Refused($"{root}/goals", """{ not json""", "body");
        await Refused($"{root}/goals", """kind=Goal""", "body", "application/x-www-form-urlencoded");
        await Refused($"{root}/ruptures", """{"marker":"Sulking","noticedBy":"Clinician"}""", "marker");
        await Refused($"{root}/ruptures", """{"marker":"Avoiding","noticedBy":"Clinician","strategies":["Bribery"]}""", "strategies");
        await Refused($"{root}/ruptures", """{"marker":"Avoiding","noticedBy":"Psychic"}""", "noticedBy");
        await Refused($"{root}/ruptures", $$"""{"marker":"Avoiding","noticedBy":"Clinician","sessionId":"{{Guid.NewGuid()}}"}""", "sessionId");
        await Refused($"{root}/episodes/current/phase", """{"to":"Working"}""", "reason");
        await Refused($"{root}/episodes/current/phase", """{"to":"Someday","reason":"x"}""", "to");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"{root}/signals?status=closed", ct)).StatusCode);

        // Not found and not theirs look the same.
        await Problem(await http.GetAsync($"/api/v1/clients/{Guid.NewGuid()}/goals", ct), HttpStatusCode.NotFound);
        await Problem(await http.GetAsync($"{root}/ruptures/{Guid.NewGuid()}", ct), HttpStatusCode.NotFound);
        await Problem(await http.PostAsync($"{root}/signals/{Guid.NewGuid()}/acknowledge", null, ct), HttpStatusCode.NotFound);
        Assert.Equal(before, await ClinicalState.FingerprintAsync(app, org));
    }

    [Theory, AllDatabases]
    public async Task Scopes_narrow_and_the_web_apps_access_rules_hold(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        Guid alex, org;
        await using (var db = app.CreateDbContext())
        {
            var found = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => new { c.Id, c.OrganisationId }).SingleAsync(ct);
            (alex, org) = (found.Id, found.OrganisationId);
        }
        var root = $"/api/v1/clients/{alex}";
        var reader = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, ApiScopes.RestRead("goals")));
        var fhirOnly = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, ApiScopes.AllFhirRead, ApiScopes.AllFhirWrite));
        var supervisor = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.SupervisorEmail, Everything));
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinician-2026");
        var stranger = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, "other@elsewhere.example", Everything));
        var before = await ClinicalState.FingerprintAsync(app, org);

        // Only goals.read: goals can be read, not written, and nothing else can be read.
        await JsonAsync(await reader.GetAsync($"{root}/goals", ct), HttpStatusCode.OK);
        Assert.Contains("attune/goals.write", (await Problem(await PostJsonAsync(reader, $"{root}/goals", """{"kind":"Goal","text":"x"}"""), HttpStatusCode.Forbidden))["detail"]!.GetValue<string>());
        foreach (var area in new[] { "signals", "ruptures", "episodes" })
            await Problem(await reader.GetAsync($"{root}/{area}", ct), HttpStatusCode.Forbidden);
        // FHIR scopes open no REST area, and REST scopes no FHIR type.
        await Problem(await fhirOnly.GetAsync($"{root}/goals", ct), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/fhir/Patient", ct)).StatusCode);

        // Acting as the supervisor: reads the record, changes nothing.
        await JsonAsync(await supervisor.GetAsync($"{root}/ruptures", ct), HttpStatusCode.OK);
        await Problem(await PostJsonAsync(supervisor, $"{root}/goals", """{"kind":"Goal","text":"x"}"""), HttpStatusCode.Forbidden);
        await Problem(await PostJsonAsync(supervisor, $"{root}/ruptures", """{"marker":"Avoiding","noticedBy":"Clinician"}"""), HttpStatusCode.Forbidden);
        await Problem(await PostJsonAsync(supervisor, $"{root}/episodes/current/phase", """{"to":"Termination","reason":"x"}"""), HttpStatusCode.Forbidden);

        // Acting as a clinician of another clinic: the client does not exist for them.
        foreach (var area in new[] { "signals", "goals", "ruptures", "episodes" })
        {
            var refused = await Problem(await stranger.GetAsync($"{root}/{area}", ct), HttpStatusCode.NotFound);
            Assert.DoesNotContain("Alex", refused.ToJsonString());
        }
        await Problem(await PostJsonAsync(stranger, $"{root}/goals", """{"kind":"Goal","text":"x"}"""), HttpStatusCode.NotFound);

        // No token: 401 as a problem.
        await Problem(await StaffClient.Anonymous(app).GetAsync($"{root}/goals", ct), HttpStatusCode.Unauthorized);
        Assert.Equal(before, await ClinicalState.FingerprintAsync(app, org));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_operation_with_its_scope_and_the_reference_page_shows_it()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var anonymous = StaffClient.Anonymous(app);
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/api/openapi/v1.json", ct));
        var rootElement = document.RootElement;
        Assert.StartsWith("3.1", rootElement.GetProperty("openapi").GetString());
        var operations = rootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name, Operation: o.Value))).ToList();
        Assert.All(operations, o => Assert.Matches(@"^/api/v1/(clients/\{clientId\}/|matching/|supervision/)", o.Path));
        Assert.Equal(20, operations.Count); // signals: list, acknowledge, resolve, risk review, snooze; goals 3; ruptures 4; phases 2; matching: track record, preferences 2, matches; supervision: sessions, hours
        foreach (var (path, method, operation) in operations)
        {
            var scope = operation.GetProperty("security")[0].GetProperty("oauth2")[0].GetString()!;
            Assert.Matches(method == "get" ? @"^attune/\w+\.read$" : @"^attune/\w+\.write$", scope);
            Assert.True(operation.TryGetProperty("summary", out _), $"{method} {path} has no summary");
            Assert.True(operation.GetProperty("responses").TryGetProperty("403", out _), $"{method} {path} does not say it can be refused");
            if (operation.TryGetProperty("requestBody", out var body))
                Assert.Equal(["application/json"], body.GetProperty("content").EnumerateObject().Select(c => c.Name));
        }
        var flow = rootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2").GetProperty("flows").GetProperty("clientCredentials");
        Assert.Equal("/connect/token", flow.GetProperty("tokenUrl").GetString());
        Assert.Equal(11, flow.GetProperty("scopes").EnumerateObject().Count()); // five areas read and write; supervision read only
        // Nothing but the REST API is in it: no FHIR, no pages.
        Assert.DoesNotContain("/fhir", document.RootElement.GetProperty("paths").GetRawText());

        var page = await anonymous.GetStringAsync("/api/reference", ct);
        Assert.Contains("data-document=\"/api/openapi/v1.json\"", page);
        foreach (var asset in new[] { "/lib/swagger-ui/swagger-ui-bundle.js", "/lib/swagger-ui/swagger-ui.css", "/js/api-reference.js" })
        {
            Assert.Contains(asset, page);
            var response = await anonymous.GetAsync(asset, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True((await response.Content.ReadAsByteArrayAsync(ct)).Length > 100, asset);
        }
    }
}
