using System.Net;
using Attune.Web.Features.Notifications;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.CheckIns;

public class OutboxDispatchTests
{
    [Theory, AllDatabases]
    public async Task The_urgent_alert_email_is_sent_over_smtp(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string>
        {
            ["Mail:Smtp:Host"] = "127.0.0.1", ["Mail:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Smtp:Security"] = "none", ["Mail:From"] = "Attune <attune@riverside.example>",
            ["Mail:PollSeconds"] = "3600", // the test sends the pass itself
        });
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Mail Test");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "phq-9");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, link, Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 2))).StatusCode);

        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        Assert.Equal(1, await dispatcher.SendPendingAsync(ct));
        Assert.Equal(0, await dispatcher.SendPendingAsync(ct)); // sent once, not again

        for (var i = 0; i < 50 && !smtp.Received.Contains("urgent alert", StringComparison.Ordinal); i++)
            await Task.Delay(100, ct);
        Assert.Contains("To: clinician@riverside.example", smtp.Received);
        Assert.Contains("Subject: Attune: urgent alert for one of your clients", smtp.Received);
        Assert.Contains($"/clients/{clientId}", smtp.Received);

        await using var db = app.CreateDbContext();
        var message = await db.Outbox.AsNoTracking().SingleAsync(ct);
        Assert.NotNull(message.SentAt);
    }

    [Theory, AllDatabases]
    public async Task An_unreachable_mail_server_keeps_the_message_for_another_try(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        int closedPort;
        using (var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0)) { l.Start(); closedPort = ((IPEndPoint)l.LocalEndpoint).Port; }
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string>
        {
            ["Mail:Smtp:Host"] = "127.0.0.1", ["Mail:Smtp:Port"] = closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Smtp:Security"] = "none", ["Mail:PollSeconds"] = "3600",
        });
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Mail Down");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "phq-9");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, link, Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 1))).StatusCode);

        Assert.Equal(0, await app.Services.GetRequiredService<OutboxDispatcher>().SendPendingAsync(ct));
        await using var db = app.CreateDbContext();
        var message = await db.Outbox.AsNoTracking().SingleAsync(ct);
        Assert.Null(message.SentAt);
        Assert.Equal(1, message.Attempts);
        Assert.NotNull(message.LastError);
        Assert.Equal(1, await db.Alerts.CountAsync(a => a.Urgent, ct)); // the alert itself is safe in the database
    }

    /// <summary>
    /// Issue 17: two instances on one database sent every email twice. Now each pass claims its messages with a
    /// conditional update first; two instances sending at the same moment deliver each message exactly once.
    /// </summary>
    [Theory, AllDatabases]
    public async Task Two_instances_on_one_database_send_each_message_once(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var smtp = await SmtpSink.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Mail:Smtp:Host"] = "127.0.0.1", ["Mail:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Smtp:Security"] = "none", ["Mail:PollSeconds"] = "3600",
        };
        await using var one = await AttuneFactory.StartAsync(provider, settings);
        await using var two = one.StartAnotherInstance();
        var ids = Enumerable.Range(0, 35).Select(_ => Guid.NewGuid()).ToList();
        await using (var db = one.CreateDbContext())
        {
            var organisation = await db.Organisations.Select(o => o.Id).FirstAsync(ct);
            var at = one.Clock.GetUtcNow();
            db.Outbox.AddRange(ids.Select((id, i) => new Attune.Data.OutboxMessage
            {
                Id = id, OrganisationId = organisation, To = $"staff{i}@riverside.example", Subject = "Notice", Body = "Sign in to Attune.", CreatedAt = at.AddSeconds(i),
            }));
            await db.SaveChangesAsync(ct);
        }

        var senders = new[] { one, two, one, two }.Select(app => app.Services.GetRequiredService<OutboxDispatcher>()).ToList();
        var counts = await Task.WhenAll(senders.Select(s => Task.Run(() => s.SendPendingAsync(ct), ct)));
        // Each instance's own background pass runs once at start and may still be running now (a loaded machine
        // starts it late): it is a fifth sender, so the four here send at most all 35; exactly once is checked below.
        Assert.InRange(counts.Sum(), 0, 35);
        Assert.Equal(0, await senders[0].SendPendingAsync(ct) + await senders[1].SendPendingAsync(ct));

        for (var i = 0; i < 100 && ids.Any(id => !smtp.Received.Contains($"{id:N}@attune", StringComparison.Ordinal)); i++)
            await Task.Delay(100, ct);
        var received = smtp.Received;
        foreach (var id in ids)
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(received, $"Message-I[dD]: <{id:N}@attune>"));
        await using (var db = one.CreateDbContext())
            Assert.Equal(35, await db.Outbox.CountAsync(m => m.SentAt != null && m.Body == "" && m.ClaimedBy == null, ct));
    }
}
