using System.Net;
using System.Text;
using Attune.Core.CheckIns;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.CheckIns;

public class CheckInFlowTests
{
    [Theory, AllDatabases]
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
        Assert.Contains("Part 1 of 2", formHtml);
        Assert.Contains("988", formHtml);
        var phqScreen = await anonymous.GetStringAsync(link + "?step=phq-9", ct);
        Assert.Contains("Thoughts that you would be better off dead", phqScreen);

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

    [Theory, AllDatabases]
    public async Task A_link_works_once_and_a_repeated_post_stores_nothing_more(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Robin Once");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check");

        var client = new StaffClient(StaffClient.Anonymous(app));
        var screen = await (await client.Http.GetAsync(link, ct)).Content.ReadAsStringAsync(ct);
        var answers = new Dictionary<string, string>(Slice.ConnectionCheck(9)) { ["instrument"] = "connection-check" };
        // A double tap on "Save and continue": two posts of the same screen store one response.
        var first = await client.PostFormFromHtmlAsync(link, screen, "checkin", answers);
        var tap = await client.PostFormFromHtmlAsync(link, screen, "checkin", answers);
        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (first.StatusCode, tap.StatusCode));
        Assert.EndsWith("?step=review", first.Headers.Location!.OriginalString);

        var review = await client.Http.GetStringAsync(first.Headers.Location, ct);
        var sent = await client.PostFormFromHtmlAsync(link + "?step=review", review, "send", []);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Thank you", await sent.Content.ReadAsStringAsync(ct));

        // Sent again (a double tap, a retry), or the screen posted again after sending: nothing changes.
        var second = await client.PostFormFromHtmlAsync(link + "?step=review", review, "send", []);
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        Assert.Contains("we already have your answers", await second.Content.ReadAsStringAsync(ct));
        var late = await client.PostFormFromHtmlAsync(link, screen, "checkin", new(Slice.ConnectionCheck(2)) { ["instrument"] = "connection-check" });
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await client.Http.GetAsync(link, ct)).StatusCode);

        await using var db = app.CreateDbContext();
        var stored = await db.Responses.AsNoTracking().Where(r => r.CheckInId != null).ToListAsync(ct);
        Assert.Equal(9m, Assert.Single(stored).Score);
        Assert.Equal(CheckInStatus.Completed, (await Slice.SingleCheckInAsync(app, clientId)).Status);
    }

    [Theory, AllDatabases]
    public async Task Answers_are_saved_screen_by_screen_so_a_closed_tab_resumes_and_the_review_can_change_them(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Sam Resume");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check", "phq-9");

        var phone = new StaffClient(StaffClient.Anonymous(app));
        var saved = await Slice.SaveScreenAsync(phone, link, "connection-check", Slice.ConnectionCheck(7, note: "Felt lighter"));
        Assert.EndsWith("?step=phq-9", saved.Headers.Location!.OriginalString);

        // The tab is closed. Opened again later (another browser even), the link goes on where the client stopped.
        var later = new StaffClient(StaffClient.Anonymous(app));
        var resumed = WebUtility.HtmlDecode(await later.Http.GetStringAsync(link, ct));
        Assert.Contains("Part 2 of 2", resumed);
        Assert.Contains("Little interest or pleasure", resumed);
        // The first screen keeps its answers, free text included, when the client goes back to it.
        var back = WebUtility.HtmlDecode(await later.Http.GetStringAsync(link + "?step=connection-check", ct));
        Assert.Contains("Felt lighter</textarea>", back);
        Assert.Matches("value=\"7\" checked", back);

        var toReview = await Slice.SaveScreenAsync(later, link + "?step=phq-9", "phq-9", Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 0));
        var review = WebUtility.HtmlDecode(await later.Http.GetStringAsync(toReview.Headers.Location, ct));
        Assert.Contains("Check your answers", review);
        Assert.Contains("7 out of 10", review);
        Assert.Contains("Felt lighter", review);
        Assert.Contains("Several days", review);
        // Nothing is complete until it is sent; the clinician already has the saved screens.
        Assert.Equal(CheckInStatus.Pending, (await Slice.SingleCheckInAsync(app, clientId)).Status);

        // "Change" on the review: the screen is saved again and the one response is revised, not duplicated.
        await Slice.SaveScreenAsync(later, link + "?step=connection-check", "connection-check", Slice.ConnectionCheck(9));
        await using (var db = app.CreateDbContext())
        {
            var responses = await db.Responses.AsNoTracking().Where(r => r.CheckInId != null).ToListAsync(ct);
            Assert.Equal(2, responses.Count);
            var cc = responses.Single(r => r.Instrument == "connection-check");
            Assert.Equal(9m, cc.Score);
            Assert.Null(cc.ProtectedText); // the note was cleared on the changed screen
        }
        var sent = await Slice.SubmitAsync(later, link, []);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Thank you", await sent.Content.ReadAsStringAsync(ct));
        Assert.Equal(CheckInStatus.Completed, (await Slice.SingleCheckInAsync(app, clientId)).Status);
    }

    [Theory, AllDatabases]
    public async Task Missing_or_out_of_range_answers_come_back_with_reasons_and_store_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Sky Partial");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check", "phq-9");
        var client = new StaffClient(StaffClient.Anonymous(app));

        var answers = Slice.ConnectionCheck(8);
        answers["connection-check/heard"] = "11";
        var response = await Slice.SaveScreenAsync(client, link, "connection-check", answers);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct));
        Assert.Contains("outside 0–10", html);
        Assert.Contains("value=\"8\" checked", html); // the other answers come back as given

        var phq = Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1); // item 9 left out
        phq["phq-9/3"] = "banana";
        response = await Slice.SaveScreenAsync(client, link + "?step=phq-9", "phq-9", phq);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct));
        Assert.Contains("Question 9: Please answer this question.", html);
        Assert.Contains("Question 3: Please choose one of the answers.", html);
        Assert.Matches("phq-9-9-error\">Please answer this question.", html); // next to the item too

        // A screen that is not part of this check-in is refused.
        response = await Slice.SaveScreenAsync(client, link, "gad-7", []);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Responses.CountAsync(r => r.CheckInId != null, ct));
        Assert.Equal(CheckInStatus.Pending, (await Slice.SingleCheckInAsync(app, clientId)).Status);
    }

    [Theory, AllDatabases]
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
        var late = await lateClient.PostFormFromHtmlAsync(link, formBeforeExpiry, "checkin", new(Slice.Phq9(0, 0, 0, 0, 0, 0, 0, 0, 0)) { ["instrument"] = "phq-9" });
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);

        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Responses.CountAsync(r => r.CheckInId != null, ct));
    }
}
