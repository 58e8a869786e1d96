using System.Net;
using System.Text.Json.Nodes;
using Attune.Core.Clinic;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Core.CheckIns;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Matching;

/// <summary>
/// Issue 19: each clinician's matching profile, a client's preferences (encrypted, audited), the track record from the
/// clinic's closed relationships, and the ranked colleagues for a client with every reason in words.
/// </summary>
public class MatchingTests
{
    [Theory, AllDatabases]
    public async Task A_clinician_keeps_a_profile_and_bad_input_changes_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/profile/matching", ct));
        Assert.Contains("value=\"English, Spanish\"", page); // the demo profile
        string before;
        await using (var db = app.CreateDbContext())
            before = await ProfileAsync(db, ct);

        foreach (var (form, field, message) in new (Dictionary<string, string>, string, string)[]
        {
            (new() { ["openPlaces"] = "many" }, "open-places", "Give your open places as a whole number from 0 to 500"),
            (new() { ["openPlaces"] = "501" }, "open-places", "Open places are a number from 0 to 500."),
            (new() { ["openPlaces"] = "2", ["fee"] = "-5" }, "fee", "The fee is an amount from 0 to 100000"),
            (new() { ["openPlaces"] = "2", ["fee"] = "cheap" }, "fee", "Give your fee per session as an amount"),
            (new() { ["openPlaces"] = "2", ["offer-approach"] = "astrology" }, "offer-approach", "\"astrology\" is not one of the choices for approach."),
            (new() { ["openPlaces"] = "2", ["offer-language"] = new string('x', 101) }, "offer-language", "Keep each entry for language under 100 characters."),
        })
        {
            var refused = await staff.PostFormAsync("/profile/matching", "profile", form);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct));
            Assert.Contains(message, html);
            Assert.Contains($"id=\"{field}-error\"", html);
        }
        await using (var db = app.CreateDbContext())
            Assert.Equal(before, await ProfileAsync(db, ct));

        var saved = await staff.PostFormAsync("/profile/matching", "profile", new() { ["openPlaces"] = "3", ["fee"] = "95", ["offer-language"] = "English; ASL", ["sharesTrackRecord"] = "true" },
            [new("offer-modality", "Video"), new("offer-approach", "dbt"), new("offer-approach", "cbt")]);
        Assert.Equal("/profile/matching?done=saved", StaffClient.Target(saved));
        await using (var db = app.CreateDbContext())
        {
            var profile = await db.TherapistProfiles.AsNoTracking().SingleAsync(p => db.Users.Any(u => u.Email == Demo.ClinicianEmail && u.ClinicianId == p.ClinicianId), ct);
            Assert.Equal((3, 95m, true), (profile.OpenPlaces, profile.Fee, profile.SharesTrackRecord));
            Assert.Equal(["English", "ASL"], profile.Offers["language"]);
            Assert.Equal(["dbt", "cbt"], profile.Offers["approach"]);
            Assert.False(profile.Offers.ContainsKey("pace")); // unticked: no longer offered
            var audited = await db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "TherapistProfile" && e.EntityId == profile.Id).ToListAsync(ct);
            Assert.Equal("update", Assert.Single(audited).Action);
            Assert.Contains("\"before\":{\"offers\":{\"state\":[\"CA\"]", audited[0].Detail);
        }

        // An admin keeps no profile (and is first sent to set up a second factor).
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Assert.NotEqual(HttpStatusCode.OK, (await admin.Http.GetAsync("/profile/matching", ct)).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task Preferences_are_encrypted_audited_and_only_the_clients_clinician_changes_them(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Pat Prefers");
        var path = $"/clients/{clientId}/preferences";

        var bad = await staff.PostFormAsync(path, "preferences", new() { ["pref-fee"] = "a lot", ["importance-fee"] = "MustHave" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("Give the most the client can pay per session as an amount, like 120.", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync(ct)));
        var twoPaces = await staff.PostFormAsync(path, "preferences", [], [new("pref-pace", "gentle"), new("pref-pace", "brisk")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, twoPaces.StatusCode);
        Assert.Contains("Choose one answer for pace.", WebUtility.HtmlDecode(await twoPaces.Content.ReadAsStringAsync(ct)));
        await using (var db = app.CreateDbContext())
            Assert.False(await db.MatchPreferences.AnyAsync(p => p.ClientId == clientId, ct));

        var saved = await staff.PostFormAsync(path, "preferences", new()
        {
            ["pref-language"] = "Spanish", ["importance-language"] = "MustHave", ["pref-faith"] = "Catholic", ["pref-state"] = "CA", ["pref-fee"] = "130",
        }, [new("concern", "anxiety"), new("pref-modality", "Video"), new("pref-modality", "Phone")]);
        Assert.Equal($"/clients/{clientId}/matches?done=preferences", StaffClient.Target(saved));
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.MatchPreferences.AsNoTracking().SingleAsync(p => p.ClientId == clientId, ct);
            Assert.DoesNotContain("Spanish", stored.ProtectedPreferences);
            Assert.DoesNotContain("Catholic", stored.ProtectedPreferences);
            Assert.False(stored.GivenByClient);
            Assert.Contains(await db.AuditEvents.AsNoTracking().Where(e => e.EntityId == stored.Id).Select(e => e.Action).ToListAsync(ct), a => a == "update");
        }
        var again = WebUtility.HtmlDecode(await staff.Http.GetStringAsync(path, ct));
        Assert.Contains("value=\"Spanish\"", again);
        Assert.Contains("value=\"Catholic\"", again);
        Assert.Matches("id=\"imp-language-must\"[^>]*checked", again);

        // The supervisor reads the client's record but does not record their preferences; another clinic does not see the client.
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var supervisorPage = await supervisor.Http.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.Forbidden, supervisorPage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostFormFromHtmlAsync(path, await supervisorPage.Content.ReadAsStringAsync(ct), "preferences", new() { ["pref-language"] = "French" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.Http.GetAsync($"/clients/{clientId}/matches", ct)).StatusCode);
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password-2026");
        var other = await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password-2026");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(path, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/clients/{clientId}/matches", ct)).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task Colleagues_are_ranked_by_track_record_then_preferences_with_every_reason(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        Guid org, okafor;
        await using (var db = app.CreateDbContext())
        {
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
            okafor = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
        }
        await Demo.AddStaffAsync(app, org, "robin@riverside.example", "robin-password-2026", "clinician", "Robin Lee");
        Guid robin;
        await using (var db = app.CreateDbContext())
            robin = await db.Users.Where(u => u.Email == "robin@riverside.example").Select(u => u.ClinicianId!.Value).SingleAsync(ct);
        // Anxiety history (GAD-7): Robin's sixteen clients improved by 9 to 11 points, Dr. Okafor's sixteen by 2 to 4, from
        // the same intakes (12 to 19): against the clinic-wide line Robin is effective, Dr. Okafor less effective.
        await SeedAnxietyHistoryAsync(app, robin, change: [9, 10, 11]);
        await SeedAnxietyHistoryAsync(app, okafor, change: [2, 3, 4]);
        var robinStaff = await StaffClient.SignInAsync(app, "robin@riverside.example", "robin-password-2026");
        Assert.Equal("/profile/matching?done=saved", StaffClient.Target(await robinStaff.PostFormAsync("/profile/matching", "profile",
            new() { ["openPlaces"] = "5", ["fee"] = "100", ["offer-language"] = "English, Spanish", ["offer-state"] = "CA", ["sharesTrackRecord"] = "true" },
            [new("offer-modality", "Video")])));

        // A client of Sam Rivera with severe anxiety asks for another therapist.
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Max Anxious");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "gad-7");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, link, Enumerable.Range(1, 7).ToDictionary(i => $"gad-7/{i}", _ => "3"))).StatusCode);
        await staff.PostFormAsync($"/clients/{clientId}/preferences", "preferences", new() { ["pref-state"] = "CA" }, [new("pref-modality", "Video")]);

        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}/matches", ct));
        Assert.Contains("Most elevated: anxiety.", page);
        var robinAt = page.IndexOf("1. Robin Lee", StringComparison.Ordinal);
        var okaforAt = page.IndexOf("2. Dr. Amara Okafor", StringComparison.Ordinal);
        Assert.True(robinAt > 0 && okaforAt > robinAt, page);
        Assert.Contains("Best match", page[robinAt..okaforAt]);
        Assert.Contains("Fits:</strong> effective with anxiety in this clinic's records, 16 cases; offers video; is licensed in CA", page);
        Assert.Contains("Does not meet:</strong> less effective with anxiety than the clinic expects, 16 cases", page);
        Assert.DoesNotContain("Sam Rivera", page[robinAt..]); // the current clinician is not suggested
        Assert.Contains($"/clients/{clientId}/referral?to={robin}", page);

        // The referral page opens with the chosen colleague selected.
        var referral = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}/referral?to={robin}", ct));
        Assert.Matches($"<option value=\"{robin}\" selected", referral);

        // The REST API gives the same ranking, reasons and preferences to a system acting as Sam (scope attune/matching.*).
        var api = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, "attune/matching.read", "attune/matching.write"));
        var matches = JsonNode.Parse(await api.GetStringAsync($"/api/v1/clients/{clientId}/matches", ct))!;
        Assert.Equal("anxiety", matches["mostElevated"]![0]!.GetValue<string>());
        var first = matches["suggestions"]![0]!;
        Assert.Equal((1, robin.ToString(), true), (first["rank"]!.GetValue<int>(), first["clinicianId"]!.GetValue<string>(), first["bestMatch"]!.GetValue<bool>()));
        Assert.Equal("effective with anxiety in this clinic's records, 16 cases", first["fits"]![0]!.GetValue<string>());
        Assert.Equal("less effective with anxiety than the clinic expects, 16 cases", matches["suggestions"]![1]!["notMet"]![0]!.GetValue<string>());
        Assert.DoesNotContain(matches["suggestions"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "Sam Rivera");
        var preferences = JsonNode.Parse(await api.GetStringAsync($"/api/v1/clients/{clientId}/preferences", ct))!;
        Assert.Equal("""[{"criterion":"modality","values":["Video"],"importance":"NiceToHave"},{"criterion":"state","values":["CA"],"importance":"NiceToHave"}]""",
            preferences["preferences"]!.ToJsonString());
        // A must-have Spanish speaker: the API stores it (encrypted) and the ranking follows; a bad value is refused and changes nothing.
        var wrong = await api.PutAsync($"/api/v1/clients/{clientId}/preferences", new StringContent("""{"preferences":[{"criterion":"pace","values":["gentle","brisk"]}]}""", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("Choose one answer for pace.", JsonNode.Parse(await wrong.Content.ReadAsStringAsync(ct))!["errors"]!["pace"]![0]!.GetValue<string>());
        var put = await api.PutAsync($"/api/v1/clients/{clientId}/preferences", new StringContent(
            """{"concerns":["anxiety"],"preferences":[{"criterion":"language","values":["Spanish"],"importance":"MustHave"},{"criterion":"modality","values":["Video"]}]}""", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(ct));
        Assert.False(JsonNode.Parse(await put.Content.ReadAsStringAsync(ct))!["givenByClient"]!.GetValue<bool>());
        var ruledOut = JsonNode.Parse(await api.GetStringAsync($"/api/v1/clients/{clientId}/matches", ct))!["excluded"]!.AsArray().Single()!;
        Assert.Equal(("Dr. Amara Okafor", "speaks Spanish"), (ruledOut["name"]!.GetValue<string>(), ruledOut["mustHavesNotMet"]![0]!.GetValue<string>()));
        await using (var db = app.CreateDbContext())
        {
            Assert.DoesNotContain("Spanish", (await db.MatchPreferences.AsNoTracking().SingleAsync(p => p.ClientId == clientId, ct)).ProtectedPreferences);
            var audited = await db.AuditEvents.AsNoTracking().Where(e => e.ActorKind == "api" && e.ClientId == clientId).Select(e => e.Action + " " + e.EntityType).ToListAsync(ct);
            Assert.Equal(["read ClientMatchPreferences", "read MatchSuggestions", "read MatchSuggestions", "update ClientMatchPreferences"], audited.Order());
            // Dr. Okafor stops sharing her track record: the API shows Sam the clinic's lines, Robin's record, and not hers.
            var hers = await db.TherapistProfiles.SingleAsync(p => p.ClinicianId == okafor, ct);
            hers.Update(hers.Offers.ToDictionary(o => o.Key, o => (IReadOnlyList<string>)o.Value), hers.OpenPlaces, hers.Fee, sharesTrackRecord: false, app.Clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }
        var shared = JsonNode.Parse(await api.GetStringAsync("/api/v1/matching/track-record", ct))!;
        Assert.Equal((15, 0.95), (shared["minimumCases"]!.GetValue<int>(), shared["intervalLevel"]!.GetValue<double>()));
        Assert.Equal(["anxiety", "depression"], shared["models"]!.AsArray().Select(m => m!["domain"]!.GetValue<string>()).Order());
        Assert.Equal(["anxiety robin@riverside.example Effective"], shared["records"]!.AsArray().Select(r => $"{r!["domain"]} {r["clinician"]} {r["class"]}"));
        var readOnly = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, "attune/matching.read"));
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PutAsync($"/api/v1/clients/{clientId}/preferences", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), ct)).StatusCode);
        // A system acting as Dr. Okafor, Sam's supervisor, reads Max's record but not colleagues ranked for Max.
        var hersApi = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.SupervisorEmail, "attune/matching.read"));
        Assert.Equal(HttpStatusCode.Forbidden, (await hersApi.GetAsync($"/api/v1/clients/{clientId}/matches", ct)).StatusCode);

        // The command line prints the same track record.
        var (exit, output, error) = await CommandLine.RunAsync(["track-record", "--organisation", "Riverside Counselling (demo)", "--json", .. app.DatabaseArguments]);
        Assert.True(exit == 0, error);
        var records = JsonNode.Parse(output)!["records"]!.AsArray();
        JsonNode Row(string domain, string email) => records.Single(r => r!["domain"]!.GetValue<string>() == domain && r["clinician"]!.GetValue<string>() == email)!;
        Assert.Equal(("Effective", 16), (Row("anxiety", "robin@riverside.example")["class"]!.GetValue<string>(), Row("anxiety", "robin@riverside.example")["cases"]!.GetValue<int>()));
        Assert.Equal("Ineffective", Row("anxiety", Demo.SupervisorEmail)["class"]!.GetValue<string>());
        // The demo's thirty past PHQ-9 clients are all Dr. Okafor's: against a line fitted to her cases alone her mean residual is 0.
        var depression = Row("depression", Demo.SupervisorEmail);
        Assert.Equal(("Neutral", 30), (depression["class"]!.GetValue<string>(), depression["cases"]!.GetValue<int>()));
        Assert.Equal(0, depression["meanResidual"]!.GetValue<double>(), 1e-9);
        var (badExit, _, badError) = await CommandLine.RunAsync(["track-record", "--organisation", "No Such Clinic", .. app.DatabaseArguments]);
        Assert.Equal(2, badExit);
        Assert.Contains("There is no organisation named 'No Such Clinic'.", badError);
    }

    [Theory, AllDatabases]
    public async Task A_clinic_adds_a_problem_domain_by_a_measure_and_it_is_matched_on_like_the_built_in_ones(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var settings = WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/settings/matching", ct));
        Assert.Contains("<td>General distress</td>", settings);

        // Bad definitions are refused and add nothing: no name, a measure already behind a domain, no such measure.
        foreach (var (name, measure, message) in new[] { (" ", "ors", "Give the domain a name"), ("Low mood", "phq-9", "That measure already defines a domain."), ("Sleep", "isi", "Choose one of the clinic's outcome measures.") })
        {
            var refused = await admin.PostFormFromHtmlAsync("/settings/matching", settings, "add-domain", new() { ["name"] = name, ["instrument"] = measure });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains(message, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        }
        // Wellbeing by the ORS, where a higher score is better.
        Assert.Equal("/settings/matching?done=added", StaffClient.Target(await admin.PostFormFromHtmlAsync("/settings/matching", settings, "add-domain", new() { ["name"] = "Wellbeing", ["instrument"] = "ors" })));
        await using (var db = app.CreateDbContext())
        {
            var domain = await db.ClinicProblemDomains.AsNoTracking().SingleAsync(ct);
            Assert.Equal(("wellbeing", "Wellbeing", "ors"), (domain.Key, domain.Name, domain.InstrumentId));
            Assert.Equal("create", (await db.AuditEvents.AsNoTracking().SingleAsync(e => e.EntityId == domain.Id, ct)).Action);
        }

        // Three past clients of Dr. Okafor's improved on the ORS (10 → 30, 12 → 28, 8 → 30): their changes are +20, +16 and +22.
        Guid okafor, client;
        await using (var db = app.CreateDbContext())
            okafor = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var ors = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>().Get("ors");
            var org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
            var now = app.Clock.GetUtcNow();
            void Score(TherapeuticRelationship r, decimal total, DateTimeOffset at)
            {
                // Four 0–10 scales that add up to the total.
                var answers = Enumerable.Range(1, 4).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => (decimal?)(Math.Floor(total / 4) + (i <= total % 4 ? 1 : 0)));
                var scored = InstrumentScorer.Score(ors, answers);
                Assert.True(scored.Result is not null, string.Join("; ", scored.Errors));
                db.Responses.Add(new InstrumentResponse(r.Id, null, r.RecordSession(at, SessionModality.InPerson, SessionAttendance.Attended).Id, answers, scored.Result, at));
            }
            foreach (var (first, last, weeks) in new[] { (10m, 30m, 40), (12m, 28m, 50), (8m, 30m, 60) })
            {
                var past = new Client(org, "Past wellbeing client", now.AddDays(-7 * weeks - 2));
                db.Clients.Add(past);
                var r = new TherapeuticRelationship(org, past.Id, okafor, now.AddDays(-7 * weeks - 1));
                db.Relationships.Add(r);
                Score(r, first, now.AddDays(-7 * weeks));
                Score(r, last, now.AddDays(-7 * weeks + 56));
                r.MoveTo(RelationshipPhase.Termination, "cipher", now.AddDays(-7 * weeks + 57));
                db.Endings.Add(r.End(Attune.Core.Endings.EndingKind.Planned, Attune.Core.Endings.EndingReason.GoalsMet, "cipher", null, now.AddDays(-7 * weeks + 58)));
            }
            // A client of Sam's, now at ORS 9 of 40 (below the cut-off of 25): wellbeing is their most elevated domain.
            var current = new Client(org, "Wren Wellbeing", now.AddDays(-20));
            db.Clients.Add(current);
            var sam = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            var open = new TherapeuticRelationship(org, current.Id, sam, now.AddDays(-19));
            db.Relationships.Add(open);
            Score(open, 9, now.AddDays(-2));
            await db.SaveChangesAsync(ct);
            client = current.Id;
        }
        var (exit, output, error) = await CommandLine.RunAsync(["track-record", "--organisation", "Riverside Counselling (demo)", "--json", .. app.DatabaseArguments]);
        Assert.True(exit == 0, error);
        var report = JsonNode.Parse(output)!;
        Assert.Equal(3, report["models"]!.AsArray().Single(m => m!["domain"]!.GetValue<string>() == "wellbeing")!["cases"]!.GetValue<int>());
        var wellbeing = report["records"]!.AsArray().Single(r => r!["domain"]!.GetValue<string>() == "wellbeing")!;
        Assert.Equal((Demo.SupervisorEmail, 3, "NotEnoughCases"), (wellbeing["clinician"]!.GetValue<string>(), wellbeing["cases"]!.GetValue<int>(), wellbeing["class"]!.GetValue<string>()));

        var staff = await Demo.ClinicianAsync(app);
        var form = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{client}/preferences", ct));
        Assert.Contains("value=\"wellbeing\"", form);
        var matches = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{client}/matches", ct));
        Assert.Contains("Most elevated: wellbeing.", matches);
        Assert.Contains("fewer than 15 past cases with wellbeing (3): no track record yet", matches);
        var saved = await staff.PostFormAsync($"/clients/{client}/preferences", "preferences", [], [new("concern", "wellbeing")]);
        Assert.Equal($"/clients/{client}/matches?done=preferences", StaffClient.Target(saved));

        // Removed: no longer offered as a concern, nor ranked on.
        settings = WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/settings/matching", ct));
        Assert.Equal("/settings/matching?done=removed", StaffClient.Target(await admin.PostFormFromHtmlAsync("/settings/matching", settings, "remove-domain", new() { ["key"] = "wellbeing" })));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostFormFromHtmlAsync("/settings/matching", settings, "remove-domain", new() { ["key"] = "depression" })).StatusCode);
        Assert.DoesNotContain("value=\"wellbeing\"", await staff.Http.GetStringAsync($"/clients/{client}/preferences", ct));
        Assert.Contains("No problem domain is elevated or named yet.", WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{client}/matches", ct))); // Wren named it: it no longer ranks
    }

    private static async Task<string> ProfileAsync(AttuneDbContext db, CancellationToken ct) =>
        string.Join("|", (await db.TherapistProfiles.AsNoTracking().ToListAsync(ct)).OrderBy(p => p.ClinicianId)
            .Select(p => $"{System.Text.Json.JsonSerializer.Serialize(p.Offers)};{p.OpenPlaces};{p.Fee};{p.SharesTrackRecord}"));

    /// <summary>Sixteen closed relationships with GAD-7 at intake 12 to 19 and at the end intake − change; one open and one single-score relationship that do not count.</summary>
    private static async Task SeedAnxietyHistoryAsync(AttuneFactory app, Guid clinicianId, int[] change)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var gad = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>().Get("gad-7");
        var org = await db.Clinicians.Where(c => c.Id == clinicianId).Select(c => c.OrganisationId).SingleAsync();
        var now = app.Clock.GetUtcNow();
        void Add(TherapeuticRelationship r, int total, DateTimeOffset at)
        {
            var session = r.RecordSession(at, SessionModality.Video, SessionAttendance.Attended);
            var answers = Enumerable.Range(1, 7).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => (decimal?)Math.Clamp(total - 3 * (i - 1), 0, 3));
            db.Responses.Add(new InstrumentResponse(r.Id, null, session.Id, answers, InstrumentScorer.Score(gad, answers).Result!, at.AddMinutes(-5)));
        }
        TherapeuticRelationship Open(int weeksAgo)
        {
            var client = new Client(org, "Past anxiety client", now.AddDays(-7 * weeksAgo - 2));
            db.Clients.Add(client);
            var r = new TherapeuticRelationship(org, client.Id, clinicianId, now.AddDays(-7 * weeksAgo - 1));
            db.Relationships.Add(r);
            return r;
        }
        for (var c = 0; c < 16; c++)
        {
            var r = Open(40 + c);
            var intake = 12 + c % 8;
            Add(r, intake, now.AddDays(-7 * (40 + c)));
            Add(r, intake - 2, now.AddDays(-7 * (38 + c)));
            Add(r, intake - change[c % 3], now.AddDays(-7 * (36 + c)));
            r.MoveTo(RelationshipPhase.Termination, "cipher", now.AddDays(-7 * (35 + c)));
            db.Endings.Add(r.End(Attune.Core.Endings.EndingKind.Planned, Attune.Core.Endings.EndingReason.GoalsMet, "cipher", null, now.AddDays(-7 * (35 + c)).AddHours(1)));
        }
        // Still open: no case. Closed with one score: no case.
        var open = Open(20);
        Add(open, 19, now.AddDays(-140));
        Add(open, 1, now.AddDays(-133));
        var single = Open(30);
        Add(single, 19, now.AddDays(-210));
        single.MoveTo(RelationshipPhase.Termination, "cipher", now.AddDays(-200));
        db.Endings.Add(single.End(Attune.Core.Endings.EndingKind.Planned, Attune.Core.Endings.EndingReason.GoalsMet, "cipher", null, now.AddDays(-199)));
        await db.SaveChangesAsync();
    }
}

