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

        // A check-in emailed from a request with a forged Host: the email's link starts with the configured origin.
        var emailed = await Slice.AddClientAsync(staff, "Host Header Mail", email: "host.header@client.example");
        var form = await staff.Http.GetStringAsync($"/clients/{emailed}", ct);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value),
            new("_handler", "checkin"), new("CheckInInput.Email", "true"), new("CheckInInput.Instruments", "phq-9"),
        };
        var post = new HttpRequestMessage(HttpMethod.Post, $"/clients/{emailed}") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.Redirect, (await staff.Http.SendAsync(post, ct)).StatusCode);
        await using var db = app.CreateDbContext();
        var body = (await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "host.header@client.example", ct)).Body;
        Assert.Contains("https://attune.clinic.example/c/", body);
        Assert.DoesNotContain("attacker.example", body);
    }

    /// <summary>
    /// The attack of issue 17: an admin copied a client's live link from the outbox and answered as the client. Now no page
    /// shows a link once it is sent, the text of a message is gone once it is sent, and "send again" voids the old link.
    /// </summary>
    [Fact]
    public async Task A_sent_link_is_shown_on_no_page_its_text_is_dropped_once_sent_and_sending_again_voids_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AttuneFactory.StartAsync("sqlite", new Dictionary<string, string>
        {
            ["Mail:Smtp:Host"] = "127.0.0.1", ["Mail:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Smtp:Security"] = "none", ["Mail:PollSeconds"] = "3600",
        });
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Kit Outbox", email: "kit@client.example");
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        var posted = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "checkin", new() { ["CheckInInput.Email"] = "true" },
            [new("CheckInInput.Instruments", "phq-9")]);
        page = await Slice.FollowAsync(staff, posted);
        string Token(string body) => Regex.Match(body, @"/c/([^\s""<]+)").Groups[1].Value;
        string first;
        await using (var db = app.CreateDbContext())
            first = Token((await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "kit@client.example", ct)).Body);
        Assert.NotEmpty(first);

        // The clinician's page says the link went to the client, and does not show it.
        Assert.DoesNotContain(first, page);
        Assert.Contains("Send again with a new link", page);
        // The admin's outbox shows to whom and what, never the message.
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var outbox = WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/outbox", ct));
        Assert.Contains("kit@client.example", outbox);
        Assert.Contains("check-in link", outbox);
        Assert.DoesNotContain(first, outbox);
        Assert.DoesNotContain("/c/", outbox);
        Assert.DoesNotContain("takes about a minute", outbox);
        // Nor does a clinician's (in any environment: the page asks for the admin role, nothing else).
        Assert.NotEqual(HttpStatusCode.OK, (await staff.Http.GetAsync("/outbox", ct)).StatusCode);

        // Sent: the message's text, with its link, is gone from the database.
        Assert.Equal(1, await app.Services.GetRequiredService<Attune.Web.Features.Notifications.OutboxDispatcher>().SendPendingAsync(ct));
        for (var i = 0; i < 50 && !smtp.Received.Contains(first, StringComparison.Ordinal); i++)
            await Task.Delay(100, ct);
        Assert.Contains(first, smtp.Received);
        await using (var db = app.CreateDbContext())
            Assert.Equal("", (await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "kit@client.example", ct)).Body);
        Assert.Equal(HttpStatusCode.OK, (await StaffClient.Anonymous(app).GetAsync($"/c/{first}", ct)).StatusCode);

        // Send again: a new link in a new message; the first opens nothing and says nothing about the answers.
        var again = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "send-again",
            new() { ["SendAgainId"] = (await Slice.SingleCheckInAsync(app, clientId)).Id.ToString() });
        Assert.Contains("Sent again with a new link", await Slice.FollowAsync(staff, again));
        string second;
        await using (var db = app.CreateDbContext())
            second = Token((await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "kit@client.example" && m.SentAt == null, ct)).Body);
        Assert.NotEqual(first, second);
        var old = await StaffClient.Anonymous(app).GetAsync($"/c/{first}", ct);
        Assert.Equal(HttpStatusCode.Gone, old.StatusCode);
        Assert.Contains("This link has been replaced", await old.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.Gone, (await Slice.SubmitAsync(app, $"/c/{first}", Slice.Phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, $"/c/{second}", Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))).StatusCode);
        await using (var db = app.CreateDbContext())
        {
            Assert.Contains(await db.AuditEvents.AsNoTracking().ToListAsync(ct), e => e.Action == "send-again" && e.EntityType == "CheckIn");
            var checkInId = (await Slice.SingleCheckInAsync(app, clientId)).Id;
            Assert.Equal(8m, (await db.Responses.AsNoTracking().SingleAsync(r => r.CheckInId == checkInId, ct)).Score);
        }
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
            Assert.DoesNotContain("Rowan", Slice.WithoutLinks(mail.Body));
            var clinic = app.Services.GetRequiredService<Attune.Web.Time.ClinicClock>();
            var checkIn = await db.CheckIns.AsNoTracking().SingleAsync(c => db.Relationships.Any(r => r.Id == c.RelationshipId && r.ClientId == clientId), ct);
            Assert.Contains($"The link works once and until {clinic.Format(checkIn.ExpiresAt)}.", mail.Body);
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
        Assert.DoesNotContain("988", Slice.WithoutLinks(mail.Body));
    }
}
