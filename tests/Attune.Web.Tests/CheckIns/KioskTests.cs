using System.Net;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.CheckIns;

public class KioskTests
{
    [Theory, AllDatabases]
    public async Task Kiosk_mode_signs_the_clinician_out_and_opens_the_check_in_on_the_same_device(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Kiosk Client");

        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        var response = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "checkin", new() { ["CheckInInput.Kiosk"] = "true" },
            [new("CheckInInput.Instruments", "connection-check")]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var link = new Uri(new Uri("http://localhost"), response.Headers.Location!).PathAndQuery;
        Assert.StartsWith("/c/", link);
        Assert.EndsWith("?kiosk=1", link);

        // The same browser is no longer signed in as the clinician...
        var staffPage = await staff.Http.GetAsync($"/clients/{clientId}", ct);
        Assert.Equal(HttpStatusCode.Redirect, staffPage.StatusCode);
        Assert.StartsWith("/login", staffPage.Headers.Location!.PathAndQuery);

        // ...and the client answers on it.
        var form = await staff.Http.GetStringAsync(link, ct);
        Assert.Contains("I felt heard.", form);
        var done = await Slice.SubmitAsync(staff, link, Slice.ConnectionCheck(8));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Please hand the device back to your therapist.", await done.Content.ReadAsStringAsync(ct));
        // A mangled query string is not an error.
        Assert.Equal(HttpStatusCode.Gone, (await staff.Http.GetAsync(link.Replace("kiosk=1", "kiosk=banana"), ct)).StatusCode);
    }
}
