using System.Net;
using System.Text.RegularExpressions;
using Attune.Data;
using Attune.Web.Features.Integrations;
using Attune.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Security;

/// <summary>
/// Every endpoint the app maps, taken from its endpoint data source, probed as every kind of user it is not for:
/// no one signed in, an admin, a clinician and a supervisor of the same clinic with no part in the client's care,
/// a clinician and an admin of another clinic, and a client link meant for something else. Each is refused and the
/// refusal carries none of the client's data; every form on every page is posted by each of them and nothing changes.
/// A new endpoint that is not in <see cref="Expected"/> fails the first test until someone decides who it is for.
/// </summary>
public partial class EndpointAccessTests
{
    private enum Audience
    {
        /// <summary>Anyone, and nothing clinical on it.</summary>
        Public,
        /// <summary>A client through their signed link; the token is the only key.</summary>
        ClientLink,
        /// <summary>Any signed-in staff member; nothing of any client.</summary>
        Staff,
        /// <summary>Clinicians and supervisors (no client yet).</summary>
        Clinician,
        /// <summary>One client's record: their clinician, and that clinician's supervisor to read.</summary>
        ClientRecord,
        /// <summary>The clinic's admins, their own clinic only.</summary>
        Admin,
        /// <summary>The clinic's intake coordinators and admins: clients waiting for a therapist, their preferences and the ranking.</summary>
        Coordinator,
        /// <summary>A system with an access token (client credentials) and the SMART scope; a staff cookie is not enough.</summary>
        Api,
        /// <summary>Supervisors (the supervisor role), each seeing their own supervisees only: one's supervisee is the rightful view.</summary>
        Supervisor,
    }

