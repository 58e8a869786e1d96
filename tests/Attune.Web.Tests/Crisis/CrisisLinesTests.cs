using System.Net;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Crisis;

/// <summary>
/// Issue 18, point 7: the clinic's admins set the clinic's crisis lines in the browser; checked (a tap may only call,
/// text or open an https page), audited with before and after, and shown on the clinic's client pages and check-in
/// emails, never on another clinic's.
/// </summary>
public class CrisisLinesTests
{
    private static Dictionary<string, string> Lines(string heading, params (string Name, string Detail, string Href)[] lines)
    {
        var form = new Dictionary<string, string> { ["heading"] = heading };
        for (var i = 0; i < lines.Length; i++)
            (form[$"name-{i}"], form[$"detail-{i}"], form[$"href-{i}"]) = lines[i];
        return form;
    }

    [Theory, AllDatabases]
    public async Task The_admin_sets_the_clinics_crisis_lines_and_every_client_page_and_email_shows_them(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var staff = await Demo.ClinicianAsync(app);
        var before = await ClinicalState.FingerprintAsync(app);

        // A link that runs script, a missing description, no heading: each told beside its field, and nothing changes.
        var bad = await admin.PostFormAsync("/settings/crisis", "crisis", Lines("",
            ("Samaritans", "Call 116 123, free, day or night", "javascript:alert(1)"), ("Shout", "", "sms:85258"), ("", "", "")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var page = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync(ct));
        Assert.Contains("Give a heading.", page);
        Assert.Contains("A link must be a phone number (tel:988), a text message (sms:741741?body=HOME) or a web page (https://…).", page);
        Assert.Contains("id=\"href-0-error\"", page);
        Assert.Contains("id=\"detail-1-error\"", page);
        Assert.Contains("value=\"javascript:alert(1)\"", page); // what was typed is kept to correct
        // No lines at all: a client at risk must always see where to turn.
        var none = await admin.PostFormAsync("/settings/crisis", "crisis", Lines("If you need help now", ("", "", "")));
        Assert.Contains("Give at least one crisis line", WebUtility.HtmlDecode(await none.Content.ReadAsStringAsync(ct)));
        Assert.Equal(before, await ClinicalState.FingerprintAsync(app));
        await using (var db = app.CreateDbContext())
            Assert.Null((await db.Organisations.AsNoTracking().SingleAsync(ct)).CrisisResources);

        // The clinic's own lines (a UK clinic); an emptied line in the middle is dropped.
        var saved = await admin.PostFormAsync("/settings/crisis", "crisis", Lines("Help is there now",
            ("Samaritans", "Call 116 123, free, day or night", "tel:116123"), ("", "", ""), ("Shout", "Text SHOUT to 85258", "sms:85258?body=SHOUT"),
            ("NHS 111", "Call 111 and choose the mental health option", "https://111.nhs.uk")));
        Assert.Equal("/settings/crisis?done=saved", StaffClient.Target(saved));
        Assert.Contains("Crisis lines saved", await admin.Http.GetStringAsync("/settings/crisis?done=saved", ct));

        // The check-in page, its email, and the progress page show the clinic's lines, its name and the therapist's.
        var client = await Slice.AddClientAsync(staff, "Lines Client", "lines@client.example");
        var sent = await staff.PostFormAsync($"/clients/{client}", "checkin", [],
            [new("CheckInInput.Instruments", "phq-9"), new("CheckInInput.Email", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        await using (var db = app.CreateDbContext())
        {
            var mail = await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "lines@client.example", ct);
            Assert.Contains("Help is there now:\n- Samaritans: Call 116 123, free, day or night\n- Shout: Text SHOUT to 85258\n- NHS 111:", mail.Body);
            Assert.DoesNotContain("Lifeline", mail.Body);
        }
        var linkPath = await Slice.CreateCheckInAsync(staff, client, "connection-check");
        var visitor = StaffClient.Anonymous(app);
        var checkIn = WebUtility.HtmlDecode(await visitor.GetStringAsync(linkPath, ct));
        Assert.Contains("Riverside Counselling (demo)", checkIn);
        Assert.Contains("Your therapist: Sam Rivera", checkIn);
        Assert.Contains("<h2 id=\"crisis-heading\">Help is there now</h2>", checkIn);
        Assert.Contains("<a href=\"tel:116123\"><strong>Samaritans</strong></a>", checkIn);
        Assert.Contains("<a href=\"sms:85258?body=SHOUT\"><strong>Shout</strong></a>", checkIn);
        Assert.DoesNotContain("Lifeline", checkIn);
        var progress = WebUtility.HtmlDecode(await visitor.GetStringAsync(await Slice.ProgressPathAsync(staff, client), ct));
        Assert.Contains("Help is there now", progress);
        Assert.Contains("Your therapist: Sam Rivera", progress);

        // A link that names nothing still shows crisis lines: the installation's.
        var broken = WebUtility.HtmlDecode(await (await visitor.GetAsync("/c/not-a-real-link", ct)).Content.ReadAsStringAsync(ct));
        Assert.Contains("988 Suicide & Crisis Lifeline", broken);
        Assert.DoesNotContain("Riverside", broken);

        // Another clinic's clients keep the installation's lines.
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password-1");
        var other = await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password-1");
        var otherClient = await Slice.AddClientAsync(other, "Elsewhere Client");
        var otherPage = WebUtility.HtmlDecode(await visitor.GetStringAsync(await Slice.CreateCheckInAsync(other, otherClient, "connection-check"), ct));
        Assert.Contains("988 Suicide & Crisis Lifeline", otherPage);
        Assert.Contains("Elsewhere Therapy", otherPage);
        Assert.DoesNotContain("Samaritans", otherPage);

        // Back to the installation's lines; both changes audited with the lines before and after.
        Assert.Equal("/settings/crisis?done=reset", StaffClient.Target(await admin.PostFormAsync("/settings/crisis", "crisis-reset", [])));
        Assert.Contains("988 Suicide & Crisis Lifeline", WebUtility.HtmlDecode(await visitor.GetStringAsync(linkPath, ct)));
        await using (var db = app.CreateDbContext())
        {
            var changes = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "update-crisis-lines").OrderBy(e => e.Id).ToListAsync(ct);
            Assert.Equal(2, changes.Count);
            Assert.Contains("\"before\":{\"heading\":\"If you need help now\",\"lines\":[{\"name\":\"988 Suicide \\u0026 Crisis Lifeline\"", changes[0].Detail);
            Assert.Contains("\"after\":{\"heading\":\"Help is there now\",\"lines\":[{\"name\":\"Samaritans\",\"detail\":\"Call 116 123, free, day or night\",\"href\":\"tel:116123\"}", changes[0].Detail);
            Assert.Contains("\"after\":{\"heading\":\"If you need help now\"", changes[1].Detail);
        }

        // Only admins.
        Assert.StartsWith("/denied", StaffClient.Target(await staff.Http.GetAsync("/settings/crisis", ct)));
    }
}
