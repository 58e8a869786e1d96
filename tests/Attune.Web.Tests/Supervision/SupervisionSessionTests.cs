using System.Globalization;
using System.Net;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Supervision;

/// <summary>Issue 21, point 3: the supervision sessions log, both signatures, and the supervised hours for a licensing board.</summary>
public class SupervisionSessionTests
{
    private const string Topics = "Pacing exposure work; Alex's withdrawal in session 3 and how it was repaired.";

    /// <summary>The log form's values for a session that started <paramref name="daysAgo"/> days ago at 10:00, clinic time.</summary>
    private static Dictionary<string, string> Session(AttuneFactory app, int daysAgo, int minutes, string format, string kind, string? link = null, bool signed = true)
    {
        var day = app.Services.GetRequiredService<Attune.Web.Time.ClinicClock>().ToLocal(app.Clock.GetUtcNow()).Date.AddDays(-daysAgo);
        var values = new Dictionary<string, string>
        {
            ["startsAt.day"] = day.Day.ToString(CultureInfo.InvariantCulture), ["startsAt.month"] = day.Month.ToString(CultureInfo.InvariantCulture),
            ["startsAt.year"] = day.Year.ToString(CultureInfo.InvariantCulture), ["startsAt.time"] = "10:00",
            ["minutes"] = minutes.ToString(CultureInfo.InvariantCulture), ["format"] = format, ["kind"] = kind, ["meetingLink"] = link ?? "", ["topics"] = Topics,
        };
        if (signed) values["signed"] = "true";
        return values;
    }

    private static List<KeyValuePair<string, string>> Ids(string name, params Guid[] ids) => ids.Select(id => new KeyValuePair<string, string>(name, id.ToString())).ToList();

