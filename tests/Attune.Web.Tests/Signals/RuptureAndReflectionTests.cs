using System.Net;
using Attune.Core.CheckIns;
using Attune.Core.Reflections;
using Attune.Core.Ruptures;
using Attune.Core.Signals;
using Attune.Web.Features.CheckIns;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Signals;

/// <summary>The clinician's reflection feeds the perception gap; a logged rupture is linked to the alliance's recovery; the timeline shows both.</summary>
public class RuptureAndReflectionTests
{
    /// <summary>Records an attended session that started two hours ago and answers its after-session Connection Check.</summary>
    private static async Task<Guid> SessionWithConnectionCheckAsync(AttuneFactory app, StaffClient staff, Guid clientId, int each, int moment = 0)
    {
        var sessionId = await Slice.RecordEndedSessionAsync(app, staff, clientId);
        // The measurement plan made the after-session check-in at once (the session has ended).
        await using var db = app.CreateDbContext();
        var checkIn = await db.CheckIns.AsNoTracking().SingleAsync(c => c.SessionId == sessionId && c.Kind == CheckInKind.AfterSession);
        var links = app.Services.GetRequiredService<CheckInLinks>();
        await Slice.SubmitAsync(app, links.PathFor(links.CreateToken(checkIn.Id, checkIn.ExpiresAt)), Slice.ConnectionCheck(each, moment));
        return sessionId;
    }

