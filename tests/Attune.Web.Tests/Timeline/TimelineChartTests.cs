using System.Net;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Timeline;

/// <summary>
/// Issue 18, point 8: the timeline's charts read at a glance: round ticks on both axes, the cut-off labelled, risk
/// answers, ruptures and repairs marked, each score's date and value on hover, and the clinician's own wording.
/// </summary>
public class TimelineChartTests
{
    [Fact]
    public async Task The_timeline_marks_risk_ruptures_and_repairs_labels_the_cut_off_and_speaks_to_the_clinician()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        Guid alex;
        await using (var db = app.CreateDbContext())
            alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(ct);
        // Alex answers PHQ-9 item 9 "Several days".
        var link = await Slice.CreateCheckInAsync(staff, alex, "phq-9");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, link, Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 1))).StatusCode);

        var html = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{alex}/timeline", ct));
        // The cut-off is named on the chart; the score axis has round ticks (PHQ-9 0–27: 0, 10, 20) with grid lines.
        Assert.Contains(">cut-off 10</text>", html);
        foreach (var tick in new[] { ">0</text>", ">10</text>", ">20</text>" })
            Assert.Contains(tick, html);
        Assert.Contains("class=\"grid\"", html);
        // Each score's date, value and level on hover (and in the list).
        Assert.Matches("<title>[^<]+: PHQ-9 18 \\(Moderately severe\\)", html);
        Assert.Contains("PHQ-9 9 (Mild)", html);
        // The risk answer is marked where it was given.
        Assert.Matches("<path class=\"risk\"[^>]*><title>[^<]+: risk answer on the PHQ-9</title>", html);
        Assert.Contains(", risk answer", html);
        // Alex's logged rupture and its repair, on the outcome chart as on the alliance chart.
        Assert.True(System.Text.RegularExpressions.Regex.Matches(html, "<path class=\"rupture\"").Count >= 2, "The rupture is marked on both charts");
        Assert.True(System.Text.RegularExpressions.Regex.Matches(html, "<circle class=\"repair\"").Count >= 2, "The repair is marked on both charts");
        // Written for the clinician, in the measure's own direction.
        Assert.Contains("Milestone: PHQ-9 reliably improved since the first score, 18 → ", html);
        Assert.DoesNotContain("Milestone: Your", html);
        Assert.DoesNotContain("Milestone: You ", html);
        Assert.DoesNotContain("below expected", html);
        Assert.Contains("Relationship opened (Intake", html);
        Assert.Matches(" · [0-9]+ attended sessions", html);
        Assert.DoesNotContain("session(s)", html);
    }
}
