using System.Net;
using System.Text.Json;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.Instruments;

public class LicenceFileTests
{
    [Theory, AllDatabases]
    public async Task A_licence_file_makes_a_licensed_instrument_usable_and_its_absence_is_said_plainly(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var licences = Directory.CreateTempSubdirectory("attune-licences-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(licences, "srs.json"), """
            { "instrument": "srs", "licensee": "Riverside Counselling", "licenceReference": "TEST-123",
              "items": { "1": "Relationship test item", "2": "Goals test item", "3": "Approach test item", "4": "Overall test item" },
              "anchors": { "1": { "min": "low end", "max": "high end" } } }
            """, ct);
            await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["Instruments:LicenceDirectory"] = licences });
            var staff = await Demo.ClinicianAsync(app);

            var list = JsonDocument.Parse(await staff.Http.GetStringAsync("/api/instruments", ct)).RootElement.EnumerateArray().ToList();
            Assert.True(list.Single(i => i.GetProperty("id").GetString() == "srs").GetProperty("itemTextAvailable").GetBoolean());
            Assert.False(list.Single(i => i.GetProperty("id").GetString() == "ors").GetProperty("itemTextAvailable").GetBoolean());

            var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/instruments", ct));
            Assert.Contains("Licence file not loaded", page);   // ORS and WAI-SR
            Assert.Contains("From the clinic's licence file", page); // SRS
            Assert.Contains("Text licensed to Riverside Counselling (TEST-123)", page);

            var clientId = await Slice.AddClientAsync(staff, "Licensed Measures");
            var link = await Slice.CreateCheckInAsync(staff, clientId, "srs");
            var form = WebUtility.HtmlDecode(await StaffClient.Anonymous(app).GetStringAsync(link, ct));
            Assert.Contains("Relationship test item", form);
            var submitted = await Slice.SubmitAsync(app, link, new() { ["srs/1"] = "9.5", ["srs/2"] = "9", ["srs/3"] = "8.2", ["srs/4"] = "9" });
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            var clientPage = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
            Assert.Contains("35.7 / 40", clientPage);
        }
        finally
        {
            Directory.Delete(licences, recursive: true);
        }
    }
}