    private static readonly Dictionary<string, Audience> Expected = new()
    {
        ["/health"] = Audience.Public,
        ["/health/live"] = Audience.Public,
        ["/health/ready"] = Audience.Public,
        ["/login"] = Audience.Public,
        ["/login/code"] = Audience.Public,
        ["/account/set-password"] = Audience.Public,
        ["/account/passkey/request-options"] = Audience.Public,
        ["/denied"] = Audience.Public,
        ["/not-found"] = Audience.Public,
        ["/c/{Token}"] = Audience.ClientLink,
        ["/p/{Token}"] = Audience.ClientLink,
        ["/m/{Token}"] = Audience.ClientLink,
        ["/m/choose/{Token}"] = Audience.ClientLink,
        ["/p/{Token}/plan"] = Audience.ClientLink,
        ["/p/{Token}/safety-plan"] = Audience.ClientLink,
        ["/"] = Audience.Staff,
        ["/logout"] = Audience.Staff,
        ["/account/security"] = Audience.Staff,
        ["/account/passkey/creation-options"] = Audience.Staff,
        ["/instruments"] = Audience.Staff,
        ["/guidance"] = Audience.Staff,
        ["/analytics"] = Audience.Staff,
        ["/supervision"] = Audience.Supervisor,
        ["/supervision/{ClinicianId:guid}"] = Audience.Supervisor,
        ["/supervision/consultations/new"] = Audience.Supervisor,
        ["/supervision/consultations/{NoteId:guid}"] = Audience.Clinician,
        ["/supervision/ask"] = Audience.Clinician,
        ["/supervision/mine"] = Audience.Clinician,
        ["/supervision/sessions"] = Audience.Supervisor,
        ["/wellbeing"] = Audience.Clinician,
        ["/supervision/goals/new"] = Audience.Clinician,
        ["/supervision/goals/{GoalId:guid}"] = Audience.Clinician,
        ["/settings/wellbeing"] = Audience.Admin,
        ["/supervision/hours/{ClinicianId:guid}"] = Audience.Clinician,
        ["/guidance/{Slug}"] = Audience.Staff,
        ["/outbox"] = Audience.Admin,
        ["/api/instruments/"] = Audience.Staff,
        ["/api/instruments/{id}/questionnaire"] = Audience.Staff,
        ["/_framework/opaque-redirect"] = Audience.Staff,
        ["{**path:file}"] = Audience.Staff,
        ["/clients/new"] = Audience.Clinician,
        ["/clients"] = Audience.Clinician,
        ["/clients/{ClientId:guid}"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/timeline"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/intake"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/safety-plan"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/details"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/ending"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/referral"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/preferences"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/matches"] = Audience.ClientRecord,
        ["/profile/matching"] = Audience.Clinician,
        ["/profile/supervision"] = Audience.Clinician,
        ["/intake"] = Audience.Coordinator,
        ["/intake/{ClientId:guid}"] = Audience.Coordinator,
        ["/intake/{ClientId:guid}/preferences"] = Audience.Coordinator,
        ["/clients/{ClientId:guid}/episodes/{EpisodeId:guid}"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/sessions/{SessionId:guid}/note"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/sessions/{SessionId:guid}/reflection"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/ruptures/new"] = Audience.ClientRecord,
        ["/clients/{ClientId:guid}/ruptures/{RuptureId:guid}"] = Audience.ClientRecord,
        ["/alerts/{AlertId:guid}"] = Audience.ClientRecord,
        ["/admin/audit"] = Audience.Admin,
        ["/admin/break-glass"] = Audience.Admin,
        ["/admin/break-glass/{GrantId:guid}"] = Audience.Admin,
        ["/settings/measures"] = Audience.Admin,
        ["/settings/matching"] = Audience.Admin,
        ["/settings/signals"] = Audience.Admin,
        ["/settings/crisis"] = Audience.Admin,
        ["/admin/privacy"] = Audience.Admin,
        ["/admin/privacy/{ClientId:guid}"] = Audience.Admin,
        ["/admin/privacy/{ClientId:guid}/copy"] = Audience.Admin,
        ["/admin/privacy/{ClientId:guid}/bundle"] = Audience.Admin,
        ["/admin/staff"] = Audience.Admin,
        ["/admin/staff/{UserId:guid}"] = Audience.Admin,
        ["/connect/token"] = Audience.Public,
        ["/fhir/metadata"] = Audience.Public,
        ["/fhir/.well-known/smart-configuration"] = Audience.Public,
        ["/fhir/QuestionnaireResponse"] = Audience.Api,
        ["/fhir/Patient"] = Audience.Api,
        ["/fhir/Patient/{id}"] = Audience.Api,
        ["/fhir/Patient/{id}/_history/{vid}"] = Audience.Api,
        ["/fhir/Practitioner"] = Audience.Api,
        ["/fhir/Practitioner/{id}"] = Audience.Api,
        ["/fhir/Practitioner/{id}/_history/{vid}"] = Audience.Api,
        ["/fhir/EpisodeOfCare"] = Audience.Api,
        ["/fhir/EpisodeOfCare/{id}"] = Audience.Api,
        ["/fhir/EpisodeOfCare/{id}/_history/{vid}"] = Audience.Api,
        ["/fhir/Encounter"] = Audience.Api,
        ["/fhir/Encounter/{id}"] = Audience.Api,
        ["/fhir/Encounter/{id}/_history/{vid}"] = Audience.Api,
        ["/fhir/Questionnaire"] = Audience.Api,
        ["/fhir/Questionnaire/{id}"] = Audience.Api,
        ["/fhir/Questionnaire/{id}/_history/{vid}"] = Audience.Api,
        ["/fhir/QuestionnaireResponse/{id}"] = Audience.Api,
        ["/fhir/QuestionnaireResponse/{id}/_history/{vid}"] = Audience.Api,
        ["/fhir/Observation"] = Audience.Api,
        ["/fhir/Observation/{id}"] = Audience.Api,
        ["/fhir/Observation/{id}/_history/{vid}"] = Audience.Api,
        ["/fhir/{**rest}"] = Audience.Api,
        ["/admin/data"] = Audience.Admin,
        ["/admin/data/import"] = Audience.Admin,
        ["/admin/export/{Kind}.csv"] = Audience.Admin,
        ["/admin/analytics/research-export.zip"] = Audience.Admin,
        ["/api/openapi/{documentName}.json"] = Audience.Public,
        ["/api/reference"] = Audience.Public,
        ["/api/v1/clients/{clientId:guid}/signals/"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/signals/{alertId:guid}/acknowledge"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/signals/{alertId:guid}/resolve"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/signals/{alertId:guid}/risk-review"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/signals/{alertId:guid}/snooze"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/goals/"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/goals/{goalId:guid}"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/ruptures/"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/ruptures/{ruptureId:guid}"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/episodes/"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/episodes/current/phase"] = Audience.Api,
        ["/api/v1/matching/track-record"] = Audience.Api,
        ["/api/v1/supervision/sessions"] = Audience.Api,
        ["/api/v1/supervision/hours/{clinicianId:guid}"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/preferences"] = Audience.Api,
        ["/api/v1/clients/{clientId:guid}/matches"] = Audience.Api,
    };

    [Fact]
    public async Task Every_endpoint_is_listed_here_and_declares_who_it_is_for()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var endpoints = Routes(app);
        var unlisted = endpoints.Where(e => !Expected.ContainsKey(e.Pattern)).Select(e => e.Pattern).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints nobody has decided the audience of (add them to Expected, with the policy they need): " + string.Join(", ", unlisted));
        var gone = Expected.Keys.Except(endpoints.Select(e => e.Pattern)).ToList();
        Assert.True(gone.Count == 0, "Listed but no longer mapped: " + string.Join(", ", gone));

        foreach (var (pattern, endpoint) in endpoints.Select(e => (e.Pattern, e.Endpoint)))
        {
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            switch (Expected[pattern])
            {
                case Audience.Public or Audience.ClientLink:
                    Assert.True(anonymous, $"{pattern} is for anyone but does not say [AllowAnonymous]");
                    break;
                case Audience.Staff:
                    // Signed-in staff by the fallback policy, or an explicit [Authorize].
                    Assert.False(anonymous, $"{pattern} must not allow anonymous users");
                    break;
                case Audience.Clinician or Audience.ClientRecord:
                    Assert.False(anonymous, pattern);
                    Assert.True(policies.Contains(Policies.Clinician), $"{pattern} needs the clinician policy");
                    break;
                case Audience.Admin:
                    Assert.False(anonymous, pattern);
                    Assert.True(policies.Contains(Policies.Admin), $"{pattern} needs the admin policy");
                    break;
                case Audience.Coordinator:
                    Assert.False(anonymous, pattern);
                    Assert.True(policies.Contains(Policies.Coordinator), $"{pattern} needs the coordinator policy");
                    break;
                case Audience.Supervisor:
                    Assert.False(anonymous, pattern);
                    Assert.True(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Roles == StaffRoles.Supervisor), $"{pattern} needs the supervisor role");
                    break;
                case Audience.Api:
                    Assert.False(anonymous, pattern);
                    Assert.True(policies.Contains(ApiAccess.Policy), $"{pattern} needs the API policy");
                    break;
            }
        }
        // Static files are the only anonymous endpoints beyond the list: each is a file of the web root or Blazor's script.
        var webRoot = app.Services.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider;
        foreach (var file in StaticFiles(app))
        {
            var plain = Fingerprint().Replace(Regex.Replace(file, @"\.(gz|br)$", ""), "");
            Assert.True(webRoot.GetFileInfo(plain).Exists || BlazorScript().IsMatch(file), $"{file} is served to anyone but is not a static file");
        }
    }

