using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>Issue 18, point 7: the admin runs the clinic's staff and its crisis lines from the browser.</summary>
public class StaffAdministrationTests
{
    [Fact]
    public async Task The_admin_invites_a_clinician_with_a_supervisor_and_deactivates_the_account()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var admin = await Browser.SignInAsync(browser, server, "admin@riverside.example", "demo-admin-2026");
        // The admin's menu holds only what an admin can use: no client pages.
        var menu = admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Add client" })).ToHaveCountAsync(0);
        await menu.GetByRole(AriaRole.Link, new() { Name = "Staff" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Staff", Exact = true })).ToBeVisibleAsync();

        var invite = admin.GetByRole(AriaRole.Region, new() { Name = "Invite a staff member" });
        await invite.GetByLabel("Name").FillAsync("Robin Lee");
        await invite.GetByLabel("Email").FillAsync("robin@riverside.example");
        await invite.GetByRole(AriaRole.Combobox, new() { Name = "Supervisor" }).SelectOptionAsync(new SelectOptionValue { Label = "Dr. Amara Okafor" });
        await invite.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Invitation sent");
        var row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "Robin Lee" });
        await Assertions.Expect(row).ToContainTextAsync("Invited, no password yet");
        await Assertions.Expect(row).ToContainTextAsync("Dr. Amara Okafor");
        await Browser.AssertAccessibleAsync(admin, "the staff list");
        await Browser.ScreenshotAsync(admin, "38-staff-list");

