using System.Net;
using Attune.Core.Relationships;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Clients;

/// <summary>
/// Every bad form on the client's page, each on a client of its own in one app per database (the cases change nothing,
/// and each checks that by its own client's snapshot), so that 28 cases do not start 28 apps.
/// </summary>
public class BadInputTests(SharedApps apps) : IClassFixture<SharedApps>
{
    public static TheoryData<string, string, string, int> Cases()
    {
        var data = new TheoryData<string, string, string, int>();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            data.Add(provider, "session", "startsAt.day=garbage&startsAt.month=11&startsAt.year=2026&startsAt.time=10:00&SessionInput.Modality=Video&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "session", "startsAt.day=2&startsAt.month=11&startsAt.year=2026&startsAt.time=10:00&SessionInput.Modality=Teleport&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "session", "startsAt.day=2&startsAt.month=11&startsAt.year=2026&startsAt.time=10:00&SessionInput.Modality=7&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "session", "startsAt.day=31&startsAt.month=12&startsAt.year=9999&startsAt.time=23:59&SessionInput.Modality=Video&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "session", "startsAt.day=1&startsAt.month=1&startsAt.year=0001&startsAt.time=00:00&SessionInput.Modality=Video&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "session", "startsAt.day=31&startsAt.month=2&startsAt.year=2026&startsAt.time=10:00&SessionInput.Modality=Video&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "session", "startsAt.day=2&startsAt.month=13&startsAt.year=2026&startsAt.time=10:00&SessionInput.Modality=Video&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "session", "startsAt.day=2&startsAt.month=11&startsAt.year=2026&startsAt.time=25:00&SessionInput.Modality=Video&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "session", "startsAt.day=2&startsAt.month=11&startsAt.year=2026&startsAt.time=&SessionInput.Modality=Video&SessionInput.Attendance=Attended", 422);
            data.Add(provider, "checkin", "CheckInInput.Instruments=nope", 422);
            data.Add(provider, "checkin", "CheckInInput.Instruments=wai-sr", 422);
            data.Add(provider, "checkin", "CheckInInput.Instruments=phq-9&CheckInInput.SessionId=not-a-guid", 422);
            data.Add(provider, "checkin", $"CheckInInput.Instruments=phq-9&CheckInInput.SessionId={Guid.NewGuid()}", 422);
            data.Add(provider, "phase", "PhaseInput.To=Closed&PhaseInput.Reason=skip+ahead", 422);
            data.Add(provider, "phase", "PhaseInput.To=Banana&PhaseInput.Reason=x", 422);
            data.Add(provider, "phase", "PhaseInput.To=Working&PhaseInput.Reason=", 422);
            data.Add(provider, "phase", "PhaseInput.To=Working&PhaseInput.Reason=" + new string('a', 3000), 422);
            data.Add(provider, "nosuchform", "x=1", 400);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_form_input_on_the_client_page_is_refused_with_a_reason_and_changes_nothing(string provider, string form, string body, int status)
    {
        var app = await apps.GetAsync(provider);
        var staff = await apps.ClinicianAsync(provider);
        var clientId = await Slice.AddClientAsync(staff, "Bad Input");
        var before = await SnapshotAsync(app, clientId);

        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", TestContext.Current.CancellationToken);
        var values = body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => WebUtility.UrlDecode(p[1]));
        var response = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, form, values);

        // 422: the form was read and refused, with the reason beside it; 400: there is no such form on the page.
        Assert.Equal(status, (int)response.StatusCode);
        if (response.StatusCode != HttpStatusCode.BadRequest)
            Assert.Contains("role=\"alert\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, await SnapshotAsync(app, clientId));
    }

    private static async Task<string> SnapshotAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var r = await db.Relationships.Include(x => x.Sessions).Include(x => x.PhaseChanges).AsNoTracking().SingleAsync(x => x.ClientId == clientId);
        var checkIns = await db.CheckIns.CountAsync(c => c.RelationshipId == r.Id);
        return $"{r.Phase}|{r.Sessions.Count}|{r.PhaseChanges.Count}|{checkIns}";
    }
}
