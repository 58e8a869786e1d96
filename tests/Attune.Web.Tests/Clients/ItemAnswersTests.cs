using System.Net;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.Clients;

/// <summary>Issue 18, point 4: the clinician saw totals only. Each response opens to its items; a table shows each item over time.</summary>
public class ItemAnswersTests
{
    [Fact]
    public async Task Each_response_opens_to_its_items_with_critical_items_highlighted_and_each_item_over_time()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ida Items");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(3, 2, 2, 1, 1, 2, 1, 1, 3))).StatusCode);
        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Answers item by item", page);
        Assert.Matches(@"<tr><th scope=""row"">1\. Little interest or pleasure in doing things</th>\s*<td>Nearly every day \(3\)</td>", page);
        Assert.Matches(@"<tr class=""critical""><th scope=""row"">9\. Thoughts that you would be better off dead or of hurting yourself in some way</th>\s*<td>Nearly every day \(3\)<span class=""badge risk"">critical item</span>", page);
        Assert.DoesNotContain("item by item over time", page); // one measurement: nothing to compare yet

        app.Clock.Advance(TimeSpan.FromDays(14));
        staff = await Demo.ClinicianAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))).StatusCode);
        page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("PHQ-9 item by item over time", page);
        Assert.Matches(@"<th scope=""row"">9\. Self-harm thoughts</th>\s*<td class=""num critical"">3<span class=""visually-hidden""> \(critical item\)</span></td>\s*<td class=""num"">0</td>", page);
    }
}
