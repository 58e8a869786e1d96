using System.Net;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Supervision;

/// <summary>Issue 21, point 1: the supervisor's view of where their supervisees' clients need help, and no one else's.</summary>
public class SupervisionTests
{
    [Theory, AllDatabases]
    public async Task A_supervisor_sees_where_each_supervisees_clients_need_help_worded_for_them_and_nothing_else(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        // Sam's new client answers PHQ-9 item 9: a risk answer, open; two days pass before the supervisor looks.
        var sam = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(sam, "Remy Early");
        var link = await Slice.CreateCheckInAsync(sam, clientId, "phq-9");
        Assert.True((await Slice.SubmitAsync(app, link, Slice.Phq9(0, 1, 0, 0, 0, 0, 0, 0, 1))).IsSuccessStatusCode);
        await using (var db = app.CreateDbContext())
            Assert.Equal(Attune.Core.Signals.AlertStatus.Open, (await db.Alerts.SingleAsync(a => a.Urgent, ct)).Status);
        app.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromHours(3));
        Guid samId, okaforId;
        await using (var db = app.CreateDbContext())
        {
            samId = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            okaforId = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
        }

        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var overview = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync("/supervision", ct));
        Assert.Contains($"<a href=\"/supervision/{samId}\">Sam Rivera</a>", overview);
        Assert.Contains("Remy Early", overview);
        Assert.Contains("Risk answer open for 2 days, not yet acknowledged by Sam Rivera", overview);
        Assert.Contains("1 open risk answer, the oldest open for 2 days", overview);
        // Alex's rupture in session 3, logged by Sam and repaired (the demo); Chris's four alliance signals.
        Assert.Contains("4 alliance signals open; 1 rupture logged, 1 repaired (median time to repair: 1 day).", overview);
        // Chris is getting worse and the alliance is slipping (the demo); Alex's repaired rupture is a strength.
        Assert.Contains("Chris D.", overview);
        // The perception gap on Chris (Sam rated session 4 at 9, Chris 6) reads true to the supervisor, not "You rated".
        Guid gap;
        await using (var db = app.CreateDbContext())
            gap = await db.Alerts.Where(a => a.Kind == Attune.Core.Signals.SignalKind.PerceptionGap).Select(a => a.Id).SingleAsync(ct);
        Assert.Contains($"href=\"/alerts/{gap}\">Perception gap</a>", overview);
        var gapPage = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync($"/alerts/{gap}", ct));
        Assert.Contains("Sam Rivera rated the connection 9; the client's Connection Check was 6.0.", gapPage);
        Assert.DoesNotContain("You rated", gapPage);
        Assert.Contains($"href=\"/clients/{clientId}\"", overview);
        // The overview lists those who need help; one supervisee's page lists all their active clients.
        var one = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync($"/supervision/{samId}", ct));
        foreach (var name in new[] { "Remy Early", "Alex M.", "Priya K.", "Jo T.", "Chris D." })
            Assert.Contains(name, one);
        Assert.Contains("Supervision: Sam Rivera", one);
        await using (var db = app.CreateDbContext())
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.EntityType == "Supervision" && e.Action == "read" && e.ActorKind == "staff", ct));

        // Not a supervisee (herself, or an id of no one): nothing, and not a word of anyone's clients.
        foreach (var id in new[] { okaforId, Guid.NewGuid() })
        {
            var refused = await supervisor.Http.GetAsync($"/supervision/{id}", ct);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.DoesNotContain("Remy Early", await refused.Content.ReadAsStringAsync(ct));
        }

        // Another supervisor in the clinic, with no supervisees, sees none of Sam's clients.
        Guid org;
        await using (var db = app.CreateDbContext())
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
        await Demo.AddStaffAsync(app, org, "other.supervisor@riverside.example", "other-supervisor-2026", StaffRoles.Supervisor, "Dr. Lee Other");
        var other = await StaffClient.SignInAsync(app, "other.supervisor@riverside.example", "other-supervisor-2026");
        var theirs = WebUtility.HtmlDecode(await other.Http.GetStringAsync("/supervision", ct));
        Assert.Contains("You have no supervisees yet", theirs);
        Assert.DoesNotContain("Remy Early", theirs);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/supervision/{samId}", ct)).StatusCode);

        // A clinician who supervises no one, and the admin, are not let in.
        foreach (var (email, password) in new[] { (Demo.ClinicianEmail, Demo.ClinicianPassword), (Demo.AdminEmail, Demo.AdminPassword) })
        {
            var staff = email == Demo.ClinicianEmail ? sam : await StaffClient.SignInAsync(app, email, password);
            var response = await staff.Http.GetAsync("/supervision", ct);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("Remy Early", await response.Content.ReadAsStringAsync(ct));
        }
    }
}
