using System.Net;
using System.Text.RegularExpressions;
using Attune.Web.Features.CheckIns;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.CheckIns;

public class LinkDeliveryTests
{
    [Theory, AllDatabases]
    public async Task Links_shown_to_copy_for_the_client_start_with_the_clinics_public_address_never_the_requests_host(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["PublicUrl"] = "https://attune.clinic.example/" });
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Host Header");
        await Slice.CreateCheckInAsync(staff, clientId, "connection-check");
        // A request that names another host, as an attacker (or a misconfigured proxy) would.
        var request = new HttpRequestMessage(HttpMethod.Get, $"/clients/{clientId}");
        request.Headers.Host = "attacker.example";
        var page = WebUtility.HtmlDecode(await (await staff.Http.SendAsync(request, ct)).Content.ReadAsStringAsync(ct));
        Assert.Contains("https://attune.clinic.example/c/", page);
        Assert.Contains("https://attune.clinic.example/p/", page);
        Assert.DoesNotContain("attacker.example", page);
    }

    [Theory, AllDatabases]
    public async Task The_link_is_emailed_to_the_client_with_one_reminder(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Rowan Mail", email: "rowan@client.example");
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        Assert.Contains("Email the link to rowan@client.example", page);
        var posted = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "checkin", new() { ["CheckInInput.Email"] = "true" },
            [new("CheckInInput.Instruments", "connection-check")]);
        Assert.Contains("sent to the client", await Slice.FollowAsync(staff, posted));

        string link;
        await using (var db = app.CreateDbContext())
        {
            var mail = await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "rowan@client.example", ct);
            Assert.Equal("Your check-in", mail.Subject);
            Assert.DoesNotContain("Rowan", mail.Body);
            Assert.Contains("If you need help now:\n- 988 Suicide & Crisis Lifeline: Call or text 988", mail.Body);
            link = new Uri(Regex.Match(mail.Body, @"http\S+/c/\S+").Value).PathAndQuery;
        }
        Assert.Equal(HttpStatusCode.OK, (await StaffClient.Anonymous(app).GetAsync(link, ct)).StatusCode);

        // The app's own reminder service runs on the same (test) clock, so count reminders in the outbox,
        // whoever queued them.
        var delivery = () => app.Services.CreateScope().ServiceProvider.GetRequiredService<CheckInDelivery>();
        async Task<int> Reminders() { await using var db = app.CreateDbContext(); return await db.Outbox.CountAsync(m => m.Subject == "Reminder: your check-in", ct); }
        app.Clock.Advance(TimeSpan.FromHours(47));
        await delivery().QueueDueRemindersAsync(ct);
        Assert.Equal(0, await Reminders());
        app.Clock.Advance(TimeSpan.FromHours(2));
        await delivery().QueueDueRemindersAsync(ct);
        await delivery().QueueDueRemindersAsync(ct);
        Assert.Equal(1, await Reminders()); // one reminder only

        await using (var db = app.CreateDbContext())
        {
            var reminder = await db.Outbox.AsNoTracking().SingleAsync(m => m.Subject == "Reminder: your check-in", ct);
            var reminderLink = new Uri(Regex.Match(reminder.Body, @"http\S+/c/\S+").Value).PathAndQuery;
            Assert.Equal(HttpStatusCode.OK, (await StaffClient.Anonymous(app).GetAsync(reminderLink, ct)).StatusCode);
        }
    }

    [Theory, AllDatabases]
    public async Task An_answered_link_gets_no_reminder(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Sam Answered", email: "sam@client.example");
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "checkin", new() { ["CheckInInput.Email"] = "true" },
            [new("CheckInInput.Instruments", "connection-check")]));
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check"); // a second, not emailed
        await using (var db = app.CreateDbContext())
        {
            var mail = await db.Outbox.AsNoTracking().SingleAsync(ct);
            var emailed = new Uri(Regex.Match(mail.Body, @"http\S+/c/\S+").Value).PathAndQuery;
            Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, emailed, Slice.ConnectionCheck(9))).StatusCode);
        }
        app.Clock.Advance(TimeSpan.FromHours(50));
        await app.Services.CreateScope().ServiceProvider.GetRequiredService<CheckInDelivery>().QueueDueRemindersAsync(ct);
        await using (var db = app.CreateDbContext())
            Assert.Equal(0, await db.Outbox.CountAsync(m => m.Subject == "Reminder: your check-in", ct));
        Assert.NotEmpty(link);
    }

    [Theory, AllDatabases]
    public async Task The_email_carries_the_clinics_own_crisis_resources(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string>
        {
            ["Crisis:Heading"] = "Help at any hour",
            ["Crisis:Resources:0:Name"] = "Samaritans",
            ["Crisis:Resources:0:Detail"] = "Call 116 123",
        });
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ola Abroad", email: "ola@client.example");
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "checkin", new() { ["CheckInInput.Email"] = "true" },
            [new("CheckInInput.Instruments", "connection-check")]));
        await using var db = app.CreateDbContext();
        var mail = await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "ola@client.example", ct);
        Assert.Contains("Help at any hour:\n- Samaritans: Call 116 123", mail.Body);
        Assert.DoesNotContain("988", mail.Body);
    }
}