    [Theory, AllDatabases]
    public async Task Sessions_count_toward_a_supervisees_hours_once_both_have_signed_and_only_they_see_them(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        Guid org, samId, okaforId, alex, okaforsClient;
        await using (var db = app.CreateDbContext())
        {
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
            samId = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            okaforId = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(ct);
            okaforsClient = await db.Relationships.Where(r => r.ClinicianId == okaforId).Select(r => r.ClientId).FirstAsync(ct);
        }
        // Kai, a second supervisee of Dr. Okafor's, for a group session; Lee, a clinician she does not supervise.
        await Demo.AddStaffAsync(app, org, "kai@riverside.example", "kai-clinician-2026", StaffRoles.Clinician, "Kai Other");
        await Demo.AddStaffAsync(app, org, "lee@riverside.example", "lee-clinician-2026", StaffRoles.Clinician, "Lee Unsupervised");
        Guid kaiId, leeId;
        await using (var db = app.CreateDbContext())
        {
            var kai = await db.Clinicians.SingleAsync(c => c.DisplayName == "Kai Other", ct);
            kai.AssignSupervisor(await db.Clinicians.SingleAsync(c => c.Id == okaforId, ct));
            await db.SaveChangesAsync(ct);
            kaiId = kai.Id;
            leeId = await db.Clinicians.Where(c => c.DisplayName == "Lee Unsupervised").Select(c => c.Id).SingleAsync(ct);
        }
        var okafor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var sam = await Demo.ClinicianAsync(app);
        var kaiClient = await StaffClient.SignInAsync(app, "kai@riverside.example", "kai-clinician-2026");

        // Refused, beside the field, with nothing stored: each thing wrong in turn.
        var page = await okafor.Http.GetStringAsync("/supervision/sessions", ct);
        async Task Refused(Dictionary<string, string> values, List<KeyValuePair<string, string>> extra, string message)
        {
            var response = await okafor.PostFormFromHtmlAsync("/supervision/sessions", page, "log-session", values, extra);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)));
        }
        await Refused(Session(app, -2, 60, "InPerson", "Individual"), Ids("supervisee", samId), "Log a session once it has taken place");
        await Refused(Session(app, 2, 0, "InPerson", "Individual"), Ids("supervisee", samId), "Give the length in minutes, 1 to 480.");
        await Refused(Session(app, 2, 60, "InPerson", "Group"), Ids("supervisee", samId), "A group session has two or more supervisees.");
        await Refused(Session(app, 2, 60, "InPerson", "Individual"), Ids("supervisee", samId, kaiId), "An individual session has one supervisee");
        await Refused(Session(app, 2, 60, "InPerson", "Individual"), Ids("supervisee", leeId), "Choose your own supervisees.");
        await Refused(Session(app, 2, 60, "InPerson", "Individual"), [.. Ids("supervisee", samId), .. Ids("client", okaforsClient)], "Choose clients of the supervisees who were there.");
        await Refused(Session(app, 2, 60, "Online", "Individual", link: "javascript:alert(1)"), Ids("supervisee", samId), "Give the meeting link as a web address");
        await Refused(Session(app, 2, 60, "InPerson", "Individual", signed: false), Ids("supervisee", samId), "Confirm the session as logged: your signature.");
        await using (var db = app.CreateDbContext())
            Assert.Equal(0, await db.SupervisionSessions.CountAsync(ct));

        // An individual hour online with Sam about Alex, and a group hour and a half in person with Sam and Kai.
        var logged = await okafor.PostFormFromHtmlAsync("/supervision/sessions", page, "log-session",
            Session(app, 9, 60, "Online", "Individual", link: "https://meet.riverside.example/okafor"), [.. Ids("supervisee", samId), .. Ids("client", alex)]);
        Assert.Equal("/supervision/sessions?done=logged", StaffClient.Target(logged));
        Assert.Equal(HttpStatusCode.Redirect, (await okafor.PostFormFromHtmlAsync("/supervision/sessions", page, "log-session",
            Session(app, 2, 90, "InPerson", "Group"), [.. Ids("supervisee", samId, kaiId), .. Ids("client", alex)])).StatusCode);
        Guid individual, group;
        await using (var db = app.CreateDbContext())
        {
            var sessions = await db.SupervisionSessions.Include(s => s.Attendees).ToListAsync(ct);
            individual = sessions.Single(s => s.Minutes == 60).Id;
            group = sessions.Single(s => s.Minutes == 90).Id;
            Assert.All(sessions, s => Assert.DoesNotContain("Pacing", s.ProtectedTopics));
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.EntityType == "SupervisionSession" && e.Action == "create", ct));
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.EntityType == "SupervisionSession" && e.Action == "sign", ct));
        }

        // Before Sam signs, nothing counts.
        var hours = WebUtility.HtmlDecode(await sam.Http.GetStringAsync($"/supervision/hours/{samId}", ct));
        Assert.Contains("<tr><th scope=\"row\">All supervision</th><td class=\"num\">0.00</td></tr>", hours);
        Assert.Contains("<tr><th scope=\"row\">Not yet signed by Sam Rivera (not counted)</th><td class=\"num\">2.50</td></tr>", hours);

        // Sam reads both on his page (topics, Alex, the meeting link) and signs both; signing twice is a conflict.
        var mine = await sam.Http.GetStringAsync("/supervision/mine", ct);
        Assert.Contains(Topics, WebUtility.HtmlDecode(mine));
        Assert.Contains("https://meet.riverside.example/okafor", mine);
        foreach (var id in new[] { individual, group })
            Assert.Equal("/supervision/mine?done=signed", StaffClient.Target(await sam.PostFormFromHtmlAsync("/supervision/mine", mine, "sign", new() { ["session"] = id.ToString() })));
        Assert.Equal(HttpStatusCode.Conflict, (await sam.PostFormFromHtmlAsync("/supervision/mine", mine, "sign", new() { ["session"] = group.ToString() })).StatusCode);
        hours = WebUtility.HtmlDecode(await sam.Http.GetStringAsync($"/supervision/hours/{samId}", ct));
        Assert.Contains("<tr><th scope=\"row\">All supervision</th><td class=\"num\">2.50</td></tr>", hours);
        Assert.Contains("<tr><th scope=\"row\">Individual</th><td class=\"num\">1.00</td></tr>", hours);
        Assert.Contains("<tr><th scope=\"row\">Group</th><td class=\"num\">1.50</td></tr>", hours);
        Assert.Contains("<tr><th scope=\"row\">In person</th><td class=\"num\">1.50</td></tr>", hours);
        Assert.Contains("<tr><th scope=\"row\">Online</th><td class=\"num\">1.00</td></tr>", hours);
        Assert.DoesNotContain("Not yet signed by", hours);
        // The summary for a board names no client and no topic.
        Assert.DoesNotContain("Alex", hours);
        Assert.DoesNotContain("Pacing", hours);
        // Dr. Okafor sees the same totals; Kai has signed nothing yet, so none of Kai's count.
        Assert.Contains("<td class=\"num\">2.50</td>", await okafor.Http.GetStringAsync($"/supervision/hours/{samId}", ct));
        var kaiHours = WebUtility.HtmlDecode(await kaiClient.Http.GetStringAsync($"/supervision/hours/{kaiId}", ct));
        Assert.Contains("<tr><th scope=\"row\">All supervision</th><td class=\"num\">0.00</td></tr>", kaiHours);
        // In the group session Kai reads the topics but not the name of Sam's client.
        var kaiPage = WebUtility.HtmlDecode(await kaiClient.Http.GetStringAsync("/supervision/mine", ct));
        Assert.Contains(Topics, kaiPage);
        Assert.DoesNotContain(">Alex M.<", kaiPage);
        Assert.DoesNotContain("meet.riverside.example", kaiPage);

        // Not a session of theirs: Kai cannot sign the individual one; the supervisor signed in logging it.
        Assert.Equal(HttpStatusCode.NotFound, (await kaiClient.PostFormFromHtmlAsync("/supervision/mine", await kaiClient.Http.GetStringAsync("/supervision/mine", ct), "sign", new() { ["session"] = individual.ToString() })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await okafor.PostFormFromHtmlAsync("/supervision/mine", await okafor.Http.GetStringAsync("/supervision/mine", ct), "sign", new() { ["session"] = group.ToString() })).StatusCode);

        // Who else may read Sam's hours: no other clinician, no other supervisor, not the admin.
        await Demo.AddStaffAsync(app, org, "other.supervisor@riverside.example", "other-supervisor-2026", StaffRoles.Supervisor, "Dr. Lee Other");
        var other = await StaffClient.SignInAsync(app, "other.supervisor@riverside.example", "other-supervisor-2026");
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        foreach (var outsider in new[] { kaiClient, other, admin })
        {
            var response = await outsider.Http.GetAsync($"/supervision/hours/{samId}", ct);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("2.50", await response.Content.ReadAsStringAsync(ct));
        }
        Assert.DoesNotContain(Topics, WebUtility.HtmlDecode(await other.Http.GetStringAsync("/supervision/sessions", ct)));
        await using (var db = app.CreateDbContext())
        {
            var samUser = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.Id).SingleAsync(ct);
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.EntityType == "SupervisionSession" && e.Action == "sign" && e.ActorId == samUser, ct));
            Assert.True(await db.AuditEvents.AnyAsync(e => e.EntityType == "SupervisionHours" && e.Action == "read" && e.EntityId == samId, ct));
        }
    }

    [Theory, AllDatabases]
    public async Task A_system_reads_sessions_and_hours_through_the_REST_API_with_its_scope_and_no_topics(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        Guid samId, okaforId;
        await using (var db = app.CreateDbContext())
        {
            samId = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            okaforId = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
        }
        var okafor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var sam = await Demo.ClinicianAsync(app);
        Assert.Equal(HttpStatusCode.Redirect, (await okafor.PostFormAsync("/supervision/sessions", "log-session", Session(app, 3, 45, "InPerson", "Individual"), Ids("supervisee", samId))).StatusCode);
        Guid session;
        await using (var db = app.CreateDbContext())
            session = await db.SupervisionSessions.Select(s => s.Id).SingleAsync(ct);
        Assert.Equal(HttpStatusCode.Redirect, (await sam.PostFormAsync("/supervision/mine", "sign", new() { ["session"] = session.ToString() })).StatusCode);

        // A system acting for Dr. Okafor, with the supervision scope only.
        var system = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.SupervisorEmail, Attune.Web.Features.Integrations.ApiScopes.RestRead("supervision")));
        var sessions = await system.GetAsync($"/api/v1/supervision/sessions?supervisee={samId}", ct);
        var body = await sessions.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.OK, sessions.StatusCode);
        var list = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsArray();
        var one = Assert.Single(list)!;
        Assert.Equal(45, one["minutes"]!.GetValue<int>());
        Assert.Equal("Individual", one["kind"]!.GetValue<string>());
        Assert.Equal("Sam Rivera", one["supervisees"]![0]!["name"]!.GetValue<string>());
        Assert.True(one["supervisees"]![0]!["signedAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.MinValue);
        Assert.DoesNotContain("Pacing", body);
        Assert.DoesNotContain("Alex", body);
        var hours = System.Text.Json.Nodes.JsonNode.Parse(await system.GetStringAsync($"/api/v1/supervision/hours/{samId}", ct))!;
        Assert.Equal(0.75m, hours["hours"]!.GetValue<decimal>());
        Assert.Equal(0.75m, hours["inPersonHours"]!.GetValue<decimal>());
        Assert.Equal(0m, hours["unsignedHours"]!.GetValue<decimal>());
        // Her own hours as a supervisee: none.
        Assert.Equal(0m, System.Text.Json.Nodes.JsonNode.Parse(await system.GetStringAsync($"/api/v1/supervision/hours/{okaforId}", ct))!["hours"]!.GetValue<decimal>());
        await using (var db = app.CreateDbContext())
        {
            Assert.True(await db.AuditEvents.AnyAsync(e => e.ActorKind == "api" && e.Action == "read" && e.EntityType == "SupervisionSession" && e.EntityId == session, ct));
            Assert.True(await db.AuditEvents.AnyAsync(e => e.ActorKind == "api" && e.Action == "read" && e.EntityType == "SupervisionHours" && e.EntityId == samId, ct));
        }

        // Without the scope: refused. A system acting for Sam reads his own hours, and no one else's.
        var noScope = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.SupervisorEmail, Attune.Web.Features.Integrations.ApiScopes.RestRead("ruptures")));
        Assert.Equal(HttpStatusCode.Forbidden, (await noScope.GetAsync("/api/v1/supervision/sessions", ct)).StatusCode);
        var samSystem = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, Attune.Web.Features.Integrations.ApiScopes.RestRead("supervision")));
        Assert.Equal(0.75m, System.Text.Json.Nodes.JsonNode.Parse(await samSystem.GetStringAsync($"/api/v1/supervision/hours/{samId}", ct))!["hours"]!.GetValue<decimal>());
        Assert.Equal(HttpStatusCode.NotFound, (await samSystem.GetAsync($"/api/v1/supervision/hours/{okaforId}", ct)).StatusCode);
    }
}
