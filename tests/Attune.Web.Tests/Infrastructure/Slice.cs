using System.Net;
using System.Text.RegularExpressions;
using Attune.Core.CheckIns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Attune.Web.Time;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>The clinician's steps of the first slice, through the real forms.</summary>
public static partial class Slice
{
    /// <summary>
    /// A message's text with Attune's own links (to the tests' PublicUrl, https://localhost) taken out: a link's random
    /// token can hold any short word by chance. Links elsewhere (a crisis line's) stay in.
    /// </summary>
    public static string WithoutLinks(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"https://localhost/\S+", "<link>");

    public static async Task<Guid> AddClientAsync(StaffClient staff, string name, string email = "", string phone = "")
    {
        // As a browser sends it: optional fields left empty are posted as "".
        var response = await staff.PostFormAsync("/clients/new", "new-client", new()
        {
            ["Input.Name"] = name, ["Input.Email"] = email, ["Input.Phone"] = phone, ["Input.Reference"] = "",
        });
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Adding a client answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return Guid.Parse(response.Headers.Location!.OriginalString.Split('/').Last());
    }

    /// <summary>The session form's fields for an attended video session starting at a clinic time ("2026-11-02T10:00").</summary>
    public static Dictionary<string, string> SessionForm(string localStart) => new(DateFields("startsAt", localStart))
    {
        ["SessionInput.Modality"] = "Video",
        ["SessionInput.Attendance"] = "Attended",
    };

    /// <summary>A date entry's fields as a browser sends them: day, month (a number), year and, for a time, 24-hour time.</summary>
    public static Dictionary<string, string> DateFields(string name, string local)
    {
        // Split as written, not parsed, so that a day that does not exist ("2026-02-30") is sent as a person would type it.
        var dateAndTime = local.Split('T');
        var ymd = dateAndTime[0].Split('-');
        var fields = new Dictionary<string, string>
        {
            [$"{name}.day"] = ymd[2].TrimStart('0'), [$"{name}.month"] = ymd[1].TrimStart('0'), [$"{name}.year"] = ymd[0],
        };
        if (dateAndTime.Length > 1)
            fields[$"{name}.time"] = dateAndTime[1][..5];
        return fields;
    }

    public static async Task RecordSessionAsync(StaffClient staff, Guid clientId, string localStart)
    {
        var response = await staff.PostFormAsync($"/clients/{clientId}", "session", SessionForm(localStart));
        var html = await FollowAsync(staff, response);
        Assert.True(html.Contains("Session recorded."), html);
    }