    [Theory, AllDatabases]
    public async Task Every_endpoint_refuses_everyone_it_is_not_for_and_leaks_nothing(string provider)
    {
        // Seven people sign in from one address: more than the sign-in limit allows (tested on its own elsewhere).
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["RateLimits:SignInPerMinute"] = "100", ["RateLimits:ClientLinksPerMinute"] = "100" });
        var ct = TestContext.Current.CancellationToken;
        var owner = await Demo.ClinicianAsync(app);
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);

        // The record under test: the demo's Alex M., with sessions, a rupture, an alert and an episode.
        Guid org, client, relationship, session, rupture, alert, staffMember, supervisee;
        await using (var db = app.CreateDbContext())
        {
            staffMember = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.Id).SingleAsync(ct);
            supervisee = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            var alex = await db.Clients.SingleAsync(c => c.DisplayName == "Alex M.", ct);
            (org, client) = (alex.OrganisationId, alex.Id);
            var r = await db.Relationships.Include(x => x.Sessions).SingleAsync(x => x.ClientId == client && x.ClosedAt == null, ct);
            relationship = r.Id;
            session = r.Sessions.First(s => s.Attendance == Attune.Core.Relationships.SessionAttendance.Attended).Id;
            rupture = await db.Ruptures.Where(x => x.RelationshipId == r.Id).Select(x => x.Id).FirstAsync(ct);
            alert = await db.Alerts.Where(x => x.RelationshipId == r.Id).Select(x => x.Id).FirstAsync(ct);
        }
        var checkIn = await Slice.CreateCheckInAsync(owner, client, "connection-check");
        var progress = await Slice.ProgressPathAsync(owner, client);
        var grantResponse = await admin.PostFormAsync("/admin/break-glass", "break-glass", new() { ["client"] = client.ToString(), ["reason"] = "Access test: a safeguarding emergency, clinician unreachable." });
        Assert.Equal(HttpStatusCode.Redirect, grantResponse.StatusCode);
        var grant = Guid.Parse(grantResponse.Headers.Location!.OriginalString.Split('/').Last());
        // The admin's recorded reason for a copy of the whole record, which the copy and the Bundle ask for.
        var disclosed = await admin.PostFormAsync($"/admin/privacy/{client}", "disclose", new() { ["Reason"] = "right-of-access", ["Words"] = "" });
        var disclosure = Regex.Match(await disclosed.Content.ReadAsStringAsync(ct), "bundle\\?disclosure=([0-9a-f-]{36})").Groups[1].Value;
        Assert.NotEmpty(disclosure);
        // A new client waiting at intake, for the intake pages.
        var waitingResponse = await admin.PostFormAsync("/intake", "intake-client", new() { ["name"] = "Waiting Wren", ["email"] = "", ["phone"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, waitingResponse.StatusCode);
        var waiting = Guid.Parse(Regex.Match(waitingResponse.Headers.Location!.OriginalString, "/intake/([0-9a-f-]{36})/preferences").Groups[1].Value);
        // Sam brings Alex to supervision; Dr. Okafor answers in a consultation note, whose words no one else may see.
        var supervisorOfSam = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        Assert.Equal(HttpStatusCode.Redirect, (await owner.PostFormAsync($"/supervision/ask?client={client}", "ask", new() { ["question"] = "Access test: how do I pace Alex?" })).StatusCode);
        Guid question;
        await using (var db = app.CreateDbContext())
            question = await db.SupervisionQuestions.Select(q => q.Id).SingleAsync(ct);
        var answered = await supervisorOfSam.PostFormAsync($"/supervision/consultations/new?question={question}", "consultation", new() { ["text"] = "Access test: slow down with Alex." });
        var consultation = Guid.Parse(Regex.Match(answered.Headers.Location!.OriginalString, "/supervision/consultations/([0-9a-f-]{36})").Groups[1].Value);
        var goalProposed = await owner.PostFormAsync("/supervision/goals/new", "propose", new() { ["text"] = "Access test: a growth goal", ["measure"] = "PerceptionGap" });
        var goal = Guid.Parse(Regex.Match(goalProposed.Headers.Location!.OriginalString, "/supervision/goals/([0-9a-f-]{36})").Groups[1].Value);
        var secrets = new[] { "Alex M.", "Access test: a safeguarding", "Waiting Wren", "Access test: slow down", "Access test: how do I pace", "Access test: a growth goal" };

        var otherOrg = await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password");
        await Demo.AddStaffAsync(app, otherOrg, "otheradmin@elsewhere.example", "other-admin-password", StaffRoles.Admin, "Other Admin");
        await Demo.AddStaffAsync(app, org, "stranger@riverside.example", "stranger-password", StaffRoles.Clinician, "Stranger Clinician");
        await Demo.AddStaffAsync(app, org, "othersupervisor@riverside.example", "other-supervisor-password", StaffRoles.Supervisor, "Other Supervisor");
        var intruders = new (string Who, StaffClient Client)[]
        {
            ("no one signed in", new StaffClient(StaffClient.Anonymous(app))),
            ("the clinic's admin", admin),
            ("a clinician of the same clinic with no part in the care", await StaffClient.SignInAsync(app, "stranger@riverside.example", "stranger-password")),
            ("a supervisor of the same clinic who does not supervise the clinician", await StaffClient.SignInAsync(app, "othersupervisor@riverside.example", "other-supervisor-password")),
            ("a clinician of another clinic", await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password")),
            ("an admin of another clinic", await StaffClient.SignInAsync(app, "otheradmin@elsewhere.example", "other-admin-password")),
        };
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);

        string Fill(string pattern) => pattern
            .Replace("{ClientId:guid}", (pattern.StartsWith("/intake/", StringComparison.Ordinal) ? waiting : client).ToString()).Replace("{SessionId:guid}", session.ToString())
            .Replace("{RuptureId:guid}", rupture.ToString()).Replace("{AlertId:guid}", alert.ToString())
            .Replace("{EpisodeId:guid}", relationship.ToString()).Replace("{GrantId:guid}", grant.ToString()).Replace("{UserId:guid}", staffMember.ToString())
            .Replace("{ClinicianId:guid}", supervisee.ToString()).Replace("{clinicianId:guid}", supervisee.ToString()).Replace("{NoteId:guid}", consultation.ToString()).Replace("{GoalId:guid}", goal.ToString())
            .Replace("{Slug}", "low-alliance").Replace("{id}", pattern.StartsWith("/fhir/", StringComparison.Ordinal) && !pattern.StartsWith("/fhir/Questionnaire/", StringComparison.Ordinal) ? client.ToString() : "phq-9")
            .Replace("{clientId:guid}", client.ToString()).Replace("{alertId:guid}", alert.ToString()).Replace("{ruptureId:guid}", rupture.ToString())
            .Replace("{goalId:guid}", Guid.NewGuid().ToString()).Replace("{documentName}", "v1").Replace("{Kind}", "clients")
            .Replace("{vid}", "1").Replace("{**path:file}", "private/file.txt").Replace("{**rest}", $"Patient/{client}/$everything")
            + (pattern.StartsWith("/admin/privacy/{ClientId:guid}/", StringComparison.Ordinal) ? $"?disclosure={disclosure}" : "")
            + (pattern == "/supervision/consultations/new" ? $"?supervisee={supervisee}" : "");

        var before = await ClinicalState.FingerprintAsync(app, org);
        int requests = 0, endpointsProbed = 0, formsPosted = 0;
        var failures = new List<string>();
        void Check(bool refused, string what, HttpResponseMessage response, string body)
        {
            requests++;
            if (!refused)
                failures.Add($"{what}: answered {(int)response.StatusCode} {response.Headers.Location}");
            foreach (var secret in secrets.Where(body.Contains))
                failures.Add($"{what}: the answer contains “{secret}”");
        }

        // Patterns with a GET endpoint; a GET anywhere else finds nothing (404 or 405) before any check of who asks.
        var readable = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains("GET") != false)
            .Select(e => e.RoutePattern.RawText).ToHashSet();
        foreach (var (pattern, audience) in Expected.Where(e => e.Value is not Audience.Public and not Audience.ClientLink))
        {
            endpointsProbed++;
            var path = Fill(pattern);
            // The forms the page offers to the people it is for, each of which every intruder then posts.
            var rightful = audience is Audience.Admin or Audience.Coordinator ? admin : audience is Audience.Supervisor ? supervisor : owner;
            var forms = new List<string>();
            if (audience == Audience.Api)
            {
                // Systems only: a staff member's cookie, whoever's, opens nothing (FhirApiTests checks the tokens).
                foreach (var (who, intruder) in intruders.Append(("the treating clinician", owner)))
                {
                    var get = await intruder.Http.GetAsync(path, ct);
                    Check(get.StatusCode == HttpStatusCode.Unauthorized || (!readable.Contains(pattern) && get.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed),
                        $"GET {path} as {who}", get, await get.Content.ReadAsStringAsync(ct));
                    var post = await intruder.Http.PostAsync(path, new StringContent("{\"resourceType\":\"QuestionnaireResponse\"}", System.Text.Encoding.UTF8, "application/fhir+json"), ct);
                    Check(post.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.MethodNotAllowed, $"POST {path} as {who}", post, await post.Content.ReadAsStringAsync(ct));
                }
                continue;
            }
            var ownView = await rightful.Http.GetAsync(path, ct);
            var ownHtml = await ownView.Content.ReadAsStringAsync(ct);
            if (pattern is not ("/logout" or "/_framework/opaque-redirect" or "/account/passkey/creation-options") && !pattern.StartsWith("{", StringComparison.Ordinal))
                Assert.True(ownView.StatusCode == HttpStatusCode.OK, $"{path} as the person it is for: {(int)ownView.StatusCode}");
            forms.AddRange(HandlerPattern().Matches(ownHtml).Select(m => m.Groups[1].Value).Distinct());
            if (forms.Count == 0) forms.Add("probe");

            foreach (var (who, intruder) in intruders)
            {
                var anonymous = who == "no one signed in";
                var allowed = audience switch
                {
                    Audience.Staff => !anonymous,
                    Audience.Clinician => who.Contains("clinician") || who.Contains("supervisor"),
                    // An admin of another clinic reaches the admin pages, but only for their own clinic (checked below).
                    Audience.Admin => who == "the clinic's admin",
                    Audience.Coordinator => who == "the clinic's admin",
                    // Another supervisor opens the overview of their own (no) supervisees; the secrets check below still applies.
                    Audience.Supervisor => pattern is "/supervision" or "/supervision/sessions" && who.Contains("supervisor"),
                    _ => false,
                };
                if (allowed) continue;
                var token = anonymous ? null : await TokenAsync(intruder, who);
                var get = await intruder.Http.GetAsync(path, ct);
                var getBody = await get.Content.ReadAsStringAsync(ct);
                var otherAdminOnAdminPage = who == "an admin of another clinic" && audience is Audience.Admin or Audience.Coordinator && get.StatusCode == HttpStatusCode.OK && ClinicWide(pattern);
                Check(otherAdminOnAdminPage || Refused(get, anonymous, path.StartsWith("/api", StringComparison.Ordinal)), $"GET {path} as {who}", get, getBody);
                foreach (var form in forms)
                {
                    formsPosted++;
                    var fields = new List<KeyValuePair<string, string>> { new("_handler", form) };
                    if (token is not null) fields.Add(new("__RequestVerificationToken", token));
                    var post = await intruder.Http.PostAsync(path, new FormUrlEncodedContent(fields), ct);
                    var postBody = await post.Content.ReadAsStringAsync(ct);
                    // Another clinic's admin posting an admin form acts on their own clinic, if on anything.
                    var ownClinic = who == "an admin of another clinic" && audience is Audience.Admin or Audience.Coordinator && ClinicWide(pattern);
                    // A form the page does not have at all is refused by Blazor itself with 400, whoever posts it.
                    var noSuchForm = form == "probe" && post.StatusCode == HttpStatusCode.BadRequest;
                    // A read-only endpoint (a download) answers any post 405 from routing, before anything runs.
                    var readOnly = form == "probe" && post.StatusCode == HttpStatusCode.MethodNotAllowed;
                    Check(ownClinic || noSuchForm || readOnly || Refused(post, anonymous, path.StartsWith("/api", StringComparison.Ordinal)),
                        $"POST {path} ({form}) as {who}", post, postBody);
                }
            }

            // The supervisor of the treating clinician reads the record but every form they post is refused: by the form's
            // action, which the post reaches because a page draws every form on a post.
            if (audience == Audience.ClientRecord)
            {
                var token = await TokenAsync(supervisor, "the supervisor");
                foreach (var form in forms)
                {
                    formsPosted++;
                    var post = await supervisor.Http.PostAsync(path, new FormUrlEncodedContent([new("_handler", form), new("__RequestVerificationToken", token)]), ct);
                    requests++;
                    // A page with no form at all is refused by Blazor itself with 400, as for the intruders above.
                    var noSuchForm = form == "probe" && post.StatusCode == HttpStatusCode.BadRequest;
                    if (!noSuchForm && post.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                        failures.Add($"POST {path} ({form}) as the supervisor: answered {(int)post.StatusCode}");
                }
            }
        }

        // Client links: a token opens only what it was made for; a changed or made-up one opens nothing.
        var anonymousClient = StaffClient.Anonymous(app);
        var checkInToken = checkIn.Split('/')[2].Split('?')[0];
        var progressToken = progress.Split('/')[2].Split('?')[0];
        foreach (var path in new[]
                 {
                     $"/p/{checkInToken}", $"/p/{checkInToken}/plan", $"/c/{progressToken}", $"/m/{checkInToken}", $"/m/{progressToken}", "/m/not-a-token",
                     $"/m/choose/{checkInToken}", $"/m/choose/{progressToken}", "/m/choose/not-a-token",
                     $"/c/{checkInToken[..^4]}AAAA", $"/p/{progressToken[..^4]}AAAA", "/c/not-a-token", "/p/not-a-token", "/p/not-a-token/plan",
                 })
        {
            var response = await anonymousClient.GetAsync(path, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Check(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.BadRequest, $"GET {path} (a link for something else)", response, body);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests were not refused or leaked:\n" + string.Join("\n", failures.Take(60)));
        Assert.Equal(before, await ClinicalState.FingerprintAsync(app, org));
        TestContext.Current.SendDiagnosticMessage($"{provider}: {endpointsProbed} endpoints, {formsPosted} form posts, {requests} refused requests, {intruders.Length} kinds of intruder.");
        Assert.True(endpointsProbed >= 25 && formsPosted > endpointsProbed, $"Too little probed: {endpointsProbed} endpoints, {formsPosted} forms");
    }

    private static async Task<string> TokenAsync(StaffClient client, string who)
    {
        var home = await client.Http.GetAsync("/");
        var html = await home.Content.ReadAsStringAsync();
        Assert.True(home.StatusCode == HttpStatusCode.OK, $"The start page as {who}: {(int)home.StatusCode} {home.Headers.Location}");
        return StaffClient.Token(html);
    }

    /// <summary>Refused: 404 or 403, or for no one signed in the way to the login (401 on the API).</summary>
    private static bool Refused(HttpResponseMessage r, bool anonymous, bool api)
    {
        var location = r.Headers.Location?.OriginalString ?? "";
        if (anonymous)
            return api ? r.StatusCode == HttpStatusCode.Unauthorized : r.StatusCode == HttpStatusCode.Redirect && location.Contains("/login", StringComparison.Ordinal);
        return r.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden
            || (r.StatusCode == HttpStatusCode.Redirect && location.Contains("/denied", StringComparison.Ordinal));
    }

    /// <summary>An admin page about the whole clinic (no record in its path): another clinic's admin gets their own clinic's.</summary>
    private static bool ClinicWide(string pattern) => !pattern.Contains('{') || pattern == "/admin/export/{Kind}.csv";

    private static List<(string Pattern, RouteEndpoint Endpoint)> Routes(AttuneFactory app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !IsStaticFile(e))
            .Select(e => (e.RoutePattern.RawText ?? "", e)).DistinctBy(e => e.Item1).ToList();

    private static IEnumerable<string> StaticFiles(AttuneFactory app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(IsStaticFile).Select(e => e.RoutePattern.RawText!);

    /// <summary>A file of the web root mapped by MapStaticAssets: anonymous, no parameters, not one of the app's routes.</summary>
    private static bool IsStaticFile(RouteEndpoint e) =>
        e.Metadata.GetMetadata<IAllowAnonymous>() is not null && e.RoutePattern.Parameters.Count == 0
        && !Expected.ContainsKey(e.RoutePattern.RawText ?? "") && !(e.RoutePattern.RawText ?? "").StartsWith('/');

    /// <summary>The content hash MapStaticAssets puts in a file's name (app.yn5naxi2or.css).</summary>
    [GeneratedRegex(@"\.[a-z0-9]{10}(?=\.[A-Za-z0-9]+$|$)")]
    private static partial Regex Fingerprint();

    [GeneratedRegex(@"^_framework/blazor\.(web|server)(\.[a-z0-9]+)?\.js(\.gz|\.br)?$")]
    private static partial Regex BlazorScript();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]+)\"")]
    private static partial Regex HandlerPattern();
}
