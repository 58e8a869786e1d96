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
    }
}