/// <summary>Issue 19, point 5: the intake coordinator takes a new client, records their preferences, and assigns a ranked therapist.</summary>
public class IntakeTests
{
    [Theory, AllDatabases]
    public async Task The_coordinator_assigns_a_ranked_therapist_and_the_rank_and_reasons_are_kept(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var coordinator = await CoordinatorAsync(app);

        // A new client: no therapist yet, waiting at intake.
        var bad = await coordinator.PostFormAsync("/intake", "intake-client", new() { ["name"] = " ", ["email"] = "not an address", ["phone"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var added = await coordinator.PostFormAsync("/intake", "intake-client", new() { ["name"] = "Nia New", ["email"] = "nia@client.example", ["phone"] = "" });
        var clientId = Guid.Parse(StaffClient.Target(added).Split('/')[2]);
        Assert.Equal($"/intake/{clientId}/preferences", StaffClient.Target(added));
        var list = WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync("/intake", ct));
        Assert.Contains($"<a href=\"/intake/{clientId}\">Nia New</a>", list);

        // Spanish is a must-have: only Sam Rivera speaks it; in person is nice to have, and Sam offers it.
        var saved = await coordinator.PostFormAsync($"/intake/{clientId}/preferences", "preferences",
            new() { ["pref-language"] = "Spanish", ["importance-language"] = "MustHave", ["pref-state"] = "CA" }, [new("concern", "depression"), new("pref-modality", "InPerson")]);
        Assert.Equal($"/intake/{clientId}?done=preferences", StaffClient.Target(saved));
        var page = WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync($"/intake/{clientId}", ct));
        Assert.Contains("1. Sam Rivera", page);
        Assert.Contains("Fits:</strong> fewer than 15 past cases with depression (0): no track record yet; speaks Spanish; sees clients in person; is licensed in CA", page);
        Assert.Contains("Dr. Amara Okafor: does not meet the must-have: speaks Spanish", page);
        Guid sam, okafor;
        await using (var db = app.CreateDbContext())
        {
            sam = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            okafor = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            Assert.False(await db.Clinicians.AnyAsync(c => c.DisplayName == "Ivy Intake", ct)); // a coordinator is no therapist
        }

        // Only a suggested therapist can be assigned: one a must-have rules out, or no one, is refused and nothing changes.
        foreach (var who in new[] { okafor.ToString(), "someone", Guid.NewGuid().ToString() })
        {
            var refused = await coordinator.PostFormFromHtmlAsync($"/intake/{clientId}", page, "assign", new() { ["clinician"] = who });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("suggest", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        }
        await using (var db = app.CreateDbContext())
            Assert.False(await db.Relationships.AnyAsync(r => r.ClientId == clientId, ct));

        var assigned = await coordinator.PostFormFromHtmlAsync($"/intake/{clientId}", page, "assign", new() { ["clinician"] = sam.ToString() });
        Assert.Equal("/intake?done=assigned", StaffClient.Target(assigned));
        await using (var db = app.CreateDbContext())
        {
            var relationship = await db.Relationships.AsNoTracking().SingleAsync(r => r.ClientId == clientId, ct);
            Assert.Equal((sam, Attune.Core.Relationships.RelationshipPhase.Intake), (relationship.ClinicianId, relationship.Phase));
            var assignment = await db.MatchAssignments.AsNoTracking().SingleAsync(a => a.ClientId == clientId, ct);
            Assert.Equal((relationship.Id, 1, 1, 1.0, false), (assignment.RelationshipId, assignment.Rank, assignment.Suggestions, assignment.Score, assignment.BestMatch));
            Assert.DoesNotContain("Spanish", assignment.ProtectedReasons);
            var reasons = app.Services.GetRequiredService<Attune.Web.Features.Security.FreeTextProtector>().Unprotect(assignment.ProtectedReasons)!;
            Assert.Contains("speaks Spanish", reasons);
            var audit = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "assign" && e.EntityId == assignment.Id, ct);
            Assert.Equal($$$"""{"before":null,"after":{"clinician":"{{{sam}}}","rank":1,"of":1,"score":1,"bestMatch":false}}""", audit.Detail);
            Assert.Equal(3, (await db.TherapistProfiles.AsNoTracking().SingleAsync(p => p.ClinicianId == sam, ct)).OpenPlaces); // 4 open places, one taken
            // Sam is told by email, which names no client.
            var told = await db.Outbox.AsNoTracking().SingleAsync(m => m.To == Demo.ClinicianEmail && m.Kind == OutboxKinds.Notice, ct);
            Assert.Equal("Attune: a new client for you", told.Subject);
            Assert.Contains("The clinic's intake has assigned a new client to you.", told.Body);
            Assert.DoesNotContain("Nia", Slice.WithoutLinks(told.Body));
        }
        Assert.DoesNotContain("Nia New", await coordinator.Http.GetStringAsync("/intake", ct));
        // Sam finds Nia on the caseload, in intake; a second assignment is refused.
        var staff = await Demo.ClinicianAsync(app);
        Assert.Contains("Nia New", await staff.Http.GetStringAsync("/", ct));
        var again = await coordinator.PostFormFromHtmlAsync($"/intake/{clientId}", page, "assign", new() { ["clinician"] = sam.ToString() });
        Assert.NotEqual(HttpStatusCode.Redirect, again.StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.Equal(1, await db.Relationships.CountAsync(r => r.ClientId == clientId, ct));

        // The coordinator sees no client record; a clinician does not run intake.
        Assert.NotEqual(HttpStatusCode.OK, (await coordinator.Http.GetAsync($"/clients/{clientId}", ct)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await staff.Http.GetAsync("/intake", ct)).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task A_client_gives_their_own_preferences_by_link_and_a_new_link_stops_the_old_one(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var coordinator = await CoordinatorAsync(app);
        var added = await coordinator.PostFormAsync("/intake", "intake-client", new() { ["name"] = "Lee Link", ["email"] = "lee@client.example", ["phone"] = "" });
        var clientId = Guid.Parse(StaffClient.Target(added).Split('/')[2]);

        var made = WebUtility.HtmlDecode(await (await coordinator.PostFormAsync($"/intake/{clientId}/preferences", "preference-link", [])).Content.ReadAsStringAsync(ct));
        Assert.Contains("Sent to lee@client.example.", made);
        string link;
        await using (var db = app.CreateDbContext())
        {
            var mail = await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "lee@client.example", ct);
            Assert.Equal(OutboxKinds.PreferenceLink, mail.Kind);
            // No name in the message; the link's random token is left out of the check (it once held "Lee" by chance).
            Assert.Contains("<link>", Slice.WithoutLinks(mail.Body));
            Assert.DoesNotContain("Lee", Slice.WithoutLinks(mail.Body));
            Assert.Contains("If you need help now", mail.Body);
            link = new Uri(System.Text.RegularExpressions.Regex.Match(mail.Body, @"http\S+/m/\S+").Value).PathAndQuery;
        }

        // The client, on their phone, without an account.
        var client = new StaffClient(StaffClient.Anonymous(app));
        var form = WebUtility.HtmlDecode(await client.Http.GetStringAsync(link, ct));
        Assert.Contains("What you look for in a therapist", form);
        Assert.Contains("Riverside Counselling (demo)", form);
        Assert.Contains("Worry, nerves or anxiety", form);
        var sent = await client.PostFormFromHtmlAsync(link, form, "preferences", new() { ["pref-language"] = "Spanish", ["importance-language"] = "MustHave" }, [new("concern", "anxiety")]);
        Assert.Equal($"{link}?done=saved", StaffClient.Target(sent));
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.MatchPreferences.AsNoTracking().SingleAsync(p => p.ClientId == clientId, ct);
            Assert.True(stored.GivenByClient);
            Assert.Null(stored.UpdatedBy);
            Assert.Contains(await db.AuditEvents.AsNoTracking().Where(e => e.EntityId == stored.Id).Select(e => e.ActorKind + ":" + e.Action).ToListAsync(ct), a => a == "client-link:update");
        }
        var page = WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync($"/intake/{clientId}", ct));
        Assert.Contains("Given by the client", page);
        Assert.Contains("<strong>Language</strong>: Spanish · must have", page);

        // A tampered link opens nothing; a new link stops the old one, which then changes nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(link[..^3] + "xyz", ct)).StatusCode);
        await coordinator.PostFormAsync($"/intake/{clientId}/preferences", "preference-link", []);
        var old = await client.Http.GetAsync(link, ct);
        Assert.Equal(HttpStatusCode.Gone, old.StatusCode);
        Assert.Contains("a newer one was sent", WebUtility.HtmlDecode(await old.Content.ReadAsStringAsync(ct)));
        var late = await client.PostFormFromHtmlAsync(link, form, "preferences", new() { ["pref-language"] = "French" });
        Assert.False(late.IsSuccessStatusCode || late.StatusCode == HttpStatusCode.Redirect, $"{(int)late.StatusCode}");
        Assert.Contains("Spanish", WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync($"/intake/{clientId}", ct)));
    }

