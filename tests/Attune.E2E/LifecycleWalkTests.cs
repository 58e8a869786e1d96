using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>
/// A whole relationship in the browser: the intake record and the fit talked about, the working phase, a planned
/// ending with Attune's drafted summary and a carry-forward plan the client opens and can print, then the way back:
/// a new episode linked to the old one. Axe on every page.
/// </summary>
public class LifecycleWalkTests
{
    [Fact]
    public async Task Intake_to_termination_and_back()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var staff = await Browser.SignInAsync(browser, server, "clinician@riverside.example", "demo-clinician-2026");
        await staff.GetByRole(AriaRole.Link, new() { Name = "Jo T.", Exact = true }).ClickAsync();
        await staff.GetByRole(AriaRole.Link, new() { Name = "Intake record (not yet written)" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Intake: Jo T.");
        await staff.GetByLabel(new Regex("^What brings the client")).FillAsync("Worry about exams; not sleeping.");
        await staff.GetByLabel("Talking things through").CheckAsync();
        await staff.GetByLabel(new Regex("^Visual aids")).CheckAsync();
        await staff.GetByLabel("Gentle: take it slowly").CheckAsync();
        await staff.GetByLabel("Active guidance and suggestions").CheckAsync();
        await staff.GetByLabel("Promising").CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Save intake record" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Intake record saved.");
        await Assertions.Expect(staff.GetByLabel("Gentle: take it slowly")).ToBeCheckedAsync();
        await staff.GetByLabel(new Regex("^What you talked about")).FillAsync("Said it is fine to ask for someone else.");
        await staff.GetByRole(AriaRole.Button, new() { Name = "We discussed the fit today" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Recorded that you and the client discussed the fit.");
        await Assertions.Expect(staff.GetByText(new Regex("^Fit discussed on .*: Said it is fine"))).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(staff, "the intake record");
        await Browser.ScreenshotAsync(staff, "30-intake");

        await staff.GetByRole(AriaRole.Link, new() { Name = "Jo T." }).First.ClickAsync();
        await staff.GetByLabel("Move to").SelectOptionAsync("Working");
        await staff.GetByLabel("Reason").FillAsync("Goals agreed; fit discussed");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Change phase" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Phase changed");
        await staff.GetByLabel("Move to").SelectOptionAsync("Termination");
        await staff.GetByLabel("Reason").FillAsync("Exams over; sleeping again");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Change phase" }).ClickAsync();
        await Assertions.Expect(staff.Locator("p.meta .phase")).ToHaveTextAsync("Termination");

        await staff.GetByRole(AriaRole.Link, new() { Name = "End the relationship" }).ClickAsync();
        await Assertions.Expect(staff.GetByLabel(new Regex("^Closing summary"))).ToHaveValueAsync(new Regex("attended since"));
        await Assertions.Expect(staff.GetByLabel("Planned: agreed with the client")).ToBeCheckedAsync();
        await staff.GetByLabel(new Regex("^Carry-forward plan")).FillAsync("Keep the wind-down hour. If sleep goes for a week, book a session.");
        await Browser.AssertAccessibleAsync(staff, "the ending form");
        await Browser.ScreenshotAsync(staff, "31-ending");
        await staff.GetByRole(AriaRole.Button, new() { Name = "End the relationship" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("The relationship is closed.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "How it ended" })).ToContainTextAsync("Planned ending");
        await Browser.AssertAccessibleAsync(staff, "the closed episode");
        await Browser.ScreenshotAsync(staff, "32-episode-closed");

        // The client opens their plan from the link, without an account.
        var planUrl = await staff.GetByLabel(new Regex("^Link for the client to keep and print their plan")).InputValueAsync();
        var client = await browser.NewPageAsync();
        await client.GotoAsync(planUrl);
        await Assertions.Expect(client.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your plan for going forward");
        await Assertions.Expect(client.GetByText("Keep the wind-down hour.")).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByRole(AriaRole.Button, new() { Name = "Print this plan" })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(client, "the client's carry-forward plan");
        await Browser.ScreenshotAsync(client, "33-carry-forward-plan");

        // The way back, found through the client list (a closed client is no longer on the caseload).
        await staff.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Clients", Exact = true }).ClickAsync();
        await staff.GetByLabel("Show").SelectOptionAsync("closed");
        await staff.GetByLabel("Name or reference").FillAsync("jo t");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("1 client");
        await Browser.AssertAccessibleAsync(staff, "the client list");
        await Browser.ScreenshotAsync(staff, "33b-client-list-closed");
        await staff.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link, new() { Name = "Jo T." }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "This relationship is closed" })).ToBeVisibleAsync();
        await staff.GetByLabel(new System.Text.RegularExpressions.Regex("^Why the client is coming back")).FillAsync("Asked to come back after a difficult winter.");
        await staff.GetByLabel(new System.Text.RegularExpressions.Regex("^I am opening a new episode")).CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Re-engage: open a new episode" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("A new episode is open");
        await Assertions.Expect(staff.Locator("p.meta .phase")).ToHaveTextAsync("Intake");
        var episodes = staff.GetByRole(AriaRole.Region, new() { Name = "Episodes of care" });
        await Assertions.Expect(episodes.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Assertions.Expect(episodes).ToContainTextAsync("planned: goals met");
        await Browser.AssertAccessibleAsync(staff, "the client page with two episodes");
        await Browser.ScreenshotAsync(staff, "34-re-engaged");
    }
}
