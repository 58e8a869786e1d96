using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>Issue 21, point 1: the supervisor's view in a browser — where each supervisee's clients need help, one supervisee's page, into a client; axe on each.</summary>
public class SupervisionWalkTests
{
    [Fact]
    public async Task A_supervisor_sees_where_her_supervisee_needs_help_and_opens_the_client()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var supervisor = await Browser.SignInAsync(browser, server, "supervisor@riverside.example", "demo-supervisor-2026");
        await supervisor.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Supervision" }).ClickAsync();
        await Assertions.Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Supervision", Exact = true })).ToBeVisibleAsync();
        // Sam's clients who need help: Chris (worse, and the alliance slipping) among them, worded for the supervisor.
        var needing = supervisor.GetByRole(AriaRole.Table, new() { Name = "Sam Rivera's clients who need help, most first" });
        await Assertions.Expect(needing).ToContainTextAsync("Chris D.");
        await Browser.AssertAccessibleAsync(supervisor, "the supervision overview");
        await Browser.ScreenshotAsync(supervisor, "42-supervision-overview");

        await supervisor.GetByRole(AriaRole.Link, new() { Name = "Sam Rivera", Exact = true }).ClickAsync();
        await Assertions.Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Supervision: Sam Rivera" })).ToBeVisibleAsync();
        var all = supervisor.GetByRole(AriaRole.Table, new() { Name = "Sam Rivera's active clients, those who need help first" });
        foreach (var name in new[] { "Alex M.", "Priya K.", "Jo T.", "Chris D." })
            await Assertions.Expect(all).ToContainTextAsync(name);
        await Browser.AssertAccessibleAsync(supervisor, "one supervisee's page");
        await Browser.ScreenshotAsync(supervisor, "43-supervision-supervisee");

        await all.GetByRole(AriaRole.Link, new() { Name = "Chris D." }).ClickAsync();
        await Assertions.Expect(supervisor.GetByRole(AriaRole.Heading, new() { Name = "Chris D." }).First).ToBeVisibleAsync();
    }
}
