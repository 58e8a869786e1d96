using System.Net;
using Attune.Core.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Signals;

/// <summary>The alert workflow through the real pages: open → acknowledged → resolved with the action taken; snooze; audit.</summary>
public class AlertWorkflowTests
{
    private static async Task<ClinicalAlert> AlertAsync(AttuneFactory app, Guid alertId)
    {
        await using var db = app.CreateDbContext();
        return await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId, TestContext.Current.CancellationToken);
    }

    private static async Task<List<ClinicalAlert>> AlertsForAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var ids = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        return await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.RelationshipId)).ToListAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<int> AuditCountAsync(AttuneFactory app, Guid alertId, string action)
    {
        await using var db = app.CreateDbContext();
        return await db.AuditEvents.CountAsync(e => e.EntityType == "ClinicalAlert" && e.EntityId == alertId && e.Action == action, TestContext.Current.CancellationToken);
    }

    /// <summary>A client whose Connection Check fell from 9 to 6: a low-alliance and an alliance-drop alert.</summary>
    private static async Task<(StaffClient Staff, Guid ClientId, ClinicalAlert Low, ClinicalAlert Drop)> LowAllianceClientAsync(AttuneFactory app, string name)
    {
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, name);
        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "connection-check"), Slice.ConnectionCheck(9));
        app.Clock.Advance(TimeSpan.FromDays(7));
        staff = await Demo.ClinicianAsync(app);
        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "connection-check"), Slice.ConnectionCheck(6));
        var alerts = await AlertsForAsync(app, clientId);
        return (staff, clientId, alerts.Single(a => a.Kind == SignalKind.LowAlliance), alerts.Single(a => a.Kind == SignalKind.AllianceDrop));
    }

    [Theory, AllDatabases]
    public async Task An_alert_is_snoozed_comes_back_and_is_resolved_with_the_action_taken_all_audited(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var (staff, clientId, low, drop) = await LowAllianceClientAsync(app, "Wren Workflow");
        var path = $"/alerts/{low.Id}";

        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync(path, ct));
        Assert.Contains("Low alliance: Wren Workflow", page);
        Assert.Contains("Connection Check mean 6.0, below 9", page);
        Assert.Contains("Invite talk about the relationship", page);
        Assert.Contains("Repair strategies", page);
        Assert.Equal(1, await AuditCountAsync(app, low.Id, "read"));
        Assert.Contains($"/alerts/{low.Id}", await staff.Http.GetStringAsync("/", ct));

        // Bad input: a clear 422 and nothing changed.
        foreach (var (form, values, why) in new (string, Dictionary<string, string>, string)[]
        {
            ("resolve", new() { ["action"] = "Ignored" }, "Choose the action taken"),
            ("resolve", new() { ["action"] = "3" }, "Choose the action taken"),
            ("resolve", new() { ["action"] = "Other", ["note"] = "  " }, "Say what you did when you choose"),
            ("resolve", new() { ["action"] = "ContactedClient", ["note"] = new string('x', 2001) }, "Keep the note to 2000 characters"),
            ("snooze", new() { ["days"] = "5" }, "Choose how long to snooze"),
            ("snooze", new() { ["days"] = "-1" }, "Choose how long to snooze"),
        })
        {
            var refused = await staff.PostFormAsync(path, form, values);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains(why, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        }
        var unchanged = await AlertAsync(app, low.Id);
        Assert.Equal((AlertStatus.Open, null, null), (unchanged.Status, unchanged.SnoozedUntil, unchanged.Action));
        Assert.Equal(0, await AuditCountAsync(app, low.Id, "update"));

        // Snoozed for a week: off the caseload, back after it.
        Assert.Contains("Alert snoozed.", await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "snooze", new() { ["days"] = "7" })));
        Assert.Equal(app.Clock.GetUtcNow().AddDays(7), (await AlertAsync(app, low.Id)).SnoozedUntil);
        var caseload = await staff.Http.GetStringAsync("/", ct);
        Assert.DoesNotContain($"/alerts/{low.Id}", caseload);
        Assert.Contains($"/alerts/{drop.Id}", caseload); // the other problem is still there
        app.Clock.Advance(TimeSpan.FromDays(7));
        staff = await Demo.ClinicianAsync(app);
        Assert.Contains($"/alerts/{low.Id}", await staff.Http.GetStringAsync("/", ct));

        // Acknowledged, then resolved with what was done; the words are stored encrypted.
        Assert.Contains("Alert acknowledged.", await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "ack", [])));
        var resolved = await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "resolve", new() { ["action"] = "TalkedAboutRelationship", ["note"] = "Spoke about feeling rushed in session" }));
        Assert.Contains("Alert resolved.", resolved);
        Assert.Contains("Talked about the relationship with the client</strong>: Spoke about feeling rushed in session", WebUtility.HtmlDecode(resolved));
        var stored = await AlertAsync(app, low.Id);
        Assert.Equal((AlertStatus.Resolved, AlertAction.TalkedAboutRelationship), (stored.Status, stored.Action));
        Assert.NotNull(stored.ProtectedActionNote);
        Assert.DoesNotContain("rushed", stored.ProtectedActionNote);
        Assert.DoesNotContain($"/alerts/{low.Id}", await staff.Http.GetStringAsync("/", ct));
        Assert.Equal(3, await AuditCountAsync(app, low.Id, "update")); // snooze, acknowledge, resolve

        // Resolved is final: the page no longer offers the form, and a second resolve posted anyway (a stale page) is a
        // conflict with the alert's state, as it is in the REST API, and changes nothing.
        var again = await staff.PostFormAsync(path, "resolve", new() { ["action"] = "Referred" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already been resolved", await again.Content.ReadAsStringAsync(ct));
        Assert.Equal(AlertAction.TalkedAboutRelationship, (await AlertAsync(app, low.Id)).Action);

        // The supervisor reads the alert but cannot act on it; another clinic's clinician cannot see it at all.
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        Assert.Contains("Alliance drop", await supervisor.Http.GetStringAsync($"/alerts/{drop.Id}", ct));
        Assert.DoesNotContain("Resolve with the action taken", await supervisor.Http.GetStringAsync($"/alerts/{drop.Id}", ct));
        var forbidden = await supervisor.PostFormAsync($"/alerts/{drop.Id}", "resolve", new() { ["action"] = "NoActionNeeded" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode); // refused by the alert's action, through the client-record authorisation
        Assert.Equal(AlertStatus.Open, (await AlertAsync(app, drop.Id)).Status);
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password");
        var other = await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/alerts/{drop.Id}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/clients/{clientId}/timeline", ct)).StatusCode);
        var otherPost = await other.PostFormFromHtmlAsync($"/alerts/{drop.Id}", await other.Http.GetStringAsync("/", ct), "resolve", new() { ["action"] = "NoActionNeeded" });
        Assert.Equal(HttpStatusCode.NotFound, otherPost.StatusCode);
        Assert.DoesNotContain("Wren", await otherPost.Content.ReadAsStringAsync(ct));
        Assert.Equal(AlertStatus.Open, (await AlertAsync(app, drop.Id)).Status);
    }

    [Theory, AllDatabases]
    public async Task A_risk_alert_shows_the_clinic_protocol_cannot_be_snoozed_and_is_resolved_only_with_an_action(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Assert.Contains("Risk protocol saved.", await Slice.FollowAsync(admin, await admin.PostFormAsync("/settings/signals", "protocol",
            new() { ["protocol"] = "Call the duty clinician on extension 200." })));
        var tooLong = await admin.PostFormAsync("/settings/signals", "protocol", new() { ["protocol"] = new string('p', 4001) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);

        var staff = await Demo.ClinicianAsync(app);
        Assert.Equal("/denied", (await staff.Http.GetAsync("/settings/signals", ct)).Headers.Location?.AbsolutePath);
        var clientId = await Slice.AddClientAsync(staff, "Rae Risk");
        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 1));
        var risk = (await AlertsForAsync(app, clientId)).Single(a => a.Urgent);
        var path = $"/alerts/{risk.Id}";
        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync(path, ct));
        Assert.Contains("Your clinic's risk protocol", page);
        Assert.Contains("Call the duty clinician on extension 200.", page);
        Assert.DoesNotContain("Snooze", page);
        Assert.DoesNotContain("No action needed", page);

        var snooze = await staff.PostFormAsync(path, "snooze", new() { ["days"] = "1" });
        // Not offered for a risk alert; posted anyway (a stale page), the alert's own rule refuses it, as in the REST API.
        Assert.Equal(HttpStatusCode.Conflict, snooze.StatusCode);
        Assert.Contains("A risk alert cannot be snoozed", await snooze.Content.ReadAsStringAsync(ct));
        var waved = await staff.PostFormAsync(path, "resolve", new() { ["action"] = "NoActionNeeded" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, waved.StatusCode);
        Assert.Contains("A risk alert is resolved with a risk review", await waved.Content.ReadAsStringAsync(ct));
        Assert.Equal(AlertStatus.Open, (await AlertAsync(app, risk.Id)).Status);

        Assert.Contains("Urgent: risk answer", await staff.Http.GetStringAsync("/", ct));
        Assert.Contains("Alert resolved.", await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "review",
            new() { ["contactMade"] = "true", ["riskAssessed"] = "true", ["level"] = "High", ["note"] = "Called; crisis team involved." })));
        Assert.DoesNotContain("Urgent: risk answer", await staff.Http.GetStringAsync("/", ct));
        Assert.Contains("Resolved", WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct)));

        // The clinic sees this week's share of clients flagged: Chris D. of the demo and Rae, of five active clients.
        var report = WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/settings/signals", ct));
        Assert.Matches(@"<th scope=""row"">2 Nov 2026</th>\s*<td class=""num"">5</td>\s*<td class=""num"">2</td>\s*<td class=""num"">40%</td>\s*<td class=""num"">1</td>", report);
    }
}
