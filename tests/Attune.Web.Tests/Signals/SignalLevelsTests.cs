using System.Net;
using Attune.Core.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Signals;

/// <summary>Issue 18, point 7: the clinic's admins set the signal levels in the browser; checked, audited with before and after, and used.</summary>
public class SignalLevelsTests
{
    private static Dictionary<string, string> Levels(string meanBelow = "9", string itemAtOrBelow = "6", string longGap = "") => new()
    {
        ["lowAllianceMeanBelow"] = meanBelow, ["lowAllianceItemAtOrBelow"] = itemAtOrBelow, ["allianceDropAtLeast"] = "1",
        ["srsLowBelow"] = "36", ["srsDropAtLeast"] = "1", ["waiSrLowBelow"] = "", ["repairWindowSessions"] = "",
        ["perceptionGapAtLeast"] = "3", ["longGapDays"] = longGap,
    };

    [Theory, AllDatabases]
    public async Task The_admin_sets_the_levels_and_the_next_answers_are_judged_by_them(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);

        // Out of range, not a number, a fraction of a day: all told at once, and nothing changes.
        var bad = await admin.PostFormAsync("/settings/signals", "levels", Levels(meanBelow: "12", itemAtOrBelow: "six", longGap: "2.5"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var page = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync(ct));
        Assert.Contains("Give a number, such as 8.5.", page);
        Assert.Contains("Give a whole number.", page);
        var range = await admin.PostFormAsync("/settings/signals", "levels", Levels(meanBelow: "12"));
        Assert.Contains("The Connection Check mean must be between 0.5 and 10.", WebUtility.HtmlDecode(await range.Content.ReadAsStringAsync(ct)));
        await using (var db = app.CreateDbContext())
            Assert.Null((await db.Organisations.AsNoTracking().SingleAsync(ct)).SignalLevels);

        // A clinic that flags less: a Connection Check of 7 throughout is no longer "low".
        Assert.Equal("/settings/signals?done=levels", StaffClient.Target(await admin.PostFormAsync("/settings/signals", "levels", Levels(meanBelow: "6", itemAtOrBelow: "4", longGap: "21"))));
        Assert.Contains("value=\"21\"", await admin.Http.GetStringAsync("/settings/signals", ct));
        var staff = await Demo.ClinicianAsync(app);
        var quiet = await Slice.AddClientAsync(staff, "Quiet Levels");
        await Slice.RecordSessionAsync(staff, quiet, "2026-11-02T10:00");
        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, quiet, "connection-check"), Slice.ConnectionCheck(7));
        Assert.DoesNotContain(await KindsAsync(app, quiet), k => k == SignalKind.LowAlliance);

        // Back to the installation's levels: the same answers are low again.
        Assert.Equal("/settings/signals?done=levels-reset", StaffClient.Target(await admin.PostFormAsync("/settings/signals", "levels-reset", [])));
        var usual = await Slice.AddClientAsync(staff, "Usual Levels");
        await Slice.RecordSessionAsync(staff, usual, "2026-11-02T10:00");
        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, usual, "connection-check"), Slice.ConnectionCheck(7));
        Assert.Contains(await KindsAsync(app, usual), k => k == SignalKind.LowAlliance);

        await using (var db = app.CreateDbContext())
        {
            var changes = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "update-signal-levels").OrderBy(e => e.Id).ToListAsync(ct);
            Assert.Equal(2, changes.Count);
            Assert.Contains("\"before\":{\"lowAllianceMeanBelow\":9,", changes[0].Detail);
            Assert.Contains("\"after\":{\"lowAllianceMeanBelow\":6,\"lowAllianceItemAtOrBelow\":4,", changes[0].Detail);
            Assert.Contains("\"longGapDays\":21}}", changes[0].Detail);
            Assert.Contains("\"after\":{\"lowAllianceMeanBelow\":9,", changes[1].Detail);
        }
        // Only admins.
        Assert.StartsWith("/denied", StaffClient.Target(await staff.Http.GetAsync("/settings/signals", ct)));
    }

    private static async Task<List<SignalKind>> KindsAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var ids = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        return await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.RelationshipId)).Select(a => a.Kind).ToListAsync();
    }
}
