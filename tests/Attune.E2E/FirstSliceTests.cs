using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>
/// The first slice, in a real browser against the real app: a clinician adds a client, records a session and
/// creates a check-in link; the client answers on a phone; the clinician sees the scores and the risk flag.
/// axe runs on every page.
/// </summary>
public class FirstSliceTests
{
    [Fact]
    public async Task Clinician_and_client_walk_the_first_slice()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        // Clinician, desktop.
        var staffContext = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var staff = await staffContext.NewPageAsync();
        await staff.GotoAsync(server.BaseUrl + "/");
        await Expect(staff).ToHaveURLAsync(new Regex("/login"));
        await Browser.AssertAccessibleAsync(staff, "the login page");
        await Browser.ScreenshotAsync(staff, "01-login");
        // The checker itself: the same page with an image that has no text alternative fails it.
        await staff.EvaluateAsync("() => { const i = document.createElement('img'); i.id = 'axe-probe'; i.src = 'data:,'; document.querySelector('main').appendChild(i); }");
        var caught = await Assert.ThrowsAnyAsync<Exception>(() => Browser.AssertAccessibleAsync(staff, "the login page with an unlabelled image"));
        Assert.Contains("image-alt", caught.Message);
        await staff.EvaluateAsync("() => document.getElementById('axe-probe').remove()");
        await staff.GetByLabel("Email").FillAsync("clinician@riverside.example");
        await staff.GetByLabel("Password").FillAsync("demo-clinician-2026");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Caseload" })).ToBeVisibleAsync();
        await Expect(staff.GetByRole(AriaRole.Link, new() { Name = "Alex M.", Exact = true })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(staff, "the caseload");
        await Browser.ScreenshotAsync(staff, "02-caseload");

        await staff.GetByRole(AriaRole.Link, new() { Name = "Instruments" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Row, new() { Name = "WAI-SR" })).ToContainTextAsync("Licence file not loaded");
        await Browser.AssertAccessibleAsync(staff, "the instruments page");
        await Browser.ScreenshotAsync(staff, "02b-instruments");

        await staff.GetByRole(AriaRole.Link, new() { Name = "Add client" }).First.ClickAsync();
        await Browser.AssertAccessibleAsync(staff, "the add-client page");
        await staff.GetByLabel("Name or initials").FillAsync("Morgan E2E");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Add client" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Morgan E2E" })).ToBeVisibleAsync();

        await Browser.EnterDateAsync(staff, "Date and time of the session", new DateTime(2026, 11, 20, 10, 0, 0));
        await staff.GetByLabel("Where").SelectOptionAsync("Video");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Record session" }).ClickAsync();
        await Expect(staff.GetByText("Session recorded.")).ToBeVisibleAsync();
        await Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Sessions" }).GetByRole(AriaRole.Listitem)).ToContainTextAsync("Video · Attended · session 1");

        await staff.GetByLabel("For session").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await staff.GetByRole(AriaRole.Button, new() { Name = "Create check-in link" }).ClickAsync();
        // The newest link is listed first (the measurement plan may already have made one for the session).
        var linkBox = staff.GetByLabel(new Regex("Link for the client: Connection Check, PHQ-9")).First;
        await Expect(linkBox).ToBeVisibleAsync();
        var link = await linkBox.InputValueAsync();
        Assert.Contains("/c/", link);
        // Issue 18: a copy button beside the link, for handing it over in the room.
        await staffContext.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var copy = linkBox.Locator("xpath=following-sibling::button[1]");
        // The button is shown once its script (/js/copy.js, loaded after the page) has bound it; on a loaded machine the
        // page can be on screen before that, as it can on a slow phone connection, and a button shown before did nothing.
        await Expect(copy).ToHaveAttributeAsync("data-copy-bound", "true");
        await Expect(copy).ToBeVisibleAsync();
        await copy.ClickAsync();
        // The status beside this link (when the plan made a link for the session too, two are listed, in either order).
        await Expect(staff.Locator($"[data-copied-for='{await linkBox.GetAttributeAsync("id")}']")).ToHaveTextAsync("Link copied.");
        Assert.Equal(link, await staff.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        // And a QR code for the client to scan with their phone's camera.
        var linkBlock = staff.Locator(".copy-link").Filter(new() { Has = linkBox });
        await linkBlock.GetByText("Show a QR code").ClickAsync();
        await Expect(linkBlock.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^QR code of the link") })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(staff, "the client page with a new link");
        await Browser.ScreenshotAsync(staff, "03-client-link");

        // Client, on a phone, with no account.
        var phone = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2 });
        var client = await phone.NewPageAsync();
        await client.GotoAsync(new Uri(link).PathAndQuery is var path ? server.BaseUrl + path : link);
        await Expect(client.GetByRole(AriaRole.Heading, new() { Name = "Your check-in" })).ToBeVisibleAsync();
        await Expect(client.GetByRole(AriaRole.Contentinfo).GetByText("988 Suicide & Crisis Lifeline")).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(client, "the check-in form");
        await Browser.ScreenshotAsync(client, "04a-checkin-phone-start");

        // Screen 1 of 2, the Connection Check: sliders, tapped.
        await Expect(client.GetByText("Part 1 of 2")).ToBeVisibleAsync();
        foreach (var (question, answer) in new[]
        {
            ("I felt heard.", 9), ("I felt safe to say what I needed to say.", 8), ("I felt understood and accepted as I am.", 9),
            ("We worked on what matters to me.", 7), ("The way we worked fits me.", 8), ("There was good give and take", 6),
            ("Overall, this session was right for me.", 8),
        })
            await CheckInScreens.TapSliderAsync(client, question, answer);
        await client.GetByRole(AriaRole.Group, new() { Name = "Was there a moment today" }).GetByText("No", new() { Exact = true }).TapAsync();
        await client.GetByLabel("Anything you want your therapist to know?").FillAsync("The homework idea helped.");
        await Browser.AssertAccessibleAsync(client, "the Connection Check screen, answered");
        await Browser.ScreenshotAsync(client, "04b-checkin-phone-sliders");
        await client.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).TapAsync();

        // Screen 2 of 2, PHQ-9.
        await Expect(client.GetByText("Part 2 of 2")).ToBeVisibleAsync();
        var phqAnswers = new[] { "Several days", "More than half the days", "Several days", "Not at all", "Nearly every day", "More than half the days", "Several days", "Not at all", "Several days" };
        var phq = client.GetByRole(AriaRole.Region, new() { Name = "PHQ-9" });
        var groups = phq.GetByRole(AriaRole.Group);
        var inlineCrisis = phq.GetByRole(AriaRole.Heading, new() { Name = "Please reach out for support now" });
        for (var i = 0; i < phqAnswers.Length; i++)
        {
            if (i == 8) await Assertions.Expect(inlineCrisis).ToBeHiddenAsync();
            await groups.Nth(i).GetByText(phqAnswers[i], new() { Exact = true }).TapAsync();
        }
        // Item 9 answered: crisis resources appear under it at once, before the client goes on.
        await Assertions.Expect(inlineCrisis).ToBeVisibleAsync();
        await Assertions.Expect(phq.GetByText("Call or text 988").First).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(client, "the check-in form after a risk answer");
        await Browser.ScreenshotAsync(client, "04-checkin-phone");
        await client.GetByRole(AriaRole.Button, new() { Name = "Save and review" }).TapAsync();

        // The review: the risk answer is already saved (and the clinician alerted); crisis resources stay on top.
        await Expect(client.GetByRole(AriaRole.Heading, new() { Name = "Check your answers" })).ToBeVisibleAsync();
        await Expect(client.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Please reach out for support now" })).ToBeVisibleAsync();
        await Expect(client.GetByRole(AriaRole.Region, new() { Name = "Connection Check" })).ToContainTextAsync("7 out of 10");
        await Browser.AssertAccessibleAsync(client, "the review step");
        await Browser.ScreenshotAsync(client, "04c-review-phone");
        await client.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).TapAsync();

        // Item 9 answered "Several days": crisis resources come first.
        var urgent = client.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Please reach out for support now" });
        await Expect(urgent).ToBeVisibleAsync();
        await Expect(urgent.GetByText("Call or text 988")).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(client, "the thank-you page after a risk answer");
        await Browser.ScreenshotAsync(client, "05-thanks-risk-phone");

        // The client's own progress page, from the thank-you page: a chart drawn by uPlot, the same figures as a table.
        var consoleErrors = new List<string>();
        client.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
        await client.GetByRole(AriaRole.Link, new() { Name = "See your progress" }).TapAsync();
        await Expect(client.GetByRole(AriaRole.Heading, new() { Name = "Your progress", Level = 1 })).ToBeVisibleAsync();
        var phqChart = client.GetByRole(AriaRole.Region, new() { Name = "PHQ-9" });
        await Expect(phqChart.Locator("canvas")).ToBeVisibleAsync();
        await Expect(phqChart).ToContainTextAsync("Your latest score is 11 out of 27");
        await phqChart.GetByText("Show the PHQ-9 scores as a table").TapAsync();
        await Expect(phqChart.GetByRole(AriaRole.Table, new() { Name = "Your PHQ-9 scores" })).ToContainTextAsync("Moderate");
        await Browser.AssertAccessibleAsync(client, "the progress page on a phone");
        await Browser.ScreenshotAsync(client, "05b-progress-phone");
        Assert.Empty(consoleErrors); // no script error and no content-security-policy refusal

        // The clinician sees the scores, the band and the risk flag.
        await staff.GotoAsync(staff.Url.Split('?')[0]);
        var risk = staff.GetByRole(AriaRole.Region, new() { Name = "Risk answer" });
        await Expect(risk).ToContainTextAsync("PHQ-9 item 9");
        var scores = staff.GetByRole(AriaRole.Table);
        await Expect(scores).ToContainTextAsync("11 / 27");
        await Expect(scores).ToContainTextAsync("Moderate");
        await Expect(scores).ToContainTextAsync("7.9 / 10");
        await Expect(scores).ToContainTextAsync("The homework idea helped.");
        await Browser.AssertAccessibleAsync(staff, "the client page with scores");
        await Browser.ScreenshotAsync(staff, "06-client-scores");
        // Issue 18: the answers item by item, the risk item highlighted.
        await staff.GetByText("Answers item by item").Filter(new() { HasText = "PHQ-9" }).ClickAsync();
        await Expect(staff.Locator("table.items tr.critical")).ToContainTextAsync("Several days (1)");
        await Browser.AssertAccessibleAsync(staff, "the answers item by item");
        await Browser.ScreenshotAsync(staff, "06a-items");

        // Issue 18: the clinician writes a safety plan with the client (Stanley & Brown's six steps)...
        await risk.GetByRole(AriaRole.Link, new() { Name = "Safety plan" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Safety plan: Morgan E2E");
        await staff.GetByLabel(new Regex("^Step 1. Warning signs")).FillAsync("Lying awake after midnight\nSkipping meals");
        await staff.GetByLabel(new Regex("^Step 2. Internal coping")).FillAsync("A long shower\nThe breathing app");
        await staff.GetByLabel(new Regex("^Step 4. People whom I can ask")).FillAsync("My brother Sam, 555-0142");
        await staff.GetByLabel(new Regex("^Step 6. Making the environment")).FillAsync("My partner keeps the medication");
        await Browser.AssertAccessibleAsync(staff, "the safety plan form");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Save the safety plan" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Safety plan saved");
        await Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Step 1. Warning signs" })).ToContainTextAsync("Skipping meals");
        await Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Step 5. Professionals or agencies I can contact during a crisis" })).ToContainTextAsync("988");
        await Browser.AssertAccessibleAsync(staff, "the safety plan");
        await Browser.ScreenshotAsync(staff, "06b-safety-plan");

        // ... then resolves the risk alert with a structured risk review.
        await staff.GetByRole(AriaRole.Link, new() { Name = "Morgan E2E" }).First.ClickAsync();
        await staff.GetByRole(AriaRole.Region, new() { Name = "Risk answer" }).GetByRole(AriaRole.Link, new() { Name = "What to do, and the risk review" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Safety plan \\(version 1") })).ToBeVisibleAsync();
        await staff.GetByLabel("Contact made with the client").CheckAsync();
        await staff.GetByLabel(new Regex("^Risk assessed")).CheckAsync();
        await staff.GetByLabel("moderate", new() { Exact = true }).CheckAsync();
        await staff.GetByLabel("Safety plan made or reviewed").CheckAsync();
        await staff.GetByLabel(new Regex("^What you found and did")).FillAsync("Phoned the same afternoon; thoughts without plan or intent; wrote the safety plan together.");
        await Browser.AssertAccessibleAsync(staff, "the risk review form");
        await Browser.ScreenshotAsync(staff, "06c-risk-review-form");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Record the review and resolve" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Alert resolved.");
        await Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Why this signal" })).ToContainTextAsync("contact made; risk assessed: moderate; safety plan made or reviewed (version 1)");
        await Browser.AssertAccessibleAsync(staff, "a risk alert resolved by its review");
        await Browser.ScreenshotAsync(staff, "06d-risk-reviewed");

        // The client's details, edited and shown on the client page.
        await staff.GetByRole(AriaRole.Link, new() { Name = "Morgan E2E" }).First.ClickAsync();
        await staff.GetByRole(AriaRole.Link, new() { Name = "Edit details" }).ClickAsync();
        await staff.GetByLabel(new Regex("^Pronouns")).FillAsync("she/her");
        await staff.GetByLabel("Mobile phone").FillAsync("555-0177");
        await staff.GetByLabel("Preferred contact").SelectOptionAsync("Text");
        await Browser.EnterDateAsync(staff, "Date of birth (optional)", new DateTime(1991, 3, 14), withTime: false);
        await Browser.AssertAccessibleAsync(staff, "the client details form");
        await Browser.ScreenshotAsync(staff, "06d2-client-details");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Save details" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Details saved.");
        await Expect(staff.Locator("p.contact")).ToContainTextAsync("555-0177 (prefers texts)");
        await Expect(staff.Locator("p.contact")).ToContainTextAsync("born 14 Mar 1991");

        // The client finds the plan on their progress page, on the phone, and can print it.
        await client.ReloadAsync();
        await client.GetByRole(AriaRole.Link, new() { Name = "Open or print your safety plan" }).TapAsync();
        await Expect(client.GetByRole(AriaRole.Heading, new() { Name = "Your safety plan", Level = 1 })).ToBeVisibleAsync();
        await Expect(client.GetByRole(AriaRole.Region, new() { Name = "Step 4. People whom I can ask for help" })).ToContainTextAsync("My brother Sam");
        await Expect(client.GetByRole(AriaRole.Button, new() { Name = "Print my plan" })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(client, "the client's safety plan on a phone");
        await Browser.ScreenshotAsync(client, "06e-safety-plan-phone");
        Assert.Empty(consoleErrors);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}
