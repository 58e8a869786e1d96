using System.Net;
using System.Text;
using Attune.Core.CheckIns;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.CheckIns;

public class CheckInFlowTests
{
    [Theory]
    [MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task A_risk_answer_shows_crisis_resources_and_reaches_the_clinician(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Casey Test");
        await Slice.RecordSessionAsync(staff, clientId, "2026-11-02T10:00");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check", "phq-9");

        // The client opens the link with no account.
        var anonymous = StaffClient.Anonymous(app);
        var form = await anonymous.GetAsync(link, ct);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var formHtml = await form.Content.ReadAsStringAsync(ct);
        Assert.Contains("I felt heard.", formHtml);
        Assert.Contains("Thoughts that you would be better off dead", formHtml);
        Assert.Contains("988", formHtml);

        const string note = "I felt rushed at the end";
        var answers = Slice.ConnectionCheck(each: 8, moment: 1, note: note);
        foreach (var (k, v) in Slice.Phq9(1, 2, 1, 0, 3, 2, 1, 0, 1)) answers[k] = v;
        var submitted = await Slice.SubmitAsync(app, link, answers);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var thanks = await submitted.Content.ReadAsStringAsync(ct);
        Assert.Contains("Please reach out for support now", thanks);
        Assert.Contains("Call or text 988", thanks);

        // The clinician sees the score, the band and the risk flag; the note is readable to them.
        var page = await (await staff.Http.GetAsync($"/clients/{clientId}", ct)).Content.ReadAsStringAsync(ct);
        Assert.Contains("Risk answer", page);
        Assert.Contains("PHQ-9 item 9", page);
        Assert.Contains("11 / 27", page);
        Assert.Contains("Moderate", page);
        Assert.Contains("8.0 / 10", page);
        Assert.Contains(note, page);
        Assert.Contains("Disconnection: a little", page);

        await using var db = app.CreateDbContext();
        var responses = await db.Responses.AsNoTracking().Where(r => r.CheckInId != null).ToListAsync(ct);
        Assert.Equal(2, responses.Count);
        var phq = responses.Single(r => r.Instrument == "phq-9");
        Assert.Equal(11m, phq.Score);
        Assert.True(phq.IsRisk);
        var cc = responses.Single(r => r.Instrument == "connection-check");
        Assert.NotNull(cc.ProtectedText);
        Assert.DoesNotContain("rushed", cc.ProtectedText);

        // The stored row itself holds no plain text of the note.
        var raw = await db.Database.SqlQueryRaw<string>(
            provider == "sqlite" ? "SELECT \"ProtectedText\" AS \"Value\" FROM \"Responses\" WHERE \"ProtectedText\" IS NOT NULL"
                                 : "SELECT \"ProtectedText\" AS \"Value\" FROM \"Responses\" WHERE \"ProtectedText\" IS NOT NULL").ToListAsync(ct);
        Assert.DoesNotContain(raw, r => r.Contains("rushed", StringComparison.OrdinalIgnoreCase));

        var audit = await db.AuditEvents.AsNoTracking().ToListAsync(ct);
        Assert.Equal(2, audit.Count(a => a.Action == "submit" && a.ClientId == clientId && a.ActorKind == "client-link"));
        Assert.Contains(audit, a => a.Action == "read" && a.EntityType == "Client" && a.ClientId == clientId);
        Assert.Contains(audit, a => a.Action == "create" && a.EntityType == "CheckIn" && a.ClientId == clientId);
    }

    [Theory]
    [MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task A_link_works_once_and_a_second_submit_stores_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Robin Once");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check");

        var client = new StaffClient(StaffClient.Anonymous(app));
        var page = await (await client.Http.GetAsync(link, ct)).Content.ReadAsStringAsync(ct);
        var first = await client.PostFormFromHtmlAsync(link, page, "checkin", Slice.ConnectionCheck(9));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Thank you", await first.Content.ReadAsStringAsync(ct));

        // The same form sent again (a double tap, a retry) changes nothing.
        var second = await client.PostFormFromHtmlAsync(link, page, "checkin", Slice.ConnectionCheck(2));
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        Assert.Contains("we already have your answers", await second.Content.ReadAsStringAsync(ct));
        var again = await client.Http.GetAsync(link, ct);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);

        await using var db = app.CreateDbContext();
        var stored = await db.Responses.AsNoTracking().Where(r => r.CheckInId != null).ToListAsync(ct);
        Assert.Equal(9m, Assert.Single(stored).Score);
    }

    [Theory]
    [MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task Missing_or_out_of_range_answers_come_back_with_reasons_and_store_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Sky Partial");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check", "phq-9");

        var answers = Slice.ConnectionCheck(8);
        answers["connection-check/heard"] = "11";
        foreach (var (k, v) in Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1)) answers[k] = v; // item 9 left out
        answers["phq-9/3"] = "banana";
        var response = await Slice.SubmitAsync(app, link, answers);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct));
        Assert.Contains("outside 0–10", html);
        Assert.Contains("Please answer this question.", html);
        Assert.Contains("Please choose one of the answers.", html);

        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Responses.CountAsync(r => r.CheckInId != null, ct));
        Assert.Equal(CheckInStatus.Pending, (await Slice.SingleCheckInAsync(app, clientId)).Status);
    }

    [Theory]
    [MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task Tampered_and_expired_links_open_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Lee Expired");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "phq-9");
        var anonymous = StaffClient.Anonymous(app);
        var lateClient = new StaffClient(StaffClient.Anonymous(app));
        var formBeforeExpiry = await (await lateClient.Http.GetAsync(link, ct)).Content.ReadAsStringAsync(ct);

        var token = link["/c/".Length..];
        var tampered = "/c/" + (token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..]);
        var bad = await anonymous.GetAsync(tampered, ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badHtml = await bad.Content.ReadAsStringAsync(ct);
        Assert.Contains("This link does not work", badHtml);
        Assert.DoesNotContain("Little interest", badHtml);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/c/not-a-token", ct)).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(8));
        var expired = await anonymous.GetAsync(link, ct);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("This link has expired", await expired.Content.ReadAsStringAsync(ct));
        var late = await lateClient.PostFormFromHtmlAsync(link, formBeforeExpiry, "checkin", Slice.Phq9(0, 0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);

        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Responses.CountAsync(r => r.CheckInId != null, ct));
    }
}
