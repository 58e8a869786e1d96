using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>Issue 20: the analytics pages in a browser — charts drawn above their tables, a date range, the printable report, the research export; axe on each.</summary>
public class AnalyticsWalkTests
{
    [Fact]
    public async Task A_supervisor_reads_the_charts_and_an_admin_downloads_the_research_export()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        // The supervisor: her thirty closed relationships and her supervisee's, beside the whole clinic's.
        var supervisor = await Browser.SignInAsync(browser, server, "supervisor@riverside.example", "demo-supervisor-2026");
        await supervisor.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Analytics" }).ClickAsync();
        await Assertions.Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Analytics", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(supervisor.GetByText("What your and your supervisees' closed relationships show")).ToBeVisibleAsync();
        // Each chart is drawn (a canvas, by uPlot) and named for screen readers, which read the table after it.
        var outcomes = supervisor.GetByRole(AriaRole.Img, new() { Name = "Outcomes: the shares reliably improved, reliably deteriorated and recovered. The figures are in the table below." });
        await Assertions.Expect(outcomes.Locator("canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(supervisor.GetByRole(AriaRole.Table, new() { Name = "Reliable improvement, reliable deterioration and recovery" })).ToContainTextAsync("Dr. Amara Okafor (you)");
        await Assertions.Expect(supervisor.GetByRole(AriaRole.Img, new() { Name = "Alliance and outcome: r with its 95% interval. The figures are in the table below." }).Locator("canvas")).ToHaveCountAsync(1);
        var box = await outcomes.BoundingBoxAsync();
        Assert.True(box is { Height: > 80, Width: > 250 }, $"the outcomes chart is {box?.Width} × {box?.Height}");
        await Assertions.Expect(supervisor.GetByRole(AriaRole.Button, new() { Name = "Print this report" })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(supervisor, "the analytics page");
        await Browser.ScreenshotAsync(supervisor, "40-analytics-supervisor");

        // Printed, the form and the menu are left out and the charts stay.
        await supervisor.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(supervisor.GetByRole(AriaRole.Button, new() { Name = "Show" })).ToBeHiddenAsync();
        await Assertions.Expect(outcomes).ToBeVisibleAsync();
        await supervisor.EmulateMediaAsync(new() { Media = Media.Screen });

        // A range of days with nothing closed in it.
        await Browser.EnterDateAsync(supervisor, "Closed from", new DateTime(2001, 1, 1), withTime: false);
        await Browser.EnterDateAsync(supervisor, "Closed up to and including", new DateTime(2001, 12, 31), withTime: false);
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(supervisor.GetByText("closed from 1 Jan 2001 to 31 Dec 2001", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(supervisor.GetByText("0 closed relationships", new() { Exact = false })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(supervisor, "the analytics page with nothing in range");

        // The admin: the clinic, clinicians de-identified, and the research export.
        var admin = await Browser.SignInAsync(browser, server, "admin@riverside.example", "demo-admin-2026");
        await admin.GotoAsync(server.BaseUrl + "/analytics");
        await Assertions.Expect(admin.GetByRole(AriaRole.Table, new() { Name = "Reliable improvement, reliable deterioration and recovery" })).ToContainTextAsync("Clinician 1"); // Dr. Okafor, the first added: numbered by when added
        await Assertions.Expect(admin.GetByText("Okafor")).ToHaveCountAsync(0);
        var download = await admin.RunAndWaitForDownloadAsync(() => admin.GetByRole(AriaRole.Link, new() { Name = "Download the research export (ZIP)" }).ClickAsync());
        Assert.Matches(@"^attune-research-export-\d{4}-\d{2}-\d{2}\.zip$", download.SuggestedFilename);
        await Browser.AssertAccessibleAsync(admin, "the admin's analytics page");
        await Browser.ScreenshotAsync(admin, "41-analytics-admin");
    }
}
