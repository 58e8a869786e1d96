using System.Net;
using System.Text.Json;
using Attune.Core.Fhir;
using Attune.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;

namespace Attune.Web.Tests.Instruments;

public class InstrumentApiTests
{
    [Theory, AllDatabases]
    public async System.Threading.Tasks.Task Every_instrument_is_served_as_a_fhir_questionnaire(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var ct = TestContext.Current.CancellationToken;
        var list = JsonDocument.Parse(await staff.Http.GetStringAsync("/api/instruments", ct)).RootElement;
        Assert.Equal(9, list.GetArrayLength()); // eight for clients, and ProQOL 5 for the clinician's own wellbeing check
        foreach (var instrument in list.EnumerateArray())
        {
            var id = instrument.GetProperty("id").GetString()!;
            var response = await staff.Http.GetAsync($"/api/instruments/{id}/questionnaire", ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
            var q = FhirJson.Deserialize<Questionnaire>(await response.Content.ReadAsStringAsync(ct));
            Assert.Equal(id, q.Id);
        }
        var wai = list.EnumerateArray().Single(i => i.GetProperty("id").GetString() == "wai-sr");
        Assert.False(wai.GetProperty("itemTextAvailable").GetBoolean());
        var proqol = list.EnumerateArray().Single(i => i.GetProperty("id").GetString() == "proqol-5");
        Assert.Equal("Wellbeing", proqol.GetProperty("purpose").GetString());
    }

    [Theory, AllDatabases]
    public async System.Threading.Tasks.Task Unknown_instrument_is_a_404_problem(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var response = await staff.Http.GetAsync("/api/instruments/nope/questionnaire", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
