using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
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

        // Sam has no closed relationship: nothing of his own to show; the whole clinic's figures beside, no colleague named.
        var samClient = await Demo.ClinicianAsync(app);
        var samHtml = await samClient.Http.GetStringAsync("/analytics", ct);
        var sam = WebUtility.HtmlDecode(samHtml);
        Assert.Contains("What your closed relationships show", sam);
        Assert.Contains("0 closed relationships", sam);
        Assert.Contains("The whole clinic: 30 closed.", sam);
        Assert.Matches(@"<th scope=""row"">Yours</th><td>0</td>", sam);
        Assert.Matches(@"<th scope=""row"">The whole clinic</th><td>30</td>", sam);
        Assert.DoesNotContain("Okafor", sam);
        Assert.DoesNotContain("Clinician 1", sam);
        // Each chart's figures are in its data attribute (and in the table after it); none for a cell under ten.
        var charts = Regex.Matches(samHtml, "data-analytics-chart=\"([^\"]+)\"").Select(m => JsonDocument.Parse(WebUtility.HtmlDecode(m.Groups[1].Value))).ToList();
        Assert.Equal(7, charts.Count);
        var alliance = charts[0].RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("label").GetString()).ToList();
        Assert.Equal("Published (295 studies)", alliance[^1]);
        Assert.DoesNotContain("Yours", alliance);
        var outcomes = charts[3].RootElement.GetProperty("categories").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(["The whole clinic"], outcomes);

        // A range of days in the clinic's time zone; one with nothing closed in it; dates that are wrong change nothing.
        var none = WebUtility.HtmlDecode(await samClient.Http.GetStringAsync("/analytics?from.day=1&from.month=1&from.year=2000&to.day=31&to.month=12&to.year=2000", ct));
        Assert.Contains("closed from 1 Jan 2000 to 31 Dec 2000", none);
        Assert.Contains("The whole clinic: 0 closed.", none);
        var wrong = await samClient.Http.GetAsync("/analytics?from.day=31&from.month=2&from.year=2026", ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("February 2026 has 28 days", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync(ct)));
        var backwards = await samClient.Http.GetAsync("/analytics?from.day=2&from.month=2&from.year=2026&to.day=1&to.month=2&to.year=2026", ct);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("The last day comes before the first", WebUtility.HtmlDecode(await backwards.Content.ReadAsStringAsync(ct)));

        // Dr. Okafor supervises Sam: her thirty past PHQ-9 clients (the demo's history) and Sam's, by name.
        var okafor = WebUtility.HtmlDecode(await (await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword)).Http.GetStringAsync("/analytics", ct));
        Assert.Contains("What your and your supervisees' closed relationships show", okafor);
        Assert.Contains("30 closed relationships; 30 with at least two PHQ-9 scores", okafor);
        Assert.Matches(@"<th scope=""row"">Dr\. Amara Okafor \(you\)</th><td>30</td>", okafor);
        var everything = WebUtility.HtmlDecode(await (await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword)).Http
            .GetStringAsync("/analytics?from.day=1&from.month=1&from.year=2000", ct));
        Assert.Contains("closed from 1 Jan 2000", everything);
        Assert.Contains("30 closed relationships", everything);

        // The admin: the whole clinic, clinicians not named.
        var admin = WebUtility.HtmlDecode(await (await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword)).Http.GetStringAsync("/analytics", ct));
        Assert.Contains("What the clinic's closed relationships show", admin);
        Assert.Matches(@"<th scope=""row"">Clinician \d</th><td>30</td>", admin);
        Assert.DoesNotContain("Okafor", admin.Split("<main")[1]);
        Assert.DoesNotContain("The whole clinic", admin);

        // An intake coordinator sees no analytics.
        Guid org;
        await using (var db = app.CreateDbContext())
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
        await Demo.AddStaffAsync(app, org, "intake@riverside.example", "intake-password-2026", StaffRoles.Coordinator, "Ivy Intake");
        var coordinator = await StaffClient.SignInAsync(app, "intake@riverside.example", "intake-password-2026");
        Assert.NotEqual(HttpStatusCode.OK, (await coordinator.Http.GetAsync("/analytics", ct)).StatusCode);

        await using (var db = app.CreateDbContext())
            Assert.Equal(5, await db.AuditEvents.CountAsync(e => e.EntityType == "ClinicAnalytics" && e.Action == "read", ct));
    }
}
