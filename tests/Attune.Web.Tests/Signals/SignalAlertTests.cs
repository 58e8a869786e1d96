using System.Net;
using Attune.Core.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Signals;

public class SignalAlertTests
{
    private static async Task<List<ClinicalAlert>> AlertsAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var ids = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        return await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.RelationshipId)).OrderBy(a => a.CreatedAt).ToListAsync(TestContext.Current.CancellationToken);
    }

    [Theory, AllDatabases]
    public async Task A_low_connection_check_after_good_ones_raises_explained_signals_once_per_problem(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Lou Signals");

        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "connection-check"), Slice.ConnectionCheck(9));
        Assert.Empty(await AlertsAsync(app, clientId)); // one good check: nothing to say, and no baseline yet

        app.Clock.Advance(TimeSpan.FromDays(7));
        staff = await Demo.ClinicianAsync(app);
        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "connection-check"), Slice.ConnectionCheck(6, moment: 2));
        var alerts = await AlertsAsync(app, clientId);
        Assert.Equal([SignalKind.LowAlliance, SignalKind.AllianceDrop, SignalKind.ClientReportedRupture], alerts.Select(a => a.Kind).Order());
        Assert.Equal("Connection Check mean 6.0, 3.0 below this client's usual 9.0.", alerts.Single(a => a.Kind == SignalKind.AllianceDrop).Explanation);
        Assert.All(alerts, a => Assert.Equal(AlertStatus.Open, a.Status));

        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("<strong>Alliance drop</strong>", page);
        Assert.Contains("Connection Check mean 6.0, below 9;", page);

        // Still low a week later: the same low-alliance problem, not a second alert.
        app.Clock.Advance(TimeSpan.FromDays(7));
        staff = await Demo.ClinicianAsync(app);
        await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "connection-check"), Slice.ConnectionCheck(5));
        alerts = await AlertsAsync(app, clientId);
        Assert.Single(alerts, a => a.Kind == SignalKind.LowAlliance);
        // Issue 18: a second drop is not a second "Alliance drop" badge: the one alert is refreshed with the newest
        // evidence and keeps what it said before in its history.
        var drop = Assert.Single(alerts, a => a.Kind == SignalKind.AllianceDrop);
        Assert.StartsWith("Connection Check mean 5.0", drop.Explanation);
        Assert.NotNull(drop.RefreshedAt);
        await using (var db = app.CreateDbContext())
            Assert.Equal(["Connection Check mean 6.0, 3.0 below this client's usual 9.0."],
                await db.AlertEvidence.Where(e => e.AlertId == drop.Id).Select(e => e.Explanation).ToListAsync(ct));
        var dropPage = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/alerts/{drop.Id}", ct));
        Assert.Contains("Earlier evidence of this problem (1)", dropPage);
        Assert.Contains("Connection Check mean 6.0, 3.0 below this client's usual 9.0.", dropPage);

        var low = alerts.Single(a => a.Kind == SignalKind.LowAlliance);
        page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        Assert.Contains("Alert acknowledged.", await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, $"ack-{low.Id:N}", [])));
        Assert.Equal(AlertStatus.Acknowledged, (await AlertsAsync(app, clientId)).Single(a => a.Id == low.Id).Status);
    }

    /// <summary>
    /// Issue 22: the evaluator reads only the check-ins a rule can speak of (pending, never saved) rather than every one;
    /// a check-in left unanswered past its expiry still becomes an engagement signal at the next change.
    /// </summary>
    [Theory, AllDatabases]
    public async Task A_check_in_left_unanswered_past_its_expiry_is_an_engagement_signal(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Noor Silent");
        await Slice.CreateCheckInAsync(staff, clientId, "phq-9");
        Assert.Empty(await AlertsAsync(app, clientId));

        app.Clock.Advance(TimeSpan.FromDays(8));
        staff = await Demo.ClinicianAsync(app);
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "session", new(Slice.SessionForm("2026-11-09T10:00"))));
        var alert = Assert.Single(await AlertsAsync(app, clientId));
        Assert.Equal(SignalKind.Engagement, alert.Kind);
        Assert.Matches("^A check-in sent 2 Nov was not completed\\.$", alert.Explanation);
    }

    [Theory, AllDatabases]
    public async Task A_no_show_is_an_engagement_signal(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ira Absent");
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "session",
            new(Slice.SessionForm("2026-11-01T10:00")) { ["SessionInput.Attendance"] = "NoShow" }));
        var alert = Assert.Single(await AlertsAsync(app, clientId));
        Assert.Equal(SignalKind.Engagement, alert.Kind);
        Assert.Equal("No-show on 1 Nov.", alert.Explanation);
    }
}
