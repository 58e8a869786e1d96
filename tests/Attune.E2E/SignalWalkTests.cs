using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>
/// The clinician's day: the caseload puts the client who is off track first; the alert explains why and what to do;
/// the guidance page; resolving with the action taken; the relationship's timeline. Then a reflection and a rupture
/// logged by hand. Axe on every page.
/// </summary>
public class SignalWalkTests
{
    [Fact]
    public async Task Caseload_alert_guidance_resolve_and_timeline()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var staff = await Browser.SignInAsync(browser, server, "clinician@riverside.example", "demo-clinician-2026");
        var rows = staff.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row);
        // Row 0 is the header; the first client is the one who needs attention most.
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("Chris D.");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("red: off track");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("Perception gap");
        await Assertions.Expect(staff.Locator("svg.spark").First).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(staff, "the caseload with signals");
        await Browser.ScreenshotAsync(staff, "20-caseload-signals");

        await rows.Nth(1).GetByRole(AriaRole.Link, new() { Name = "Not on track" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not on track: Chris D.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Why this signal" })).ToContainTextAsync("worse than the lower bound");
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Not on track: a checklist" })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(staff, "an alert with its guidance");
        await Browser.ScreenshotAsync(staff, "21-alert-guidance");

        await staff.GetByRole(AriaRole.Link, new() { Name = "Open this guidance on its own page" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not on track: what to do");
        await Assertions.Expect(staff.GetByText("Social support:")).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(staff, "a guidance page");
        await staff.GoBackAsync();

        await staff.GetByLabel("Discussed in supervision").CheckAsync();
        await staff.GetByLabel(new System.Text.RegularExpressions.Regex("^What you did")).FillAsync("Reviewed the case with Dr. Okafor; will review goals next session.");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Alert resolved.");
        // Issue 18: on to the next alert, without going back to the caseload.
        await Assertions.Expect(staff.GetByRole(AriaRole.Status).GetByRole(AriaRole.Link)).ToContainTextAsync("Chris D.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Why this signal" })).ToContainTextAsync("Discussed in supervision: Reviewed the case");
        await Browser.AssertAccessibleAsync(staff, "a resolved alert");

        await staff.GetByRole(AriaRole.Link, new() { Name = "See the relationship's timeline" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Chris D.: the relationship over time");
        var events = staff.GetByRole(AriaRole.Region, new() { Name = "Everything in order" });
        await Assertions.Expect(events).ToContainTextAsync("Resolved (Not on track): Discussed in supervision");
        await Assertions.Expect(events).ToContainTextAsync("PHQ-9 21 (Severe), red: off track");
        await Assertions.Expect(staff.GetByRole(AriaRole.Img, new() { NameRegex = new System.Text.RegularExpressions.Regex("^PHQ-9 scores over time") })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(staff, "the timeline");
        await Browser.ScreenshotAsync(staff, "22-timeline-off-track");

        // Back on the caseload the resolved alert is gone from Chris's row; the other signals remain.
        await staff.GetByRole(AriaRole.Link, new() { Name = "Caseload" }).First.ClickAsync();
        await Assertions.Expect(rows.Nth(1)).Not.ToContainTextAsync("Not on track");

        // Alex's rupture in session 3 was repaired: the timeline draws it, the repair in gold.
        await staff.GetByRole(AriaRole.Link, new() { Name = "Timeline for Alex M." }).ClickAsync();
        await Assertions.Expect(staff.Locator("svg.chart circle.repair").First).ToBeVisibleAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Everything in order" })).ToContainTextAsync("Repair: alliance back to its usual level.");
        await Browser.ScreenshotAsync(staff, "23-timeline-rupture-repaired");

        // A reflection on Alex's latest session, then a rupture logged by hand.
        await staff.GetByRole(AriaRole.Link, new() { Name = "Alex M.", Exact = true }).ClickAsync();
        await staff.GetByRole(AriaRole.Link, new() { Name = "Add your reflection" }).First.ClickAsync();
        await staff.GetByRole(AriaRole.Radio, new() { Name = "8", Exact = true }).CheckAsync();
        await staff.GetByLabel(new System.Text.RegularExpressions.Regex("^Withdrawal")).CheckAsync();
        await Browser.AssertAccessibleAsync(staff, "the reflection form");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Save reflection" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Reflection saved.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Signals" })).ToContainTextAsync("they noticed withdrawal");

        await staff.GetByRole(AriaRole.Link, new() { Name = "Log a rupture" }).First.ClickAsync();
        await staff.GetByLabel(new System.Text.RegularExpressions.Regex("^Withdrawal: avoiding")).CheckAsync();
        await staff.GetByLabel("I noticed it").CheckAsync();
        await staff.GetByLabel("Invite discussion of the rupture").CheckAsync();
        await Browser.AssertAccessibleAsync(staff, "the rupture form");
        await Browser.ScreenshotAsync(staff, "24-rupture-form");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Rupture log saved.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Everything in order" })).ToContainTextAsync("Rupture: Withdrawal: avoiding");

        // The clinic admin sees the share flagged and writes the risk protocol.
        var admin = await Browser.SignInAsync(browser, server, "admin@riverside.example", "demo-admin-2026");
        await admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Signals" }).ClickAsync();
        await admin.GetByLabel(new System.Text.RegularExpressions.Regex("^Risk protocol")).FillAsync("Call the duty clinician on extension 200. Use the clinic's risk assessment form.");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save protocol" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Risk protocol saved.");
        await Browser.AssertAccessibleAsync(admin, "the clinic's signal page");
        await Browser.ScreenshotAsync(admin, "25-clinic-signals");
    }
}
