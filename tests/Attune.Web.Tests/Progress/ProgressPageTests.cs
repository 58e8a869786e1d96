using System.Net;
using System.Text.RegularExpressions;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Progress;

public class ProgressPageTests
{
    [Theory, AllDatabases]
    public async Task The_client_sees_their_scores_with_the_cut_off_and_a_reliable_drop_celebrated(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Pat Progress");
        // PHQ-9 16, then a week later 9: a drop of 7 (reliable, ≥ 6) to below the cut-off of 10.
        var first = await Slice.CreateCheckInAsync(staff, clientId, "phq-9", "connection-check");
        var thanks = await Slice.SubmitAsync(app, first, Merge(Slice.Phq9(2, 2, 2, 2, 2, 2, 2, 2, 0), Slice.ConnectionCheck(7)));
        var thanksHtml = await thanks.Content.ReadAsStringAsync(ct);
        Assert.Contains("See your progress", thanksHtml);
        app.Clock.Advance(TimeSpan.FromDays(7));
        staff = await Demo.ClinicianAsync(app);
        var second = await Slice.CreateCheckInAsync(staff, clientId, "phq-9", "connection-check");
        await Slice.SubmitAsync(app, second, Merge(Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 2, 0), Slice.ConnectionCheck(9)));

        // The link from the thank-you page and the one on the clinician's page both open the page, with no account.
        var fromThanks = WebUtility.HtmlDecode(Regex.Match(thanksHtml, "href=\"(/p/[^\"]+)\"").Groups[1].Value);
        var anonymous = StaffClient.Anonymous(app);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(fromThanks, ct)).StatusCode);
        var path = await Slice.ProgressPathAsync(staff, clientId);
        var response = await anonymous.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct));
        Assert.Contains("Your progress", html);
        Assert.Contains("Your latest score is <strong>9</strong> out of 27 (mild); your first was 16.", html);
        Assert.Contains("Your PHQ-9 score has dropped by a reliable amount, from 16 to 9", html);
        Assert.Contains("Your PHQ-9 score is now below the clinical cut-off (10)", html);
        Assert.Contains("Shaded: 10–22", html);
        // The demo clinic's 30 closed relationships started in the same PHQ-9 band: their usual path is drawn dashed.
        Assert.Contains("Dashed: the usual PHQ-9, at each check-in, of people at this clinic who started where you did (from 30 people).", html);
        Assert.Matches(@"&quot;expected&quot;:\[null,\d+(\.\d)?\]", await (await anonymous.GetAsync(path, ct)).Content.ReadAsStringAsync(ct));
        // Each chart carries its figures for the script and repeats them in a table.
        Assert.Contains("data-chart=\"{&quot;name&quot;:&quot;PHQ-9&quot;", await (await anonymous.GetAsync(path, ct)).Content.ReadAsStringAsync(ct));
        Assert.Matches(@"<td class=""num"">16</td>\s*<td>Moderately severe</td>", html);
        Assert.Contains("Your latest was <strong>9.0</strong>", html);
        Assert.Contains("988", html); // crisis resources on every client page

        await using var db = app.CreateDbContext();
        Assert.Contains(await db.AuditEvents.AsNoTracking().Where(e => e.ClientId == clientId).ToListAsync(ct),
            e => e.ActorKind == "progress-link" && e.Action == "read" && e.EntityType == "ClientProgress");
    }

    [Theory, AllDatabases]
    public async Task Tampered_expired_and_check_in_tokens_open_no_progress_page(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Tam Tamper");
        var path = await Slice.ProgressPathAsync(staff, clientId);
        var anonymous = StaffClient.Anonymous(app);

        var token = path["/p/".Length..];
        var tampered = "/p/" + token[..12] + (token[12] == 'A' ? 'B' : 'A') + token[13..];
        var bad = await anonymous.GetAsync(tampered, ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("This link does not work", await bad.Content.ReadAsStringAsync(ct));
        // A check-in link's token is signed for another purpose and does not open a progress page.
        var checkIn = await Slice.CreateCheckInAsync(staff, clientId, "connection-check");
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/p/" + checkIn["/c/".Length..], ct)).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(31));
        var expired = await anonymous.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        var html = await expired.Content.ReadAsStringAsync(ct);
        Assert.Contains("This link has expired", html);
        Assert.DoesNotContain("Tam", html);
    }

    private static Dictionary<string, string> Merge(Dictionary<string, string> a, Dictionary<string, string> b) => a.Concat(b).ToDictionary();

}
