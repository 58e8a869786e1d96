using System.Net;
using Attune.Core.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.CheckIns;

public class RiskAlertTests
{
    [Theory]
    [MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
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
            var alert = await db.Alerts.AsNoTracking().SingleAsync(ct);
            Assert.Equal(AlertKind.Risk, alert.Kind);
            Assert.True(alert.Urgent);
            Assert.Equal(AlertStatus.Open, alert.Status);
            var response = await db.Responses.AsNoTracking().SingleAsync(r => r.Id == alert.ResponseId, ct);
            Assert.Equal("core-10", response.Instrument);
            Assert.Equal(alert.CreatedAt, response.CompletedAt);

            var mail = await db.Outbox.AsNoTracking().SingleAsync(ct);
            Assert.Equal(Demo.ClinicianEmail, mail.To);
            Assert.Contains($"/clients/{clientId}", mail.Body);
            Assert.DoesNotContain("Quinn", mail.Body + mail.Subject);
            Assert.DoesNotContain("end my life", mail.Body + mail.Subject);
            Assert.Null(mail.SentAt);
        }

        Assert.Contains("Urgent: risk answer", await staff.Http.GetStringAsync("/", ct));
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        Assert.Contains("Urgent: open", page);
        Assert.Contains("CORE-10 item 6", page);

        // The clinician acknowledges; the alert stays on record, no longer open.
        var alertId = (await app.CreateDbContext().Alerts.AsNoTracking().SingleAsync(ct)).Id;
        var ack = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, $"ack-{alertId:N}", []);
        Assert.Contains("Alert acknowledged.", await Slice.FollowAsync(staff, ack));
        Assert.DoesNotContain("Urgent: risk answer", await staff.Http.GetStringAsync("/", ct));
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(AlertStatus.Acknowledged, (await db.Alerts.AsNoTracking().SingleAsync(ct)).Status);
            Assert.Contains(await db.AuditEvents.AsNoTracking().ToListAsync(ct), e => e.EntityType == "ClinicalAlert" && e.Action == "update" && e.EntityId == alertId);
            Assert.Contains(await db.AuditEvents.AsNoTracking().ToListAsync(ct), e => e.EntityType == "ClinicalAlert" && e.Action == "create" && e.ActorKind == "client-link");
        }

        // Outside development the outbox is open to admins only.
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Assert.Contains("urgent alert for one of your clients", await admin.Http.GetStringAsync("/outbox", ct));
        Assert.Contains("The outbox is for clinic admins.", await staff.Http.GetStringAsync("/outbox", ct));
    }

    [Theory]
    [MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task No_risk_answer_raises_no_alert(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "No Risk");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "phq-9");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, link, Slice.Phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))).StatusCode);
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Alerts.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await db.Outbox.CountAsync(TestContext.Current.CancellationToken));
    }
}
