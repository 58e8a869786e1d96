using System.Net;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Lifecycle;

/// <summary>
/// Issue 18: a client answered PHQ-9 item 9 "nearly every day", the clinician ended the relationship a minute later, and
/// the open urgent alert was left on a closed page that no list links to.
/// </summary>
public class RiskNeverLostTests
{
    private static Dictionary<string, string> End() => new()
    {
        ["kind"] = "Unplanned", ["reason"] = "NoContact", ["summary"] = "No contact since the last session.", ["plan"] = "",
    };

    [Theory, AllDatabases]
    public async Task An_episode_with_an_open_risk_alert_is_not_ended_or_referred_until_the_alert_is_resolved(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Risa Risk");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(2, 2, 2, 1, 1, 2, 1, 1, 3))).StatusCode);
        Guid alertId, colleague;
        await using (var db = app.CreateDbContext())
        {
            alertId = (await db.Alerts.AsNoTracking().SingleAsync(a => a.Urgent && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == clientId), ct)).Id;
            colleague = await db.Clinicians.Where(c => c.DisplayName == "Dr. Amara Okafor").Select(c => c.Id).SingleAsync(ct);
        }

        var ended = await staff.PostFormAsync($"/clients/{clientId}/ending", "ending", End());
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.Contains("open risk alert", WebUtility.HtmlDecode(await ended.Content.ReadAsStringAsync(ct)));
        var referred = await staff.PostFormAsync($"/clients/{clientId}/referral", "referral", new()
        {
            ["to"] = colleague.ToString(), ["kind"] = "Planned", ["handover"] = "Wants more direction.", ["summary"] = "Two sessions.",
        });
        Assert.Equal(HttpStatusCode.Conflict, referred.StatusCode);
        // Acknowledging is not resolving.
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, $"ack-{alertId:N}", []));
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostFormAsync($"/clients/{clientId}/ending", "ending", End())).StatusCode);
        await using (var db = app.CreateDbContext())
        {
            Assert.True((await db.Relationships.AsNoTracking().SingleAsync(r => r.ClientId == clientId, ct)).IsOpen);
            Assert.Equal(0, await db.Endings.CountAsync(e => db.Relationships.Any(r => r.Id == e.RelationshipId && r.ClientId == clientId), ct));
        }

        // Resolved with what was done: now the episode can end.
        var alertPage = await staff.Http.GetStringAsync($"/alerts/{alertId}", ct);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormFromHtmlAsync($"/alerts/{alertId}", alertPage, "review",
            new() { ["contactMade"] = "true", ["riskAssessed"] = "true", ["level"] = "Low", ["note"] = "Called; safe tonight, plan reviewed." })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync($"/clients/{clientId}/ending", "ending", End())).StatusCode);
        // The closed episode keeps the risk answer and what was done about it beside its summary.
        Guid episode;
        await using (var db = app.CreateDbContext())
            episode = await db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id).SingleAsync(ct);
        var closed = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}/episodes/{episode}", ct));
        Assert.Contains("Risk answers in this episode", closed);
        Assert.Contains("contact made; risk assessed: low", closed);
        Assert.Contains($"/alerts/{alertId}", closed);
    }

    [Theory, AllDatabases]
    public async Task A_risk_alert_left_open_on_a_closed_episode_is_listed_above_the_caseload_until_resolved(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Lenny Leftbehind");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 2))).StatusCode);
        Guid alertId;
        // Closed with the alert open, as an episode ended before this rule (or as an answer arrived while it closed).
        await using (var db = app.CreateDbContext())
        {
            alertId = (await db.Alerts.AsNoTracking().SingleAsync(a => a.Urgent && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == clientId), ct)).Id;
            await db.Relationships.Where(r => r.ClientId == clientId)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Phase, RelationshipPhase.Closed).SetProperty(r => r.ClosedAt, app.Clock.GetUtcNow()), ct);
        }
        var caseload = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/", ct));
        Assert.Contains("Open risk alerts of clients no longer on your caseload", caseload);
        Assert.Contains($"/alerts/{alertId}", caseload);
        Assert.Contains("Lenny Leftbehind", caseload);

        var alertPage = await staff.Http.GetStringAsync($"/alerts/{alertId}", ct);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormFromHtmlAsync($"/alerts/{alertId}", alertPage, "review",
            new() { ["contactMade"] = "true", ["riskAssessed"] = "true", ["level"] = "Low", ["note"] = "Reached by phone; risk assessed as low." })).StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.Equal(AlertStatus.Resolved, (await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId, ct)).Status);
        Assert.DoesNotContain("Open risk alerts of clients no longer on your caseload", await staff.Http.GetStringAsync("/", ct));
    }

    /// <summary>
    /// Issue 18: the alert read "PHQ-9: PHQ-9 item 9: …" without the answer, and the client was promised a look "before or
    /// in your next session" whatever the clinic does. The alert names the answer; the promise is the clinic's setting.
    /// </summary>
    [Fact]
    public async Task The_risk_alert_names_the_answer_and_the_client_is_told_only_what_the_clinic_promises()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite", new Dictionary<string, string>
        {
            ["CheckIns:WhenAnswersAreSeen"] = "Your therapist reads every check-in within one working day.",
        });
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Nia Nearly");
        var thanks = WebUtility.HtmlDecode(await (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 3))).Content.ReadAsStringAsync(ct));
        Assert.Contains("Your therapist reads every check-in within one working day.", thanks);
        Assert.DoesNotContain("before or in your next session", thanks);
        await using var db = app.CreateDbContext();
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Urgent && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == clientId), ct);
        Assert.Equal("PHQ-9 item 9: thoughts of being better off dead or of self-harm, answered “Nearly every day” (3).", alert.Explanation);
        Assert.Contains("answered “Nearly every day” (3)", WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/alerts/{alert.Id}", ct)));
    }
}