        await row.GetByRole(AriaRole.Link, new() { Name = "Robin Lee" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Deactivate: sign out everywhere and stop all access" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Account deactivated");
        await Assertions.Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Reactivate the account" })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(admin, "a staff member's page");
        await Browser.ScreenshotAsync(admin, "39-staff-member");

        // The audit trail shows the change with what it was before and after.
        await menu.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        var deactivated = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "deactivate" }).First;
        await deactivated.GetByText("before / after").ClickAsync();
        await Assertions.Expect(deactivated).ToContainTextAsync("\"before\":{\"active\":true},\"after\":{\"active\":false}");

        // The clinic's own crisis lines: an unsafe link is refused beside its box, a good one is saved and shown as clients see it.
        await menu.GetByRole(AriaRole.Link, new() { Name = "Crisis lines" }).ClickAsync();
        await admin.GetByLabel("Line 5: name").FillAsync("County crisis team");
        await admin.GetByLabel("Line 5: how to reach it").FillAsync("Call 555-0100, day or night");
        await admin.GetByLabel("Line 5: link").FillAsync("javascript:alert(1)");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save crisis lines" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#href-4-error")).ToContainTextAsync("A link must be a phone number");
        await admin.GetByLabel("Line 5: link").FillAsync("tel:5550100");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save crisis lines" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Crisis lines saved");
        var preview = admin.GetByRole(AriaRole.Region, new() { Name = "As clients see them now" });
        await Assertions.Expect(preview.GetByRole(AriaRole.Link, new() { Name = "County crisis team" })).ToHaveAttributeAsync("href", "tel:5550100");
        await Browser.AssertAccessibleAsync(admin, "the crisis lines");
        await Browser.ScreenshotAsync(admin, "40-crisis-lines");

        // Intake (issue 19): the admin, acting as intake coordinator, takes a new client, records what they look for,
        // and assigns the therapist ranked first.
        await menu.GetByRole(AriaRole.Link, new() { Name = "Intake" }).ClickAsync();
        await admin.GetByLabel("Name or initials").FillAsync("Nia N.");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add to intake" }).ClickAsync();
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "Anxiety" }).CheckAsync();
        var language = admin.GetByRole(AriaRole.Group, new() { Name = "Which languages would you like to have therapy in?" });
        await language.GetByRole(AriaRole.Textbox).FillAsync("Spanish");
        await language.GetByRole(AriaRole.Radio, new() { Name = "Must have" }).CheckAsync();
        await admin.GetByRole(AriaRole.Group, new() { Name = "When can you come?" }).GetByRole(AriaRole.Checkbox, new() { Name = "Weekday evenings" }).CheckAsync();
        await admin.GetByRole(AriaRole.Group, new() { Name = "Where do you live (state or region)? A therapist must be licensed there." }).GetByRole(AriaRole.Textbox).FillAsync("CA");
        await Browser.AssertAccessibleAsync(admin, "the intake preferences");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save preferences" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "A therapist for Nia N." })).ToBeVisibleAsync();
        var ranked = admin.GetByRole(AriaRole.Region, new() { Name = "Suggestions (1)" });
        await Assertions.Expect(ranked).ToContainTextAsync("speaks Spanish; is licensed in CA; sees clients on weekday evenings");
        await Assertions.Expect(admin.GetByRole(AriaRole.Region, new() { Name = "Ruled out" })).ToContainTextAsync("Dr. Amara Okafor: does not meet the must-have: speaks Spanish");
        await Browser.AssertAccessibleAsync(admin, "the ranked therapists at intake");
        await Browser.ScreenshotAsync(admin, "41-intake-ranked");
        await ranked.GetByRole(AriaRole.Button, new() { Name = "Assign to Sam Rivera" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Assigned.");
        await Assertions.Expect(admin.GetByRole(AriaRole.Region, new() { Name = "Waiting (0)" })).ToContainTextAsync("No one is waiting.");
        await Browser.AssertAccessibleAsync(admin, "the intake list");

        // A client with no email: they answer the preferences link on their phone, the coordinator offers them two
        // therapists, and they choose one on their phone.
        await admin.GetByLabel("Name or initials").FillAsync("Omar O.");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add to intake" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create a link for the client" }).ClickAsync();
        var preferencesLink = await admin.GetByLabel("Link for the client: their preferences").InputValueAsync();
        var phone = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true })).NewPageAsync();
        await phone.GotoAsync(server.BaseUrl + new Uri(preferencesLink).PathAndQuery);
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "What you look for in a therapist" })).ToBeVisibleAsync();
        await phone.GetByRole(AriaRole.Checkbox, new() { Name = "Worry, nerves or anxiety" }).TapAsync();
        var meet = phone.GetByRole(AriaRole.Group, new() { Name = "How would you like to meet?" });
        await meet.GetByRole(AriaRole.Checkbox, new() { Name = "Video" }).TapAsync();
        await phone.GetByRole(AriaRole.Group, new() { Name = "What pace suits you?" }).GetByRole(AriaRole.Radio, new() { Name = "Gentle: take our time" }).TapAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).TapAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("Thank you.");
        await Browser.AssertAccessibleAsync(phone, "the client's preferences, answered");

        await admin.Locator("p.crumbs").GetByRole(AriaRole.Link, new() { Name = "Omar O." }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Region, new() { Name = "What the ranking read" })).ToContainTextAsync("Given by the client");
        var two = admin.GetByRole(AriaRole.Region, new() { Name = "Suggestions (2)" });
        await Assertions.Expect(two).ToContainTextAsync("1. Dr. Amara Okafor");
        await Assertions.Expect(two).ToContainTextAsync("works at a gentle pace");
        foreach (var item in await two.GetByRole(AriaRole.Checkbox, new() { Name = "Offer to the client" }).AllAsync())
            await item.CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Send the client a choice of the ticked therapists" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status).First).ToContainTextAsync("A choice of Dr. Amara Okafor, Sam Rivera was made");
        var choiceLink = await admin.GetByLabel("Link for the client: their choice of therapist").InputValueAsync();
        await Browser.AssertAccessibleAsync(admin, "the choice sent to the client");
        await Browser.ScreenshotAsync(admin, "42-intake-choice-sent");

        await phone.GotoAsync(server.BaseUrl + new Uri(choiceLink).PathAndQuery);
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Choose your therapist" })).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByText("Why Dr. Amara Okafor fits:", new() { Exact = false })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(phone, "the client's choice of therapist");
        await Browser.ScreenshotAsync(phone, "43-client-choice-phone");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Choose Dr. Amara Okafor" }).TapAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("You chose Dr. Amara Okafor.");
        await Browser.AssertAccessibleAsync(phone, "the client's choice, made");
        await admin.GotoAsync(server.BaseUrl + "/intake");
        await Assertions.Expect(admin.GetByRole(AriaRole.Region, new() { Name = "Waiting (0)" })).ToContainTextAsync("No one is waiting.");

        // The clinic's problem domains for matching.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Matching settings" }).ClickAsync();
        await admin.GetByLabel("Name").FillAsync("Wellbeing");
        await admin.GetByLabel("Measured by").SelectOptionAsync(new SelectOptionValue { Value = "ors" });
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add the domain" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Domain added.");
        await Assertions.Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "Wellbeing" })).ToContainTextAsync("ORS");
        await Browser.AssertAccessibleAsync(admin, "the matching settings");
        await Browser.ScreenshotAsync(admin, "44-matching-settings");

        // Supervisors ranked for a clinician, on their staff page.
        await menu.GetByRole(AriaRole.Link, new() { Name = "Staff" }).ClickAsync();
        await admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "Sam Rivera" }).GetByRole(AriaRole.Link, new() { Name = "Sam Rivera" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Region, new() { Name = "Supervisors ranked for Sam Rivera" })).ToContainTextAsync("supervises trauma work; supervises by video");
        await Browser.AssertAccessibleAsync(admin, "supervisors ranked on a staff page");
    }
}
