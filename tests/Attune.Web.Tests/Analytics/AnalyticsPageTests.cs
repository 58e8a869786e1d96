using System.Net;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Analytics;

/// <summary>Issue 20: who sees which analytics — a clinician their own, a supervisor with their supervisees', the admin the clinic's de-identified; audited.</summary>
public class AnalyticsPageTests
{
    [Theory, AllDatabases]
    public async Task Each_person_sees_the_analytics_of_the_relationships_that_are_theirs_to_see(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;

        // Sam has no closed relationship: nothing to show, and no colleague's figures.
        var sam = WebUtility.HtmlDecode(await (await Demo.ClinicianAsync(app)).Http.GetStringAsync("/analytics", ct));
        Assert.Contains("What your closed relationships show", sam);
        Assert.Contains("0 closed relationships", sam);
        Assert.DoesNotContain("Okafor", sam);

        // Dr. Okafor supervises Sam: her thirty past PHQ-9 clients (the demo's history) and Sam's, by name.
        var okafor = WebUtility.HtmlDecode(await (await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword)).Http.GetStringAsync("/analytics", ct));
        Assert.Contains("What your and your supervisees' closed relationships show", okafor);
        Assert.Contains("30 closed relationships; 30 with at least two PHQ-9 scores", okafor);
        Assert.Matches(@"<th scope=""row"">Dr\. Amara Okafor \(you\)</th><td>30</td>", okafor);

        // The admin: the whole clinic, clinicians not named.
        var admin = WebUtility.HtmlDecode(await (await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword)).Http.GetStringAsync("/analytics", ct));
        Assert.Contains("What the clinic's closed relationships show", admin);
        Assert.Matches(@"<th scope=""row"">Clinician \d</th><td>30</td>", admin);
        Assert.DoesNotContain("Okafor", admin.Split("<main")[1]);

        // An intake coordinator sees no analytics.
        Guid org;
        await using (var db = app.CreateDbContext())
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
        await Demo.AddStaffAsync(app, org, "intake@riverside.example", "intake-password-2026", StaffRoles.Coordinator, "Ivy Intake");
        var coordinator = await StaffClient.SignInAsync(app, "intake@riverside.example", "intake-password-2026");
        Assert.NotEqual(HttpStatusCode.OK, (await coordinator.Http.GetAsync("/analytics", ct)).StatusCode);

        await using (var db = app.CreateDbContext())
            Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.EntityType == "ClinicAnalytics" && e.Action == "read", ct));
    }
}
