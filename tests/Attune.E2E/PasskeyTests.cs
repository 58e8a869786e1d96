using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Attune.E2E;

/// <summary>
/// Passkeys in Debian's Chromium with a virtual authenticator (WebAuthn over the DevTools protocol): the admin is made to
/// set one up, then signs in with it and nothing else; the password alone no longer opens the account.
/// </summary>
public class PasskeyTests
{
    [Fact]
    public async Task The_admin_sets_up_a_passkey_at_first_sign_in_and_then_signs_in_with_it()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        await Browser.AddVirtualAuthenticatorAsync(page);
        await SignInWithPasswordAsync(page, server);

        // No second factor yet: every page leads to the set-up page.
        await Expect(page).ToHaveURLAsync(new Regex("/account/security$"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Set up a second factor to go on");
        await page.GotoAsync(server.BaseUrl + "/admin/audit");
        await Expect(page).ToHaveURLAsync(new Regex("/account/security$"));
        await Browser.AssertAccessibleAsync(page, "the sign-in security page, second factor required");
        await Browser.ScreenshotAsync(page, "30-second-factor-required");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        // The ceremony is three round trips and the authenticator's key pair: on a loaded two-core machine it has taken
        // over the default five seconds (the button still disabled, the ceremony still under way), so it gets more.
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Passkey added", new() { Timeout = 20_000 });
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Passkey 1" });
        await Expect(row).ToHaveCountAsync(1);
        await row.GetByLabel(new Regex("^New name for")).FillAsync("Work laptop");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Passkey renamed.");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Work laptop", Exact = true })).ToBeVisibleAsync();

        // The only second factor of an admin cannot be removed.
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Work laptop" }).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This is your only second factor");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Work laptop", Exact = true })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(page, "the sign-in security page with a passkey");
        await Browser.ScreenshotAsync(page, "31-passkey-added");

        // Setting it up counted as using it: the admin pages open.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("add-passkey");

        // Signed out, the password alone is refused: this admin signs in with the passkey.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
        await SignInWithPasswordAsync(page, server);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This account signs in with its passkey");
        await page.GotoAsync(server.BaseUrl + "/admin/audit");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));

        await Browser.AssertAccessibleAsync(page, "the login page with passkey sign-in");
        // The passkey alone signs in, and back to the page asked for.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        // The trail filtered to today, the date typed as day, month and year.
        await Browser.EnterDateAsync(page, "From", DateTime.Now, withTime: false);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("from.day="));
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "From" }).GetByLabel("Year")).ToHaveValueAsync(DateTime.Now.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Browser.AssertAccessibleAsync(page, "the audit trail filtered by date");
        await Browser.ScreenshotAsync(page, "32-audit-trail");
        await page.GetByRole(AriaRole.Link, new() { Name = "Attune", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Clinic administration" })).ToBeVisibleAsync();

        // Another browser with no passkey for this site gets nowhere with the passkey button.
        var stranger = await (await browser.NewContextAsync()).NewPageAsync();
        await Browser.AddVirtualAuthenticatorAsync(stranger);
        await stranger.GotoAsync(server.BaseUrl + "/login");
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(stranger.GetByRole(AriaRole.Alert)).ToContainTextAsync("Passkey sign-in did not work", new() { Timeout = 20_000 });
        await stranger.GotoAsync(server.BaseUrl + "/");
        await Expect(stranger).ToHaveURLAsync(new Regex("/login"));
    }

    private static async Task SignInWithPasswordAsync(IPage page, AttuneServer server)
    {
        await page.GotoAsync(server.BaseUrl + "/login");
        await page.GetByLabel("Email").FillAsync("admin@riverside.example");
        await page.GetByLabel("Password").FillAsync("demo-admin-2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }
}
