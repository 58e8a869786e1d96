using System.Net;
using System.Text.RegularExpressions;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Supervision;

/// <summary>Issue 21, point 4: a growth goal agreed by the clinician and their supervisor, its measure from Attune's own data.</summary>
public partial class GrowthGoalTests
{
    [GeneratedRegex(@"<th scope=""row"">Nov 2026</th>\s*<td class=""num"">([^<]+)</td>\s*<td class=""num"">(\d+) sessions</td>")]
    private static partial Regex November();

    [Theory, AllDatabases]
    public async Task A_goal_proposed_by_the_clinician_is_agreed_by_the_supervisor_and_its_measure_follows_the_sessions(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var sam = await Demo.ClinicianAsync(app);
        var okafor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        Guid samId, org;
        await using (var db = app.CreateDbContext())
        {
            samId = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
        }

        // Refused and nothing stored: no measure, a share over 100%.
        var none = await sam.PostFormAsync("/supervision/goals/new", "propose", new() { ["text"] = "Invite feedback every session" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, none.StatusCode);
        var over = await sam.PostFormAsync("/supervision/goals/new", "propose", new() { ["text"] = "Invite feedback every session", ["measure"] = "ConnectionCheckShare", ["target"] = "120" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, over.StatusCode);
        Assert.Contains("Give the target as a share from 0 to 100 (%).", WebUtility.HtmlDecode(await over.Content.ReadAsStringAsync(ct)));
        await using (var db = app.CreateDbContext())
            Assert.Equal(0, await db.GrowthGoals.CountAsync(ct));

        var proposed = await sam.PostFormAsync("/supervision/goals/new", "propose",
            new() { ["text"] = "Invite feedback on the relationship in every session", ["measure"] = "ConnectionCheckShare", ["target"] = "80" });
        var path = StaffClient.Target(proposed).Split('?')[0];
        Assert.StartsWith("/supervision/goals/", path);
        var page = WebUtility.HtmlDecode(await sam.Http.GetStringAsync(path, ct));
        Assert.Contains("Proposed by Sam Rivera; waiting for Dr. Amara Okafor to agree", page);
        Assert.Contains("Target: 80%.", page);
        Assert.DoesNotContain("Agree to this goal", page);

        // Dr. Okafor sees it on Sam's page and agrees; another supervisor cannot see it.
        Assert.Contains("Invite feedback on the relationship in every session", WebUtility.HtmlDecode(await okafor.Http.GetStringAsync($"/supervision/{samId}", ct)));
        Assert.Equal($"{path}?done=agreed", StaffClient.Target(await okafor.PostFormAsync(path, "goal-change", new() { ["do"] = "agree" })));
        Assert.Contains("Agreed by Sam Rivera and Dr. Amara Okafor", WebUtility.HtmlDecode(await sam.Http.GetStringAsync(path, ct)));
        await Demo.AddStaffAsync(app, org, "other.supervisor@riverside.example", "other-supervisor-2026", StaffRoles.Supervisor, "Dr. Lee Other");
        var other = await StaffClient.SignInAsync(app, "other.supervisor@riverside.example", "other-supervisor-2026");
        var refused = await other.Http.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("Invite feedback", await refused.Content.ReadAsStringAsync(ct));

        // The measure follows the record: one more attended session this month, with no Connection Check, is one more
        // session measured and one fewer in the share (k of n becomes k of n + 1).
        var before = November().Match(WebUtility.HtmlDecode(await sam.Http.GetStringAsync(path, ct)));
        Assert.True(before.Success);
        var n = int.Parse(before.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        var share = before.Groups[1].Value == "—" ? 0m : decimal.Parse(before.Groups[1].Value.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
        var k = (int)Math.Round(share * n / 100m);
        var client = await Slice.AddClientAsync(sam, "Gale Growth");
        await Slice.RecordEndedSessionAsync(app, sam, client);
        var after = November().Match(WebUtility.HtmlDecode(await sam.Http.GetStringAsync(path, ct)));
        Assert.Equal(n + 1, int.Parse(after.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((Math.Round(100m * k / (n + 1), 1)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%", after.Groups[1].Value);

        // Either closes it; closed twice is a conflict.
        Assert.Equal($"{path}?done=closed", StaffClient.Target(await sam.PostFormAsync(path, "goal-change", new() { ["do"] = "close" })));
        Assert.Equal(HttpStatusCode.Conflict, (await okafor.PostFormFromHtmlAsync(path, await okafor.Http.GetStringAsync($"/supervision/{samId}", ct), "goal-change", new() { ["do"] = "close" })).StatusCode);
        await using (var db = app.CreateDbContext())
        {
            Assert.DoesNotContain("Invite", (await db.GrowthGoals.SingleAsync(ct)).ProtectedText);
            var events = await db.AuditEvents.Where(e => e.EntityType == "GrowthGoal").Select(e => e.Action).ToListAsync(ct);
            Assert.Contains("create", events);
            Assert.Contains("agree", events);
            Assert.Contains("close", events);
            Assert.Contains("read", events);
        }
    }
}
