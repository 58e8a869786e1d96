using System.Collections.Concurrent;
using System.Net;
using Attune.Web.Features.Notifications;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.CheckIns;

public class SmsDeliveryTests
{
    /// <summary>Stands where a clinic's SMS provider would: no provider can be reached from here.</summary>
    private sealed class RecordingSmsSender : ISmsSender
    {
        public ConcurrentQueue<(string To, string Text)> Sent { get; } = new();
        public Task SendAsync(string to, string text, CancellationToken ct) { Sent.Enqueue((to, text)); return Task.CompletedTask; }
    }

    [Theory, AllDatabases]
    public async Task A_link_texted_to_the_client_goes_through_the_registered_sms_sender(string provider)
    {
        var sms = new RecordingSmsSender();
        await using var app = await AttuneFactory.StartAsync(provider, services: s => s.AddSingleton<ISmsSender>(sms));
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Text Me", phone: "+1 555 0100");
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        Assert.Contains("Text the link to +1 555 0100", WebUtility.HtmlDecode(page));
        Assert.DoesNotContain("Email the link", page);
        await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "checkin", new() { ["CheckInInput.Sms"] = "true" },
            [new("CheckInInput.Instruments", "connection-check")]));

        Assert.Equal(1, await app.Services.GetRequiredService<OutboxDispatcher>().SendPendingAsync(ct));
        var (to, text) = Assert.Single(sms.Sent);
        Assert.Equal("+1 555 0100", to);
        Assert.DoesNotContain("Text Me", text);
        var link = new Uri(text[text.IndexOf("http", StringComparison.Ordinal)..]).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await StaffClient.Anonymous(app).GetAsync(link, ct)).StatusCode);
        await using var db = app.CreateDbContext();
        Assert.NotNull((await db.Outbox.AsNoTracking().SingleAsync(ct)).SentAt);
    }
}
