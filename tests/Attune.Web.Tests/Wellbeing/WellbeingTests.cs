using System.Net;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Wellbeing;

/// <summary>Issue 21, point 5: the clinician's own wellbeing check — private, shared check by check, never the admin's to read.</summary>
public class WellbeingTests
{
    private static Dictionary<string, string> Check(int energy, int workload, int connection, int support, int sleep, bool share = false)
    {
        var values = new Dictionary<string, string>
        {
            ["energy"] = $"{energy}", ["workload"] = $"{workload}", ["connection"] = $"{connection}", ["support"] = $"{support}", ["sleep"] = $"{sleep}",
        };
        if (share) values["share"] = "true";
        return values;
    }

    [Theory, AllDatabases]
    public async Task A_check_is_private_shared_only_check_by_check_and_the_admin_sees_only_a_count(string provider)
    {
        // Eight sign-ins from one address: more than the sign-in limit allows (tested on its own elsewhere).
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["RateLimits:SignInPerMinute"] = "100" });
        var ct = TestContext.Current.CancellationToken;
        var sam = await Demo.ClinicianAsync(app);
        var okafor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Guid samId, org;
        await using (var db = app.CreateDbContext())
        {
            samId = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
        }
        // Due on the caseload until the first check.
        Assert.Contains("Your wellbeing check is due", await sam.Http.GetStringAsync("/", ct));

        // Bad answers change nothing: an item left out, a value out of range, ProQOL answered without its text loaded.
        var missing = Check(7, 6, 8, 7, 6);
        missing.Remove("sleep");
        foreach (var (values, message) in new[] { (missing, "Sleep: choose 0 to 10."), (Check(11, 6, 8, 7, 6), "Energy: choose 0 to 10."),
            (new Dictionary<string, string>(Check(7, 6, 8, 7, 6)) { ["proqol-1"] = "3" }, "ProQOL's text is not loaded in this clinic") })
        {
            var refused = await sam.PostFormAsync("/wellbeing", "wellbeing", values);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains(message, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        }
        await using (var db = app.CreateDbContext())
            Assert.Equal(0, await db.WellbeingChecks.CountAsync(ct));

        // A private check: saved, no longer due, and nothing of it on the supervisor's page.
        Assert.Equal("/wellbeing?done=saved", StaffClient.Target(await sam.PostFormAsync("/wellbeing", "wellbeing", Check(7, 6, 8, 7, 6))));
        Assert.DoesNotContain("Your wellbeing check is due", await sam.Http.GetStringAsync("/", ct));
        var supervision = WebUtility.HtmlDecode(await okafor.Http.GetStringAsync($"/supervision/{samId}", ct));
        Assert.Contains("None. A clinician's wellbeing checks are private unless they share one.", supervision);

        // The admin sets the employee-assistance contact; a month later Sam's answers fall and he shares that check.
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/settings/wellbeing", "wellbeing-settings",
            new() { ["employeeAssistanceContact"] = "CareFirst EAP, 1-800-555-0100, any hour", ["intervalDays"] = "30" })).StatusCode);
        // (A month on, each signs in again: a sign-in does not last a month.)
        app.Clock.Advance(TimeSpan.FromDays(31));
        sam = await Demo.ClinicianAsync(app);
        Assert.Contains("Your wellbeing check is due", await sam.Http.GetStringAsync("/", ct));
        var fell = await sam.PostFormAsync("/wellbeing", "wellbeing", Check(4, 3, 7, 6, 3, share: true));
        var page = WebUtility.HtmlDecode(await Slice.FollowAsync(sam, fell));
        Assert.Contains("Your answers are lower than last time (6.8 then, 4.6 now; lower: energy, workload, connection to the work, support, sleep).", page);
        Assert.Contains("CareFirst EAP, 1-800-555-0100, any hour", page);
        Assert.Contains("and shared with your supervisor", page);
        // The next month's check is not shared: sharing one check does not share the next.
        app.Clock.Advance(TimeSpan.FromDays(31));
        sam = await Demo.ClinicianAsync(app);
        okafor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, (await sam.PostFormAsync("/wellbeing", "wellbeing", Check(5, 5, 9, 8, 5))).StatusCode);
        await using (var db = app.CreateDbContext())
        {
            var checks = await db.WellbeingChecks.OrderBy(c => c.CompletedAt).ToListAsync(ct);
            Assert.Equal([false, true, false], checks.Select(c => c.SharedWithSupervisor));
            Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.EntityType == "WellbeingCheck" && e.Action == "create", ct));
        }
        supervision = WebUtility.HtmlDecode(await okafor.Http.GetStringAsync($"/supervision/{samId}", ct));
        var table = supervision[supervision.IndexOf("Wellbeing checks Sam Rivera shared with you", StringComparison.Ordinal)..supervision.IndexOf("Brought to supervision", StringComparison.Ordinal)];
        Assert.Contains("<td class=\"num\">4.6</td>", table);
        Assert.DoesNotContain("<td class=\"num\">6.8</td>", table);
        Assert.DoesNotContain("<td class=\"num\">7.4</td>", table);
        await using (var db = app.CreateDbContext())
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityType == "WellbeingCheck" && e.Action == "read", ct));

        // Sam stops sharing it: gone from the supervisor's page.
        var shared = await sam.Http.GetStringAsync("/wellbeing", ct);
        Guid sharedId;
        await using (var db = app.CreateDbContext())
            sharedId = await db.WellbeingChecks.Where(c => c.SharedWithSupervisor).Select(c => c.Id).SingleAsync(ct);
        Assert.Equal("/wellbeing?done=shared", StaffClient.Target(await sam.PostFormFromHtmlAsync("/wellbeing", shared, "share", new() { ["unshare"] = sharedId.ToString() })));
        Assert.Contains("None. A clinician's wellbeing checks are private", WebUtility.HtmlDecode(await okafor.Http.GetStringAsync($"/supervision/{samId}", ct)));

        // The admin: a count, no names and no answers; Sam's page and his supervision page are not theirs.
        var settings = WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/settings/wellbeing", ct));
        Assert.Contains("1 check completed, by 1 of the clinic's 2 clinicians", settings);
        Assert.DoesNotContain("Sam Rivera", settings);
        Assert.DoesNotContain("4.6", settings);
        foreach (var path in new[] { "/wellbeing", $"/supervision/{samId}" })
        {
            var response = await admin.Http.GetAsync(path, ct);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("4.6", await response.Content.ReadAsStringAsync(ct));
        }
        // Another supervisor, and a colleague, see none of Sam's checks; a colleague cannot share Sam's check.
        await Demo.AddStaffAsync(app, org, "other.supervisor@riverside.example", "other-supervisor-2026", StaffRoles.Supervisor, "Dr. Lee Other");
        await Demo.AddStaffAsync(app, org, "kai@riverside.example", "kai-clinician-2026", StaffRoles.Clinician, "Kai Other");
        var other = await StaffClient.SignInAsync(app, "other.supervisor@riverside.example", "other-supervisor-2026");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/supervision/{samId}", ct)).StatusCode);
        var kai = await StaffClient.SignInAsync(app, "kai@riverside.example", "kai-clinician-2026");
        var kaiPage = WebUtility.HtmlDecode(await kai.Http.GetStringAsync("/wellbeing", ct));
        Assert.DoesNotContain("4.6", kaiPage);
        Assert.Equal(HttpStatusCode.NotFound, (await kai.PostFormFromHtmlAsync("/wellbeing", kaiPage, "share", new() { ["share"] = sharedId.ToString() })).StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.False(await db.WellbeingChecks.AnyAsync(c => c.SharedWithSupervisor, ct));
    }

    [Theory, AllDatabases]
    public async Task With_ProQOLs_licence_file_the_check_scores_its_three_scales_and_nudges_at_the_published_levels(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var licences = Directory.CreateTempSubdirectory("attune-licences-").FullName;
        try
        {
            var items = string.Join(", ", Enumerable.Range(1, 30).Select(i => $"\"{i}\": \"Test item {i}\""));
            await File.WriteAllTextAsync(Path.Combine(licences, "proqol-5.json"), $$"""
            { "instrument": "proqol-5", "licensee": "Riverside Counselling", "stem": "Test stem", "items": { {{items}} },
              "responseLabels": { "1": "Never", "2": "Rarely", "3": "Sometimes", "4": "Often", "5": "Very often" } }
            """, ct);
            await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["Instruments:LicenceDirectory"] = licences });
            var sam = await Demo.ClinicianAsync(app);
            Assert.Contains("Test item 30", WebUtility.HtmlDecode(await sam.Http.GetStringAsync("/wellbeing", ct)));
            // Not a client's measure: it is not offered for a check-in.
            Guid alex;
            await using (var db = app.CreateDbContext())
                alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(ct);
            Assert.DoesNotContain("value=\"proqol-5\"", await sam.Http.GetStringAsync($"/clients/{alex}", ct));

            // Answers worked by hand (items 1-5, burnout's 1, 4, 15, 17 and 29 reversed):
            // compassion satisfaction 3, 6, 12, 16, 18, 20, 22, 24, 27, 30 answered 2 → 20 (low: 22 or less);
            // burnout 8, 10, 19, 21, 26 answered 5 (25) and 1, 4, 15, 17, 29 answered 1, reversed to 5 (25) → 50 (high: 42 or more);
            // secondary traumatic stress 2, 5, 7, 9, 11, 13, 14, 23, 25, 28 answered 3 → 30 (moderate).
            int[] cs = [3, 6, 12, 16, 18, 20, 22, 24, 27, 30], reversed = [1, 4, 15, 17, 29], burnout = [8, 10, 19, 21, 26];
            var values = Check(5, 5, 5, 5, 5);
            for (var i = 1; i <= 30; i++)
                values[$"proqol-{i}"] = cs.Contains(i) ? "2" : reversed.Contains(i) ? "1" : burnout.Contains(i) ? "5" : "3";
            var saved = await sam.PostFormAsync("/wellbeing", "wellbeing", values);
            var page = WebUtility.HtmlDecode(await Slice.FollowAsync(sam, saved));
            await using (var db = app.CreateDbContext())
            {
                var check = await db.WellbeingChecks.SingleAsync(ct);
                Assert.Equal((20, 50, 30), (check.CompassionSatisfaction!.Value, check.Burnout!.Value, check.SecondaryTraumaticStress!.Value));
            }
            Assert.Contains("Your latest ProQOL: compassion satisfaction low, burnout high, secondary traumatic stress moderate.", page);
            // Half answered is refused, and nothing more is stored.
            var half = Check(5, 5, 5, 5, 5);
            for (var i = 1; i <= 15; i++) half[$"proqol-{i}"] = "3";
            var refused = await sam.PostFormAsync("/wellbeing", "wellbeing", half);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("ProQOL: answer all thirty items, or none.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
            await using (var db = app.CreateDbContext())
                Assert.Equal(1, await db.WellbeingChecks.CountAsync(ct));
        }
        finally
        {
            Directory.Delete(licences, recursive: true);
        }
    }
}
