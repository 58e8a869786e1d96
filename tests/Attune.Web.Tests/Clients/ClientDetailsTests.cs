using System.Net;
using Attune.Core.Clinic;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Clients;

/// <summary>
/// Issue 18, point 3: client details could not be edited or seen, while the risk alert said "Contact the client today".
/// Now the clinician edits them (checked, audited) and they show on the client's page and on every alert.
/// </summary>
public class ClientDetailsTests
{
    private static Dictionary<string, string> Details(string name = "Dana Details", string email = "", string phone = "", string preferred = "", string born = "") => new(born.Contains('-') ? Slice.DateFields("dateOfBirth", born) : new() { ["dateOfBirth.day"] = born, ["dateOfBirth.month"] = "", ["dateOfBirth.year"] = "" })
    {
        ["name"] = name, ["pronouns"] = "they/them", ["email"] = email, ["phone"] = phone, ["reference"] = "R-1", ["preferredContact"] = preferred,
    };

    [Theory, AllDatabases]
    public async Task The_clinician_edits_the_details_and_they_show_on_the_client_page_and_the_alert(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Dana D.");
        var path = $"/clients/{clientId}/details";

        async Task Refused(Dictionary<string, string> form, string words)
        {
            var response = await staff.PostFormAsync(path, "details", form);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(words, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)));
        }
        await Refused(Details(preferred: "Email"), "Give the client's email address to contact them by email.");
        await Refused(Details(preferred: "Text"), "Give the client's phone number");
        await Refused(Details(email: "not-an-address"), "Email is not a valid address.");
        await Refused(Details(born: "2999-01-01"), "Give a date of birth between 1900 and today");
        await Refused(Details(born: "yesterday"), "Give the day of birth as a number from 1 to 31.");
        await Refused(Details(born: "1990-02-30"), "February 1990 has 28 days; check the day of birth.");
        await Refused(Details(preferred: "Pigeon", phone: "555-0100"), "Choose how the client prefers to be contacted");
        await Refused(Details(name: " "), "Name is required.");
        await using (var db = app.CreateDbContext())
        {
            var unchanged = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
            Assert.Equal(("Dana D.", null, null), (unchanged.DisplayName, unchanged.Pronouns, unchanged.Phone));
        }

        var saved = await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "details", Details(email: "dana@example.org", phone: "555-0100", preferred: "Text", born: "1990-04-02")));
        Assert.Contains("Details saved.", saved);
        Assert.Contains("Dana Details<span class=\"pronouns\"> (they/them)</span>", saved);
        Assert.Contains("href=\"tel:555-0100\"", saved);
        Assert.Contains("(prefers texts)", saved);
        Assert.Contains("born 2 Apr 1990", saved);
        await using (var db = app.CreateDbContext())
        {
            var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
            Assert.Equal((ContactPreference.Text, new DateOnly(1990, 4, 2), "R-1"), (client.PreferredContact!.Value, client.DateOfBirth!.Value, client.Reference));
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityType == "Client" && e.Action == "update" && e.ClientId == clientId, ct));
        }

        // On the risk alert, where the clinician is asked to contact the client today.
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 1))).StatusCode);
        Guid alertId;
        await using (var db = app.CreateDbContext())
            alertId = await db.Alerts.Where(a => a.Urgent && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == clientId)).Select(a => a.Id).SingleAsync(ct);
        var alert = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/alerts/{alertId}", ct));
        Assert.Contains("href=\"tel:555-0100\"", alert);
        Assert.Contains("href=\"mailto:dana@example.org\"", alert);

        // The supervisor reads them and cannot change them.
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var page = await supervisor.Http.GetStringAsync(path, ct);
        Assert.Contains("Only the client's own clinician changes their details.", WebUtility.HtmlDecode(page));
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostFormFromHtmlAsync(path, page, "details", Details(name: "Changed"))).StatusCode);
    }
}
