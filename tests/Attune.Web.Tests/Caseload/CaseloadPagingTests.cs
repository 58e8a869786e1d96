using System.Net;
using System.Text.RegularExpressions;
using Attune.Web.Features.Caseload;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Caseload;

/// <summary>
/// Issue 22, P2: a caseload of any size is shown a page at a time, those who need attention first. The pages are
/// ranked from a summary counted in the database before any row is read whole; read one after another they must give
/// exactly the order of the whole caseload ranked from its full rows.
/// </summary>
public partial class CaseloadPagingTests
{
    [Theory, AllDatabases]
    public async Task The_pages_together_are_the_whole_caseload_in_order_of_need(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["Caseload:PageSize"] = "2" });
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        // Beside the demo clinic's clients (one off track with open signals, some with nothing to look at): one with a
        // risk answer, one with two check-ins not completed, and two with nothing yet, whose order is by name alone.
        await Slice.AddClientAsync(staff, "Zed Quiet");
        await Slice.AddClientAsync(staff, "Abe Quiet");
        var risk = await Slice.AddClientAsync(staff, "Rae Risk");
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, risk, "phq-9"), Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 1))).StatusCode);
        var missed = await Slice.AddClientAsync(staff, "Mia Missed");
        await Slice.CreateCheckInAsync(staff, missed, "phq-9");
        await Slice.CreateCheckInAsync(staff, missed, "gad-7");
        await using (var db = app.CreateDbContext())
            await db.CheckIns.Where(c => db.Relationships.Any(r => r.Id == c.RelationshipId && r.ClientId == missed))
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.ExpiresAt, app.Clock.GetUtcNow().AddDays(-1)), ct);

        // The whole caseload, ranked from every row read whole.
        IReadOnlyList<CaseloadRow> whole;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Attune.Data.AttuneDbContext>();
            var user = await db.Users.SingleAsync(u => u.Email == Demo.ClinicianEmail, ct);
            whole = await scope.ServiceProvider.GetRequiredService<CaseloadQuery>().RowsAsync(user, ct);
        }
        Assert.True(whole.Count >= 5, $"The caseload has {whole.Count} clients.");
        // Enough kinds of need that a summary counting one wrongly would put a client on the wrong page.
        Assert.True(whole.Select(r => r.Need).Distinct().Count() >= 4, string.Join(", ", whole.Select(r => $"{r.ClientName} {r.Need}")));
        Assert.Contains(whole, r => r.UrgentAlertId is not null);
        Assert.Contains(whole, r => r.MissedCheckIns == 2);
        Assert.Contains(whole, r => r.Outcome?.Light == Attune.Core.Signals.TrackLight.Red);
        Assert.Contains(whole, r => r.Need == 0);

        var pages = (whole.Count + 1) / 2;
        var seen = new List<string>();
        for (var page = 1; page <= pages; page++)
        {
            var html = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/?page={page}", ct));
            var names = RowName().Matches(html).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(page < pages ? 2 : whole.Count - 2 * (pages - 1), names.Count);
            seen.AddRange(names);
            Assert.Contains($"{whole.Count} active clients, those who need attention first. {whole.Count(r => r.NeedsAttention)} with something to look at.", html);
            Assert.Contains($"page {page} of {pages}", html);
            Assert.Equal(page > 1, html.Contains("rel=\"prev\"", StringComparison.Ordinal));
            Assert.Equal(page < pages, html.Contains("rel=\"next\"", StringComparison.Ordinal));
        }
        Assert.Equal(whole.Select(r => r.ClientName), seen);

        // A page out of range, or not a number, is the nearest page, never an error.
        var last = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/?page=999", ct));
        Assert.Contains($"page {pages} of {pages}", last);
        Assert.Contains($"page 1 of {pages}", WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/?page=-3", ct)));
        Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync("/?page=banana", ct)).StatusCode);
    }

    [GeneratedRegex("<th scope=\"row\">\\s*<a href=\"/clients/[^\"]+\">([^<]+)</a>")]
    private static partial Regex RowName();
}