    [Theory, AllDatabases]
    public async Task The_client_chooses_one_of_two_therapists_offered_by_link(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var coordinator = await CoordinatorAsync(app);
        var added = await coordinator.PostFormAsync("/intake", "intake-client", new() { ["name"] = "Cleo Choice", ["email"] = "cleo@client.example", ["phone"] = "" });
        var clientId = Guid.Parse(StaffClient.Target(added).Split('/')[2]);
        Guid sam, okafor;
        await using (var db = app.CreateDbContext())
        {
            sam = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            okafor = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
        }
        var page = WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync($"/intake/{clientId}", ct));

        // One therapist is no choice; an id not suggested is refused; nothing is offered.
        foreach (var (ticked, message) in new[] { (new[] { sam.ToString() }, "Offer the client 2 or 3 therapists to choose from."), (new[] { sam.ToString(), Guid.NewGuid().ToString() }, "is not among the suggestions now") })
        {
            var refused = await coordinator.PostFormFromHtmlAsync($"/intake/{clientId}", page, "assign", new() { ["do"] = "offer" }, [.. ticked.Select(t => new KeyValuePair<string, string>("offer", t))]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains(message, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        }
        await using (var db = app.CreateDbContext())
            Assert.False(await db.MatchOffers.AnyAsync(o => o.ClientId == clientId, ct));

        // Two offers: the second stops the first's link.
        var seen = new HashSet<Guid>();
        async Task<string> OfferAsync()
        {
            var sent = await coordinator.PostFormFromHtmlAsync($"/intake/{clientId}", page, "assign", new() { ["do"] = "offer" }, [new("offer", okafor.ToString()), new("offer", sam.ToString())]);
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.Contains("A choice of Sam Rivera, Dr. Amara Okafor was emailed to cleo@client.example", WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync(ct)));
            await using var db = app.CreateDbContext();
            var mail = (await db.Outbox.AsNoTracking().Where(m => m.To == "cleo@client.example" && m.Kind == OutboxKinds.ChoiceLink).ToListAsync(ct)).Single(m => seen.Add(m.Id));
            Assert.DoesNotContain("Cleo", Slice.WithoutLinks(mail.Body));
            Assert.Contains("If you need help now", mail.Body);
            return new Uri(System.Text.RegularExpressions.Regex.Match(mail.Body, @"http\S+/m/choose/\S+").Value).PathAndQuery;
        }
        var first = await OfferAsync();
        var link = await OfferAsync();
        Assert.NotEqual(first, link);
        Assert.Contains("the client is choosing", await coordinator.Http.GetStringAsync("/intake", ct));
        Assert.Contains("Waiting for the client to choose between Sam Rivera, Dr. Amara Okafor", WebUtility.HtmlDecode(await coordinator.Http.GetStringAsync($"/intake/{clientId}", ct)));

        var client = new StaffClient(StaffClient.Anonymous(app));
        Assert.Equal(HttpStatusCode.Gone, (await client.Http.GetAsync(first, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(link[..^3] + "xyz", ct)).StatusCode);
        var choice = WebUtility.HtmlDecode(await client.Http.GetStringAsync(link, ct));
        Assert.Contains("Riverside Counselling (demo) suggests these therapists for you", choice);
        Assert.Contains("About Dr. Amara Okafor:</strong> practises psychodynamic therapy; practises person-centred therapy; practises EMDR; works by talking it through", choice);
        Assert.Contains("Choose Sam Rivera", choice);
        Assert.True(choice.IndexOf("Choose Sam Rivera", StringComparison.Ordinal) < choice.IndexOf("Choose Dr. Amara Okafor", StringComparison.Ordinal)); // in the ranking's order

        // Only someone offered can be chosen; the choice opens the relationship, kept as the client's choice, and the link then only thanks.
        var wrong = await client.PostFormFromHtmlAsync(link, choice, "choose", new() { ["clinician"] = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("Choose one of the therapists offered.", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync(ct)));
        var chose = await client.PostFormFromHtmlAsync(link, choice, "choose", new() { ["clinician"] = okafor.ToString() });
        Assert.Equal(link, StaffClient.Target(chose));
        Assert.Contains("You chose <strong>Dr. Amara Okafor</strong>", WebUtility.HtmlDecode(await client.Http.GetStringAsync(link, ct)));
        await using (var db = app.CreateDbContext())
        {
            var relationship = await db.Relationships.AsNoTracking().SingleAsync(r => r.ClientId == clientId, ct);
            Assert.Equal(okafor, relationship.ClinicianId);
            var assignment = await db.MatchAssignments.AsNoTracking().SingleAsync(a => a.ClientId == clientId, ct);
            var coordinatorId = await db.Users.Where(u => u.Email == "intake@riverside.example").Select(u => u.Id).SingleAsync(ct);
            Assert.Equal((2, 2, true, coordinatorId), (assignment.Rank, assignment.Suggestions, assignment.ChosenByClient, assignment.AssignedBy));
            Assert.Equal(1, (await db.TherapistProfiles.AsNoTracking().SingleAsync(p => p.ClinicianId == okafor, ct)).OpenPlaces);
            Assert.Contains("A new client chose you", (await db.Outbox.AsNoTracking().SingleAsync(m => m.To == Demo.SupervisorEmail && m.Kind == OutboxKinds.Notice, ct)).Body);
            Assert.Equal(["choose", "create", "assign"], await db.AuditEvents.AsNoTracking().Where(e => e.ActorKind == "client-link" && e.ClientId == clientId && e.Action != "read")
                .OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(ct));
        }
        var again = await client.PostFormFromHtmlAsync(link, choice, "choose", new() { ["clinician"] = sam.ToString() });
        Assert.NotEqual(HttpStatusCode.Redirect, again.StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.Equal(1, await db.Relationships.CountAsync(r => r.ClientId == clientId, ct));
        Assert.DoesNotContain("Cleo Choice", await coordinator.Http.GetStringAsync("/intake", ct));
    }

    /// <summary>An intake coordinator of the demo clinic, signed in.</summary>
    private static async Task<StaffClient> CoordinatorAsync(AttuneFactory app)
    {
        Guid org;
        await using (var db = app.CreateDbContext())
            org = await db.Organisations.Select(o => o.Id).SingleAsync(TestContext.Current.CancellationToken);
        await Demo.AddStaffAsync(app, org, "intake@riverside.example", "intake-password-2026", StaffRoles.Coordinator, "Ivy Intake");
        return await StaffClient.SignInAsync(app, "intake@riverside.example", "intake-password-2026");
    }
}

/// <summary>Issue 19, point 6: clinicians say what they want from supervision, supervisors what they offer; the same filter-and-rank suggests supervisors.</summary>
public class SupervisorMatchingTests
{
    [Theory, AllDatabases]
    public async Task Supervisors_are_ranked_for_a_clinician_on_what_they_want_with_reasons(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var sam = await Demo.ClinicianAsync(app);

        // The demo: Sam wants trauma work and video (nice to have); Dr. Okafor, Sam's supervisor, offers both.
        var page = WebUtility.HtmlDecode(await sam.Http.GetStringAsync("/profile/supervision", ct));
        Assert.Contains("1. Dr. Amara Okafor <span class=\"badge\">Current supervisor</span>", page);
        Assert.Contains("Fits:</strong> supervises trauma work; supervises by video", page);
        Assert.DoesNotContain("Supervisees I can take in all", page); // Sam does not supervise: no offer to make

        // A second supervisor who offers couples work by phone, with one place.
        Guid org;
        await using (var db = app.CreateDbContext())
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
        await Demo.AddStaffAsync(app, org, "rowan@riverside.example", "rowan-password-2026", StaffRoles.Supervisor, "Rowan Reed");
        var rowan = await StaffClient.SignInAsync(app, "rowan@riverside.example", "rowan-password-2026");
        var rowanPage = await rowan.Http.GetStringAsync("/profile/supervision", ct);
        Assert.Contains("Supervisees I can take in all", rowanPage);
        var badPlaces = await rowan.PostFormFromHtmlAsync("/profile/supervision", rowanPage, "supervision", new() { ["supervisionPlaces"] = "lots" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badPlaces.StatusCode);
        Assert.Contains("Give the supervisees you can take in all as a whole number", WebUtility.HtmlDecode(await badPlaces.Content.ReadAsStringAsync(ct)));
        Assert.Equal("/profile/supervision?done=saved", StaffClient.Target(await rowan.PostFormFromHtmlAsync("/profile/supervision", rowanPage, "supervision",
            new() { ["supervisionPlaces"] = "1", ["give-areas"] = "couples; family work" }, [new("give-modality", "Phone")])));

        // Sam cannot offer supervision, and a made-up importance is refused; nothing changes.
        string before;
        await using (var db = app.CreateDbContext())
            before = System.Text.Json.JsonSerializer.Serialize((await db.TherapistProfiles.AsNoTracking().SingleAsync(p => db.Users.Any(u => u.Email == Demo.ClinicianEmail && u.ClinicianId == p.ClinicianId), ct)).SupervisionWants);
        var offering = await sam.PostFormFromHtmlAsync("/profile/supervision", page, "supervision", new() { ["give-areas"] = "everything", ["supervisionPlaces"] = "3" });
        Assert.Equal(HttpStatusCode.Forbidden, offering.StatusCode);
        Assert.Contains(Attune.Web.Features.Matching.TherapistProfileActions.OnlySupervisors, WebUtility.HtmlDecode(await offering.Content.ReadAsStringAsync(ct)));
        var maybe = await sam.PostFormFromHtmlAsync("/profile/supervision", page, "supervision", new() { ["want-areas"] = "couples", ["want-importance-areas"] = "Maybe" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, maybe.StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize((await db.TherapistProfiles.AsNoTracking().SingleAsync(p => db.Users.Any(u => u.Email == Demo.ClinicianEmail && u.ClinicianId == p.ClinicianId), ct)).SupervisionWants));

        // Couples work becomes a must-have: Rowan is suggested, Dr. Okafor is ruled out with the reason.
        Assert.Equal("/profile/supervision?done=saved", StaffClient.Target(await sam.PostFormFromHtmlAsync("/profile/supervision", page, "supervision",
            new() { ["want-areas"] = "Couples", ["want-importance-areas"] = "MustHave" }, [new("want-modality", "Phone")])));
        page = WebUtility.HtmlDecode(await sam.Http.GetStringAsync("/profile/supervision", ct));
        Assert.Contains("1. Rowan Reed", page);
        Assert.Contains("Fits:</strong> supervises Couples; supervises by phone", page);
        Assert.Contains("Dr. Amara Okafor: does not meet the must-have: supervises Couples", page);

        // The admin who assigns supervisors sees the same ranking on Sam's staff page.
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Guid samUser;
        await using (var db = app.CreateDbContext())
        {
            samUser = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.Id).SingleAsync(ct);
            var audited = await db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "TherapistProfile" && e.Action == "update").ToListAsync(ct);
            Assert.Contains(audited, e => e.Detail!.Contains("\"supervisionWants\":[{\"criterion\":\"areas\",\"values\":[\"Couples\"]", StringComparison.Ordinal));
        }
        var staffPage = WebUtility.HtmlDecode(await admin.Http.GetStringAsync($"/admin/staff/{samUser}", ct));
        Assert.Contains("Supervisors ranked for Sam Rivera", staffPage);
        Assert.Contains("1. Rowan Reed", staffPage);
        // Once Rowan supervises Sam, their one place is Sam's: Rowan is still suggested to Sam, and is full for anyone else.
        Guid rowanUser;
        await using (var db = app.CreateDbContext())
            rowanUser = await db.Users.Where(u => u.Email == "rowan@riverside.example").Select(u => u.Id).SingleAsync(ct);
        Assert.NotEqual(HttpStatusCode.UnprocessableEntity, (await admin.PostFormFromHtmlAsync($"/admin/staff/{samUser}", staffPage, "supervisor", new() { ["supervisor"] = rowanUser.ToString() })).StatusCode);
        Assert.Contains("1. Rowan Reed <span class=\"badge\">Current supervisor</span>", WebUtility.HtmlDecode(await sam.Http.GetStringAsync("/profile/supervision", ct)));
        await Demo.AddStaffAsync(app, org, "kit@riverside.example", "kit-password-2026", StaffRoles.Clinician, "Kit Kim");
        var kit = await StaffClient.SignInAsync(app, "kit@riverside.example", "kit-password-2026");
        Assert.Contains("Rowan Reed: no supervisee places left", WebUtility.HtmlDecode(await kit.Http.GetStringAsync("/profile/supervision", ct)));
    }
}
