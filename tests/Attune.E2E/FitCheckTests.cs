using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>The session-3 fit check on a phone, and what the clinician sees after a "No".</summary>
public class FitCheckTests
{
    [Fact]
    public async Task A_client_says_the_fit_is_wrong_and_asks_for_another_therapist()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var staff = await Browser.SignInAsync(browser, server, "clinician@riverside.example", "demo-clinician-2026");
        await staff.GetByRole(AriaRole.Link, new() { Name = "Alex M.", Exact = true }).ClickAsync();

        // Alex has had six sessions and no fit check yet: it is offered, ticked.
        var fitBox = staff.GetByRole(AriaRole.Checkbox, new() { Name = "Fit check (due: session 3 has taken place)" });
        await Assertions.Expect(fitBox).ToBeCheckedAsync();
        await staff.GetByRole(AriaRole.Checkbox, new() { Name = "PHQ-9" }).UncheckAsync();
        await staff.GetByRole(AriaRole.Checkbox, new() { Name = "Connection Check" }).UncheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Create check-in link" }).ClickAsync();
        var link = await staff.GetByLabel(new System.Text.RegularExpressions.Regex("Link for the client: Fit check \\(")).First.InputValueAsync();

        var client = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true })).NewPageAsync();
        await client.GotoAsync(server.BaseUrl + new Uri(link).PathAndQuery);
        await Assertions.Expect(client.GetByText("Your view of the fit matters.", new() { Exact = false })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(client, "the fit check");
        await Browser.ScreenshotAsync(client, "10-fit-check-phone");

        foreach (var (question, answer) in new[] { ("I feel heard.", 5), ("I feel safe to say what I need to say.", 6), ("I feel understood and accepted as I am.", 4) })
            await CheckInScreens.TapSliderAsync(client, question, answer);
        await client.GetByRole(AriaRole.Group, new() { Name = "Is this a good fit for me?" }).GetByText("No", new() { Exact = true }).TapAsync();
        await client.GetByLabel("What would help?").FillAsync("Someone with more experience of grief.");
        await client.GetByRole(AriaRole.Group, new() { Name = "Would you like to ask for a different therapist?" })
            .GetByText("Yes, please help me find a different therapist").TapAsync();
        await client.GetByRole(AriaRole.Button, new() { Name = "Save and review" }).TapAsync();
        await Assertions.Expect(client.GetByRole(AriaRole.Region, new() { Name = "Fit check" })).ToContainTextAsync("Yes, please help me find a different therapist");
        await client.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).TapAsync();
        await Assertions.Expect(client.GetByRole(AriaRole.Heading, new() { Name = "Thank you" })).ToBeVisibleAsync();

        await staff.GotoAsync(staff.Url.Split('?')[0]);
        var alert = staff.GetByRole(AriaRole.Region, new() { Name = "Fit check: talk about fit" });
        await Assertions.Expect(alert).ToContainTextAsync("asked for help finding a different therapist");
        await Assertions.Expect(staff.GetByRole(AriaRole.Table)).ToContainTextAsync("Someone with more experience of grief.");
        await Browser.AssertAccessibleAsync(staff, "the client page after a fit check");
        await Browser.ScreenshotAsync(staff, "11-fit-check-clinician");

        // The clinician changes what Alex looks for in a therapist (given at intake: English and CA are must-haves) and sees
        // colleagues ranked, each with its reasons.
        await alert.GetByRole(AriaRole.Link, new() { Name = "See colleagues ranked for them" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "What the ranking read" })).ToContainTextAsync("Given by the client");
        await staff.GetByRole(AriaRole.Link, new() { Name = "Change the preferences" }).ClickAsync();
        await staff.GetByRole(AriaRole.Checkbox, new() { Name = "Depression" }).CheckAsync();
        var meeting = staff.GetByRole(AriaRole.Group, new() { Name = "How would you like to meet?" });
        await meeting.GetByRole(AriaRole.Checkbox, new() { Name = "Video" }).CheckAsync();
        await meeting.GetByRole(AriaRole.Radio, new() { Name = "Must have" }).CheckAsync();
        await staff.GetByRole(AriaRole.Group, new() { Name = "Would you like structure and direction, or room to explore?" }).GetByRole(AriaRole.Radio, new() { Name = "Room to explore" }).CheckAsync();
        await Browser.AssertAccessibleAsync(staff, "the client's matching preferences");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Save preferences" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Preferences saved.");
        var suggestions = staff.GetByRole(AriaRole.Region, new() { Name = "Suggestions (1)" });
        await Assertions.Expect(suggestions).ToContainTextAsync("1. Dr. Amara Okafor");
        await Assertions.Expect(suggestions).ToContainTextAsync("as effective with depression as the clinic expects, 30 cases; leaves room to explore; speaks English; offers video; is licensed in CA");
        await Assertions.Expect(suggestions).ToContainTextAsync("Does not meet: works at a steady pace; a fee of at most 130 per session");
        await Browser.AssertAccessibleAsync(staff, "the ranked colleagues");
        await Browser.ScreenshotAsync(staff, "11b-ranked-colleagues");
        var matchesPage = staff.Url;
        await staff.GetByRole(AriaRole.Link, new() { Name = "My profile" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "My matching profile" })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(staff, "the clinician's matching profile");
        // What Sam wants from supervision: a must-have area rules a supervisor in or out, with the reasons.
        await staff.GetByRole(AriaRole.Link, new() { Name = "My supervision preferences" }).ClickAsync();
        var areas = staff.GetByRole(AriaRole.Group, new() { Name = "What would you like help with in supervision (for example trauma work, risk, couples, licensure hours)?" });
        await areas.GetByRole(AriaRole.Textbox).FillAsync("risk");
        await areas.GetByRole(AriaRole.Radio, new() { Name = "Must have" }).CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Supervisors who fit what you want" })).ToContainTextAsync("1. Dr. Amara Okafor Current supervisor");
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Supervisors who fit what you want" })).ToContainTextAsync("Fits: supervises risk; supervises by video");
        await Browser.AssertAccessibleAsync(staff, "the clinician's supervision page");
        await Browser.ScreenshotAsync(staff, "11c-my-supervision");
        await staff.GotoAsync(matchesPage);
        await staff.GetByRole(AriaRole.Link, new() { Name = "Alex M." }).ClickAsync();

        // The clinician drafts a goal; the client will agree to it on their progress page.
        await staff.GetByLabel("Goal or task, in words the client would use").FillAsync("Feel able to talk about my brother again");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Add and ask the client to agree" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Goals and tasks" })).ToContainTextAsync("Goal: waiting for the client");

        // Alex's own progress page: six PHQ-9 scores with the cut-off and the usual ups and downs around the first.
        var progressLink = await staff.GetByLabel(new System.Text.RegularExpressions.Regex("Link for the client: their scores over time")).InputValueAsync();
        await client.GotoAsync(server.BaseUrl + new Uri(progressLink).PathAndQuery);
        var phq = client.GetByRole(AriaRole.Region, new() { Name = "PHQ-9" });
        await Assertions.Expect(phq.Locator("canvas")).ToBeVisibleAsync();
        await Assertions.Expect(phq).ToContainTextAsync("your first was");
        await Browser.AssertAccessibleAsync(client, "a progress page with a season of scores");
        await Browser.ScreenshotAsync(client, "12-progress-history-phone");

        var goals = client.GetByRole(AriaRole.Region, new() { Name = "Your goals" });
        await goals.GetByText("Yes, I agree with it").TapAsync();
        await goals.GetByLabel("In your own words").FillAsync("Yes, that is what I want.");
        await goals.GetByRole(AriaRole.Button, new() { Name = "Send my answer" }).TapAsync();
        await Assertions.Expect(client.GetByRole(AriaRole.Status)).ToContainTextAsync("Your therapist will see your answer.");
        await Browser.AssertAccessibleAsync(client, "the progress page after agreeing to a goal");
        await Browser.ScreenshotAsync(client, "12b-goal-agreed-phone");
        await staff.ReloadAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Region, new() { Name = "Goals and tasks" })).ToContainTextAsync("Goal: agreed");
    }
}
