using System.Net;
using Attune.Core.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.CheckIns;

public class RiskAlertTests
{
    [Theory, AllDatabases]
    public async Task The_risk_alert_is_saved_with_its_screen_before_the_check_in_is_sent_and_survives_a_changed_answer(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Remy Early");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check", "phq-9");
        await using (var db = app.CreateDbContext())
        {
            // The clinician has a mobile number on their staff account: the alert goes by text too.
            var user = await db.Users.SingleAsync(u => u.Email == Demo.ClinicianEmail, ct);
            user.PhoneNumber = "+15550100";
            await db.SaveChangesAsync(ct);
        }
        var client = new StaffClient(StaffClient.Anonymous(app));
        // PHQ-9 is the second screen here (the session's feedback comes first); the client answers it and stops.
        await Slice.SaveScreenAsync(client, link, "connection-check", Slice.ConnectionCheck(9)); // a good session: no alliance signal
        var saved = await Slice.SaveScreenAsync(client, link + "?step=phq-9", "phq-9", Slice.Phq9(0, 1, 0, 0, 0, 0, 0, 0, 1));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        await using (var db = app.CreateDbContext())
        {
            var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Urgent, ct);
            Assert.Equal(AlertStatus.Open, alert.Status);
            Assert.Single(await db.Outbox.AsNoTracking().Where(m => m.To == Demo.ClinicianEmail).ToListAsync(ct));
            var text = await db.Outbox.AsNoTracking().SingleAsync(m => m.Channel == "sms", ct);
            Assert.Equal("+15550100", text.To);
            Assert.DoesNotContain("Remy", Slice.WithoutLinks(text.Body));
        }
        // Every page that follows keeps the crisis resources at the top.
        var review = await client.Http.GetStringAsync(saved.Headers.Location, ct);
        Assert.Contains("role=\"alert\" class=\"crisis-top\"", review);
        Assert.Contains("Call or text 988", review);
        Assert.Contains("Urgent: open", await staff.Http.GetStringAsync($"/clients/{clientId}", ct));

        // The client goes back and changes item 9 to "Not at all": the alert and the flag stay; no second alert.
        await Slice.SaveScreenAsync(client, link + "?step=phq-9", "phq-9", Slice.Phq9(0, 1, 0, 0, 0, 0, 0, 0, 0));
        await using (var db = app.CreateDbContext())
        {
            Assert.Single(await db.Alerts.AsNoTracking().Where(a => a.Urgent).ToListAsync(ct));
            var relationshipId = await db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id).SingleAsync(ct);
            var phq = await db.Responses.AsNoTracking().SingleAsync(r => r.RelationshipId == relationshipId && r.Instrument == "phq-9", ct);
            Assert.Equal(1m, phq.Score);
            Assert.True(phq.IsRisk);
            Assert.Equal(1m, Assert.Single(phq.Result.CriticalFlags).Answer);
        }
        var page = System.Net.WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Answered “Several days”", page);
        Assert.Contains("later changed to “Not at all”", page);
    }

    [Theory, AllDatabases]
    public async Task A_risk_answer_opens_an_urgent_alert_and_emails_the_clinician_without_clinical_detail(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Quinn Urgent");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "core-10");

        // CORE-10 item 6 ("I made plans to end my life") answered "Only occasionally".
        var answers = Enumerable.Range(1, 10).ToDictionary(i => $"core-10/{i}", i => i == 6 ? "1" : "2");
        var submitted = await Slice.SubmitAsync(app, link, answers);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Contains("Please reach out for support now", await submitted.Content.ReadAsStringAsync(ct));

        await using (var db = app.CreateDbContext())
        {
            var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Urgent, ct);
            Assert.Equal(SignalKind.Risk, alert.Kind);
            Assert.True(alert.Urgent);
            Assert.Equal(AlertStatus.Open, alert.Status);
            var response = await db.Responses.AsNoTracking().SingleAsync(r => r.Id == alert.ResponseId, ct);
            Assert.Equal("core-10", response.Instrument);
            Assert.Equal(alert.CreatedAt, response.CompletedAt);

            var mail = await db.Outbox.AsNoTracking().SingleAsync(ct);
            Assert.Equal(Demo.ClinicianEmail, mail.To);
            Assert.Contains($"/clients/{clientId}", mail.Body);
            Assert.DoesNotContain("Quinn", Slice.WithoutLinks(mail.Body) + mail.Subject);
            Assert.DoesNotContain("end my life", mail.Body + mail.Subject);
            Assert.Null(mail.SentAt);
        }

        Assert.Contains("Urgent: risk answer", await staff.Http.GetStringAsync("/", ct));
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        Assert.Contains("Urgent: open", page);
        Assert.Contains("CORE-10 item 6", page);

        // The clinician acknowledges; the alert stays on record, no longer open.
        var alertId = (await app.CreateDbContext().Alerts.AsNoTracking().SingleAsync(a => a.Urgent, ct)).Id;
        var ack = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, $"ack-{alertId:N}", []);
        Assert.Contains("Alert acknowledged.", await Slice.FollowAsync(staff, ack));
        Assert.DoesNotContain("Urgent: risk answer", await staff.Http.GetStringAsync("/", ct));
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(AlertStatus.Acknowledged, (await db.Alerts.AsNoTracking().SingleAsync(a => a.Urgent, ct)).Status);
            Assert.Contains(await db.AuditEvents.AsNoTracking().ToListAsync(ct), e => e.EntityType == "ClinicalAlert" && e.Action == "update" && e.EntityId == alertId);
            Assert.Contains(await db.AuditEvents.AsNoTracking().ToListAsync(ct), e => e.EntityType == "ClinicalAlert" && e.Action == "create" && e.ActorKind == "client-link");
        }

        // The outbox is open to admins only, and shows what was written, not what it says.
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var outbox = await admin.Http.GetStringAsync("/outbox", ct);
        Assert.Contains("urgent alert for one of your clients", outbox);
        Assert.DoesNotContain("needs your attention today", outbox);
        var refused = await staff.Http.GetAsync("/outbox", ct);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.DoesNotContain("urgent alert", await refused.Content.ReadAsStringAsync(ct));
    }

    [Theory, AllDatabases]
    public async Task No_risk_answer_raises_no_alert(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "No Risk");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "phq-9");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, link, Slice.Phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))).StatusCode);
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Alerts.CountAsync(a => a.Urgent, TestContext.Current.CancellationToken));
        Assert.Equal(0, await db.Outbox.CountAsync(TestContext.Current.CancellationToken));
    }
}
