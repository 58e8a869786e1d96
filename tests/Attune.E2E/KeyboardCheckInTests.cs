using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>A whole check-in at desktop size with the keyboard alone: no mouse, no touch.</summary>
public class KeyboardCheckInTests
{
    [Fact]
    public async Task A_client_completes_a_check_in_by_keyboard_alone()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var staff = await Browser.SignInAsync(browser, server, "clinician@riverside.example", "demo-clinician-2026");
        await staff.GetByRole(AriaRole.Link, new() { Name = "Add client" }).First.ClickAsync();
        await staff.GetByLabel("Name or initials").FillAsync("Kim Keys");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Add client" }).ClickAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Create check-in link" }).ClickAsync();
        var link = await staff.GetByLabel(new System.Text.RegularExpressions.Regex("Link for the client: Connection Check, PHQ-9")).InputValueAsync();

        var client = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        await client.GotoAsync(server.BaseUrl + new Uri(link).PathAndQuery);
        await Browser.AssertAccessibleAsync(client, "the Connection Check screen at desktop size");

        // Seven sliders: Tab to each, End for 10, Left arrow down to the answer.
        var answers = new[] { 9, 8, 9, 7, 8, 6, 8 };
        await CheckInScreens.TabToAsync(client, "input[type=range]");
        for (var i = 0; i < answers.Length; i++)
        {
            if (i > 0) await client.Keyboard.PressAsync("Tab");
            await CheckInScreens.SlideByKeyboardAsync(client, answers[i]);
        }
        var sliders = client.GetByRole(AriaRole.Slider);
        for (var i = 0; i < answers.Length; i++)
            await Assertions.Expect(sliders.Nth(i)).ToHaveAttributeAsync("aria-valuetext", new System.Text.RegularExpressions.Regex($"^{answers[i]} out of 10"));
        // "Was there a moment…": Tab into the group, Space picks "No".
        await client.Keyboard.PressAsync("Tab");
        await client.Keyboard.PressAsync("Space");
        await Assertions.Expect(client.GetByRole(AriaRole.Radio, new() { Name = "No", Exact = true })).ToBeCheckedAsync();
        await client.Keyboard.PressAsync("Tab");
        await client.Keyboard.TypeAsync("Typed without a mouse.");
        await Browser.ScreenshotAsync(client, "07-keyboard-connection-check-desktop");
        await CheckInScreens.TabToAsync(client, "button[type=submit]");
        await client.Keyboard.PressAsync("Enter");

        // PHQ-9: Tab into each question; Down arrow chooses "Several days", Space chooses "Not at all".
        await Assertions.Expect(client.GetByText("Part 2 of 2")).ToBeVisibleAsync();
        await CheckInScreens.TabToAsync(client, "input[type=radio]");
        for (var item = 1; item <= 9; item++)
        {
            if (item > 1) await client.Keyboard.PressAsync("Tab");
            await client.Keyboard.PressAsync(item % 2 == 1 ? "ArrowDown" : "Space");
        }
        var phq = client.GetByRole(AriaRole.Region, new() { Name = "PHQ-9" });
        await Assertions.Expect(phq.GetByRole(AriaRole.Group).Nth(0).GetByRole(AriaRole.Radio, new() { Name = "Several days" })).ToBeCheckedAsync();
        await Assertions.Expect(phq.GetByRole(AriaRole.Group).Nth(8).GetByRole(AriaRole.Radio, new() { Name = "Several days" })).ToBeCheckedAsync();
        // Item 9 "Several days" is a risk answer: the crisis resources show under it before the client goes on.
        await Assertions.Expect(phq.GetByRole(AriaRole.Heading, new() { Name = "Please reach out for support now" })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(client, "the PHQ-9 screen at desktop size");
        await CheckInScreens.TabToAsync(client, "button[type=submit]");
        await client.Keyboard.PressAsync("Enter");

        await Assertions.Expect(client.GetByRole(AriaRole.Heading, new() { Name = "Check your answers" })).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByRole(AriaRole.Region, new() { Name = "Connection Check" })).ToContainTextAsync("Typed without a mouse.");
        await Browser.AssertAccessibleAsync(client, "the review step at desktop size");
        await Browser.ScreenshotAsync(client, "08-keyboard-review-desktop");
        await CheckInScreens.TabToAsync(client, "button[type=submit]");
        await client.Keyboard.PressAsync("Enter");
        await Assertions.Expect(client.GetByRole(AriaRole.Heading, new() { Name = "Thank you" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(client, "09-keyboard-thanks-desktop");

        // On to the progress page by keyboard; the chart is drawn and its table opens with Enter.
        var consoleErrors = new List<string>();
        client.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
        await CheckInScreens.TabToAsync(client, "a.button");
        await client.Keyboard.PressAsync("Enter");
        await Assertions.Expect(client.GetByRole(AriaRole.Heading, new() { Name = "Your progress", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(client.Locator(".chart canvas").First).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByText("You shared your first Connection Check")).ToBeVisibleAsync();
        await CheckInScreens.TabToAsync(client, "summary");
        await client.Keyboard.PressAsync("Enter");
        await Assertions.Expect(client.GetByRole(AriaRole.Table).First).ToBeVisibleAsync();
        // Hovering the chart shows the figures for a point (uPlot's live legend).
        await client.Locator(".chart").First.HoverAsync();
        await Browser.AssertAccessibleAsync(client, "the progress page at desktop size");
        await Browser.ScreenshotAsync(client, "09b-progress-desktop");
        Assert.Empty(consoleErrors);

        // 9, 8, 9, 7, 8, 6, 8 → mean 7.9; PHQ-9 = 5 × 1 = 5, Mild.
        await staff.ReloadAsync();
        var scores = staff.GetByRole(AriaRole.Table);
        await Assertions.Expect(scores).ToContainTextAsync("7.9 / 10");
        await Assertions.Expect(scores).ToContainTextAsync("5 / 27");
        await Assertions.Expect(scores).ToContainTextAsync("Typed without a mouse.");
    }
}
