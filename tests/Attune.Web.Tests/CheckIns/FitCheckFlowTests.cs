using System.Net;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.CheckIns;

public class FitCheckFlowTests
{
    [Theory, AllDatabases]
    public async Task After_session_3_the_fit_check_is_offered_and_a_no_reaches_the_clinician(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Fit Question");
        // Sessions more than a week ago: the scheduler sends nothing for them, so the only link is the one made here.
        await Slice.RecordSessionAsync(staff, clientId, "2026-10-05T10:00");
        await Slice.RecordSessionAsync(staff, clientId, "2026-10-12T10:00");
        var before = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.DoesNotContain("(due: session 3 has taken place)", before);

        await Slice.RecordSessionAsync(staff, clientId, "2026-10-19T10:00");
        var due = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Fit check (due: session 3 has taken place)", due);
        Assert.Matches("value=\"fit-check\"[^>]*checked", due);

        var link = await Slice.CreateCheckInAsync(staff, clientId, "fit-check");
        var form = WebUtility.HtmlDecode(await StaffClient.Anonymous(app).GetStringAsync(link, ct));
        Assert.Contains("Your view of the fit matters.", form);
        Assert.Contains("asking for a different therapist is fine", form);
        Assert.Contains("Is this a good fit for me?", form);

        var submitted = await Slice.SubmitAsync(app, link, new()
        {
            ["fit-check/heard"] = "5", ["fit-check/safe"] = "6", ["fit-check/seen"] = "4",
            ["fit-check/fit"] = "2", ["fit-check/referral"] = "1", ["fit-check/help"] = "Someone who knows about grief",
        });
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);

        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Fit check: talk about fit", page);
        Assert.Contains("answered “No”", page);
        Assert.Contains("asked for help finding a different therapist", page);
        Assert.Matches(@"What would help:</span>\s*Someone who knows about grief", page);
        Assert.Contains("5.0 / 10", page);
        Assert.DoesNotContain("(due: session 3 has taken place)", page);
        var caseload = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/", ct));
        Assert.Contains("Fit: referral asked", caseload);
    }

    [Theory, AllDatabases]
    public async Task A_yes_raises_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Good Fit");
        var link = await Slice.CreateCheckInAsync(staff, clientId, "fit-check");
        var submitted = await Slice.SubmitAsync(app, link, new()
        {
            ["fit-check/heard"] = "9", ["fit-check/safe"] = "9", ["fit-check/seen"] = "9", ["fit-check/fit"] = "0",
        });
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.DoesNotContain("Fit check: talk about fit", page);
        Assert.Contains("9.0 / 10", page);
    }
}
