using System.Net;
using Attune.Core.Relationships;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Clients;

public class BadInputTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            data.Add(provider, "session", "SessionInput.StartsAt=garbage&SessionInput.Modality=Video&SessionInput.Attendance=Attended");
            data.Add(provider, "session", "SessionInput.StartsAt=2026-11-02T10:00&SessionInput.Modality=Teleport&SessionInput.Attendance=Attended");
            data.Add(provider, "session", "SessionInput.StartsAt=2026-11-02T10:00&SessionInput.Modality=7&SessionInput.Attendance=Attended");
            data.Add(provider, "session", "SessionInput.StartsAt=9999-12-31T23:59&SessionInput.Modality=Video&SessionInput.Attendance=Attended");
            data.Add(provider, "session", "SessionInput.StartsAt=0001-01-01T00:00&SessionInput.Modality=Video&SessionInput.Attendance=Attended");
            data.Add(provider, "checkin", "CheckInInput.Instruments=nope");
            data.Add(provider, "checkin", "CheckInInput.Instruments=wai-sr");
            data.Add(provider, "checkin", "CheckInInput.Instruments=phq-9&CheckInInput.SessionId=not-a-guid");
            data.Add(provider, "checkin", $"CheckInInput.Instruments=phq-9&CheckInInput.SessionId={Guid.NewGuid()}");
            data.Add(provider, "phase", "PhaseInput.To=Closed&PhaseInput.Reason=skip+ahead");
            data.Add(provider, "phase", "PhaseInput.To=Banana&PhaseInput.Reason=x");
            data.Add(provider, "phase", "PhaseInput.To=Working&PhaseInput.Reason=");
            data.Add(provider, "phase", "PhaseInput.To=Working&PhaseInput.Reason=" + new string('a', 3000));
            data.Add(provider, "nosuchform", "x=1");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_form_input_on_the_client_page_is_refused_with_a_reason_and_changes_nothing(string provider, string form, string body)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Bad Input");
        var before = await SnapshotAsync(app, clientId);

        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", TestContext.Current.CancellationToken);
        var values = body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => WebUtility.UrlDecode(p[1]));
        var response = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, form, values);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}");
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