    /// <summary>Records an attended session that started two hours ago (so it has ended) and returns its id.</summary>
    public static async Task<Guid> RecordEndedSessionAsync(AttuneFactory app, StaffClient staff, Guid clientId)
    {
        var local = app.Services.GetRequiredService<Attune.Web.Time.ClinicClock>().ToLocal(app.Clock.GetUtcNow().AddHours(-2));
        await RecordSessionAsync(staff, clientId, local.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await using var db = app.CreateDbContext();
        return await db.Sessions.Where(s => db.Relationships.Any(r => r.Id == s.RelationshipId && r.ClientId == clientId))
            .OrderByDescending(s => s.StartsAt).Select(s => s.Id).FirstAsync();
    }

    /// <summary>Creates a check-in link for the given instruments and returns its path (/c/…).</summary>
    public static async Task<string> CreateCheckInAsync(StaffClient staff, Guid clientId, params string[] instruments)
    {
        // The page may already list links the measurement plan made; the new one is the one not there before.
        var before = LinkPattern().Matches(await staff.Http.GetStringAsync($"/clients/{clientId}")).Select(m => m.Groups[1].Value).ToHashSet();
        var response = await staff.PostFormAsync($"/clients/{clientId}", "checkin", [],
            instruments.Select(i => new KeyValuePair<string, string>("CheckInInput.Instruments", i)).ToList());
        var html = await FollowAsync(staff, response);
        var match = LinkPattern().Matches(html).SingleOrDefault(m => !before.Contains(m.Groups[1].Value));
        Assert.True(match is not null, "No new check-in link on the page: " + html);
        return new Uri(WebUtility.HtmlDecode(match.Groups[2].Value)).PathAndQuery;
    }

    public static Dictionary<string, string> ConnectionCheck(int each = 8, int moment = 0, string? note = null)
    {
        var answers = new[] { "heard", "safe", "seen", "goals", "approach", "room", "overall" }
            .ToDictionary(i => $"connection-check/{i}", _ => each.ToString(System.Globalization.CultureInfo.InvariantCulture));
        answers["connection-check/moment"] = moment.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (note is not null) answers["connection-check/note"] = note;
        return answers;
    }

    public static Dictionary<string, string> Phq9(params int[] items) =>
        items.Select((v, i) => (Key: $"phq-9/{i + 1}", Value: v.ToString(System.Globalization.CultureInfo.InvariantCulture)))
             .ToDictionary(x => x.Key, x => x.Value);

    /// <summary>
    /// Answers a check-in as a browser does: one screen per instrument (each posting only its own answers and
    /// following the redirect to the next), then "Send my answers" on the review step. Returns the last answer:
    /// the thank-you page, or a screen that came back with errors, or the page of a link that no longer works.
    /// </summary>
    public static Task<HttpResponseMessage> SubmitAsync(AttuneFactory app, string linkPath, Dictionary<string, string> answers) =>
        SubmitAsync(new StaffClient(StaffClient.Anonymous(app)), linkPath, answers);

    public static async Task<HttpResponseMessage> SubmitAsync(StaffClient client, string linkPath, Dictionary<string, string> answers)
    {
        var path = linkPath;
        for (var screens = 0; screens < 20; screens++)
        {
            var page = await client.Http.GetAsync(path);
            var html = await page.Content.ReadAsStringAsync();
            if (page.StatusCode != HttpStatusCode.OK) return page;
            if (html.Contains("Send my answers"))
                return await client.PostFormFromHtmlAsync(path, html, "send", []);
            var instrument = ScreenPattern().Match(html).Groups[1].Value;
            var mine = answers.Where(a => a.Key.StartsWith(instrument + "/", StringComparison.Ordinal)).ToDictionary();
            mine["instrument"] = instrument;
            var saved = await client.PostFormFromHtmlAsync(path, html, "checkin", mine);
            if (saved.StatusCode != HttpStatusCode.Redirect) return saved;
            path = new Uri(new Uri("http://localhost"), saved.Headers.Location!).PathAndQuery;
        }
        throw new InvalidOperationException("The check-in never reached its review step.");
    }

    /// <summary>Saves one screen of a check-in and returns the answer (a redirect to the next step when accepted).</summary>
    public static async Task<HttpResponseMessage> SaveScreenAsync(StaffClient client, string path, string instrument, Dictionary<string, string> answers)
    {
        var html = await client.Http.GetStringAsync(path);
        return await client.PostFormFromHtmlAsync(path, html, "checkin", new(answers) { ["instrument"] = instrument });
    }

    public static async Task<CheckIn> SingleCheckInAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var relationshipIds = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        return await db.CheckIns.SingleAsync(c => relationshipIds.Contains(c.RelationshipId));
    }

    /// <summary>The client's progress-page link as the clinician's page shows it (/p/…).</summary>
    public static async Task<string> ProgressPathAsync(StaffClient staff, Guid clientId)
    {
        var match = ProgressLinkPattern().Match(await staff.Http.GetStringAsync($"/clients/{clientId}"));
        Assert.True(match.Success, "No progress link on the client page.");
        return new Uri(WebUtility.HtmlDecode(match.Groups[1].Value)).PathAndQuery;
    }

    /// <summary>Forms on the client page answer with a redirect (post/redirect/get); this follows it.</summary>
    public static async Task<string> FollowAsync(StaffClient staff, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Expected a redirect after the form, got {(int)response.StatusCode}: {body}");
        return await staff.Http.GetStringAsync(response.Headers.Location);
    }

    [GeneratedRegex("id=\"progress-link\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex ProgressLinkPattern();

    [GeneratedRegex("name=\"instrument\" value=\"([^\"]+)\"")]
    private static partial Regex ScreenPattern();

    [GeneratedRegex("id=\"link-([0-9a-f]{32})\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex LinkPattern();
}