    private static async Task<List<ClinicalAlert>> AlertsAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var ids = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        return await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.RelationshipId)).ToListAsync();
    }

    [Theory, AllDatabases]
    public async Task A_reflection_above_the_client_is_a_perception_gap_and_a_logged_rupture_is_linked_to_the_recovery(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Tam Rupture");

        var first = await SessionWithConnectionCheckAsync(app, staff, clientId, 9);
        Assert.Contains("Reflection saved.", await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}/sessions/{first}/reflection", "reflection",
            new() { ["connected"] = "9", ["tension"] = "None", ["note"] = "" })));
        Assert.Empty(await AlertsAsync(app, clientId));

        app.Clock.Advance(TimeSpan.FromDays(7));
        staff = await Demo.ClinicianAsync(app);
        var second = await SessionWithConnectionCheckAsync(app, staff, clientId, 6, moment: 2);
        var reflectionPath = $"/clients/{clientId}/sessions/{second}/reflection";

        // Bad reflections: a clear 422 and nothing stored.
        foreach (var (values, why) in new (Dictionary<string, string>, string)[]
        {
            (new() { ["connected"] = "11", ["tension"] = "None" }, "Rate how connected you felt, from 0 to 10."),
            (new() { ["connected"] = "", ["tension"] = "None" }, "Rate how connected you felt, from 0 to 10."),
            (new() { ["connected"] = "7.5", ["tension"] = "None" }, "Rate how connected you felt, from 0 to 10."),
            (new() { ["connected"] = "7", ["tension"] = "Angry" }, "Choose none, withdrawal or confrontation."),
            (new() { ["connected"] = "7", ["tension"] = "1" }, "Choose none, withdrawal or confrontation."),
            (new() { ["connected"] = "7", ["tension"] = "None", ["note"] = new string('n', 2001) }, "Keep the note to 2000 characters"),
        })
        {
            var refused = await staff.PostFormAsync(reflectionPath, "reflection", values);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains(why, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        }
        await using (var db = app.CreateDbContext())
            Assert.False(await db.Reflections.AnyAsync(r => r.SessionId == second, ct));

        // "I felt connected": 10, the client's 6.0: you may be missing something. And withdrawal noticed.
        await Slice.FollowAsync(staff, await staff.PostFormAsync(reflectionPath, "reflection",
            new() { ["connected"] = "10", ["tension"] = "Withdrawal", ["note"] = "Quiet after the homework review" }));
        await using (var db = app.CreateDbContext())
        {
            var reflection = await db.Reflections.AsNoTracking().SingleAsync(r => r.SessionId == second, ct);
            Assert.Equal((10, Tension.Withdrawal), (reflection.Connected, reflection.Tension));
            Assert.DoesNotContain("homework", reflection.ProtectedNote);
        }
        var alerts = await AlertsAsync(app, clientId);
        var gap = alerts.Single(a => a.Kind == SignalKind.PerceptionGap);
        // Written so that it reads true to whoever reads it: the clinician, their supervisor, the client's own copy.
        Assert.Equal("Sam Rivera rated the connection 10; the client's Connection Check was 6.0. They may be missing something: therapists rarely foresee deterioration.", gap.Explanation);
        Assert.Contains(alerts, a => a.Key == $"tension:{second}");
        Assert.Contains(alerts, a => a.Kind == SignalKind.ClientReportedRupture);

        // The rupture, logged from the client's report. Bad input first.
        var rupturePath = $"/clients/{clientId}/ruptures/new";
        var valid = new Dictionary<string, string>
        {
            ["session"] = second.ToString(), ["noticed"] = "ClientReport", ["marker"] = "Avoiding", ["resolution"] = "Ongoing", ["note"] = "Topic shifts whenever work came up",
        };
        var strategies = new List<KeyValuePair<string, string>> { new("strategy", "InviteDiscussion"), new("strategy", "ClarifyMisunderstanding") };
        foreach (var (change, extra, why) in new (Dictionary<string, string>, List<KeyValuePair<string, string>>, string)[]
        {
            (new() { ["marker"] = "Sulking" }, strategies, "Choose a marker"),
            (new() { ["marker"] = "0" }, strategies, "Choose a marker"),
            (new() { ["noticed"] = "Neighbour" }, strategies, "Choose who noticed"),
            (new() { ["session"] = Guid.NewGuid().ToString() }, strategies, "Choose an attended session"),
            (new() { ["resolution"] = "Maybe" }, strategies, "Choose whether it resolved"),
            ([], [new("strategy", "Hug")], "Choose repair strategies from the list"),
        })
        {
            var values = new Dictionary<string, string>(valid);
            foreach (var (k, v) in change) values[k] = v;
            var refused = await staff.PostFormAsync(rupturePath, "rupture", values, extra);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains(why, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        }
        await using (var db = app.CreateDbContext())
            Assert.Equal(0, await db.Ruptures.CountAsync(r => r.SessionId == second, ct));

        var saved = await Slice.FollowAsync(staff, await staff.PostFormAsync($"{rupturePath}?alert={alerts.Single(a => a.Kind == SignalKind.ClientReportedRupture).Id}", "rupture", valid, strategies));
        Assert.Contains("Rupture log saved.", saved);
        RuptureRecord rupture;
        await using (var db = app.CreateDbContext())
        {
            rupture = await db.Ruptures.AsNoTracking().SingleAsync(r => r.SessionId == second, ct);
            Assert.Equal((RuptureMarker.Avoiding, NoticedBy.ClientReport, RuptureResolution.Ongoing), (rupture.Marker, rupture.NoticedBy, rupture.Resolution));
            Assert.Equal([RepairStrategy.InviteDiscussion, RepairStrategy.ClarifyMisunderstanding], rupture.Strategies);
            Assert.NotNull(rupture.AlertId);
            Assert.DoesNotContain("Topic", rupture.ProtectedNote);
            Assert.Null(rupture.RecoveryResponseId);
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityType == "RuptureRecord" && e.EntityId == rupture.Id && e.Action == "create", ct));
        }

        // A week later the Connection Check is back at the client's usual 9: Attune links the recovery to the rupture.
        app.Clock.Advance(TimeSpan.FromDays(7));
        staff = await Demo.ClinicianAsync(app);
        await SessionWithConnectionCheckAsync(app, staff, clientId, 9);
        await using (var db = app.CreateDbContext())
        {
            var linked = await db.Ruptures.AsNoTracking().SingleAsync(r => r.Id == rupture.Id, ct);
            var recovery = await db.Responses.AsNoTracking().SingleAsync(r => r.Id == linked.RecoveryResponseId, ct);
            Assert.Equal(("connection-check", 9m), (recovery.Instrument, recovery.Score));
            Assert.Contains("back to 9.0", linked.RecoveryDescription);
        }
        var repaired = Assert.Single(await AlertsAsync(app, clientId), a => a.Kind == SignalKind.RuptureRepaired);
        // A strength: kept, not acknowledged or snoozed like a problem.
        var strength = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/alerts/{repaired.Id}", ct));
        Assert.Contains("class=\"alert strength\"", strength);
        Assert.DoesNotContain("Acknowledge:", strength);
        Assert.DoesNotContain("Snooze", strength);
        // Marked as a strength, not as an open problem.
        Assert.Contains("<span class=\"badge strength\">A strength: repaired</span>", strength);
        Assert.DoesNotContain(">Open</span>", strength);
        Assert.Matches(@"Noted \d{1,2} \w{3} \d{4}", await Slice.FollowAsync(staff, await staff.PostFormAsync($"/alerts/{repaired.Id}", "noted", [])));
        await using (var db = app.CreateDbContext())
        {
            var noted = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == repaired.Id, ct);
            Assert.Equal((AlertStatus.Resolved, (AlertAction?)AlertAction.NoActionNeeded), (noted.Status, noted.Action));
        }

        var timeline = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}/timeline", ct));
        Assert.Contains("Rupture: Withdrawal: avoiding", timeline);
        Assert.Contains("Repair: alliance back to its usual level. Connection Check 6.0", timeline);
        Assert.Contains("Your reflection: connected 10 / 10, withdrawal noticed", timeline);
        Assert.Contains("class=\"repair\"", timeline); // drawn in gold on the alliance chart
        await using (var db = app.CreateDbContext())
            Assert.True(await db.AuditEvents.AnyAsync(e => e.EntityType == "Timeline" && e.Action == "read" && e.ClientId == clientId, ct));

        // Editing the rupture: resolved. The supervisor reads it but the form is not theirs.
        Assert.Contains("Rupture log saved.", await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}/ruptures/{rupture.Id}", "rupture",
            new() { ["marker"] = "Avoiding", ["resolution"] = "Resolved", ["note"] = "" }, [new("strategy", "InviteDiscussion")])));
        await using (var db = app.CreateDbContext())
            Assert.Equal(RuptureResolution.Resolved, (await db.Ruptures.AsNoTracking().SingleAsync(r => r.Id == rupture.Id, ct)).Resolution);
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var read = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync($"/clients/{clientId}/ruptures/{rupture.Id}", ct));
        Assert.Contains("Alliance recovered", read);
        Assert.DoesNotContain("name=\"marker\"", read);
    }

    [Theory, AllDatabases]
    public async Task The_caseload_puts_risk_first_then_off_track_and_flags_a_goal_to_talk_about(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var risk = await Slice.AddClientAsync(staff, "Zed Risk");
        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, risk, "phq-9"), Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 2));
        var goals = await Slice.AddClientAsync(staff, "Amy Goals");
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{goals}", "goal-new", new() { ["kind"] = "Task", ["text"] = "Keep a mood diary" }));
        await using (var db = app.CreateDbContext())
        {
            var goal = await db.Goals.AsNoTracking().SingleAsync(g => db.Relationships.Any(r => r.Id == g.RelationshipId && r.ClientId == goals), ct);
            var path = await Slice.ProgressPathAsync(staff, goals);
            var client = new StaffClient(StaffClient.Anonymous(app));
            var page = await client.Http.GetStringAsync(path, ct);
            Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormFromHtmlAsync(path, page, $"goal-{goal.Id:N}", new() { ["agreement"] = "Disagreed", ["words"] = "" })).StatusCode);
        }

        var caseload = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/", ct));
        var order = new[] { "Zed Risk", "Chris D.", "Amy Goals", "Alex M." }.Select(n => caseload.IndexOf($">{n}</a>", StringComparison.Ordinal)).ToList();
        Assert.All(order, i => Assert.True(i > 0));
        Assert.Equal(order.Order(), order); // risk, then red with signals, then the goal to talk about, then a strength only
        Assert.Contains("Urgent: risk answer", caseload);
        Assert.Contains("red: off track", caseload);
        Assert.Contains("<svg class=\"spark\"", caseload);
        Assert.DoesNotContain("Past client", caseload); // closed relationships are history, not caseload

        // One badge per problem: the open "Goal not agreed" alert stands for the goal; once it is resolved, the goal
        // still waits to be talked about until it is agreed.
        var amy = Row(caseload, "Amy Goals");
        Assert.Contains("Goal not agreed", amy);
        Assert.DoesNotContain("Goal to talk about", amy);
        Guid alertId;
        await using (var db = app.CreateDbContext())
            alertId = (await db.Alerts.AsNoTracking().SingleAsync(a => a.Kind == SignalKind.GoalDisagreement && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == goals), ct)).Id;
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/alerts/{alertId}", "resolve", new() { ["action"] = "ChangedTaskOrGoal", ["note"] = "" }));
        amy = Row(WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/", ct)), "Amy Goals");
        Assert.DoesNotContain("Goal not agreed", amy);
        Assert.Contains("Goal to talk about", amy);
    }

    private static string Row(string caseload, string name)
    {
        var start = caseload.IndexOf($">{name}</a>", StringComparison.Ordinal);
        return caseload[start..caseload.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
