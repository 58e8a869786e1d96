using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>Debian's Chromium driven by Playwright; never a downloaded browser.</summary>
public static class Browser
{
    /// <summary>
    /// Playwright's driver (a Node process), started once per run and shared: starting it took a second of each walk.
    /// Each walk still launches its own Chromium, so that no cookie, storage or open page crosses from one walk to another.
    /// </summary>
    private static readonly Lazy<Task<IPlaywright>> Driver = new(async () =>
    {
        var playwright = await Playwright.CreateAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => playwright.Dispose();
        return playwright;
    });

    /// <returns>The walk's own Chromium, and a lease on the shared driver (disposing it leaves the driver running).</returns>
    public static async Task<(IDisposable Driver, IBrowser Browser)> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("ATTUNE_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        var playwright = await Driver.Value;
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return (NoLease.Instance, browser);
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();
        public void Dispose() { }
    }

    /// <summary>The axe-core script that Deque's package bundles.</summary>
    private static readonly Lazy<string> AxeSource = new(() => new BundledAxeScriptProvider().GetScript());

    private static readonly string[] AxeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

    /// <summary>
    /// Runs axe (WCAG 2.2 A and AA plus best practices) and fails with every violation listed. axe-core is put into the
    /// page once per document and run there with <c>axe.run</c>: Attune's pages have no frames, and the package's own
    /// <c>RunAxe</c> injects the script again and opens a blank page to finish each run, a second and a half a call.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page, string what)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync(AxeSource.Value);
        var violations = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            "async tags => (await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })).violations" +
            ".map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(' | ')}`)", AxeTags);
        var problems = violations.EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.True(problems.Count == 0, $"axe found {problems.Count} problem(s) on {what}:\n{string.Join("\n", problems)}");
    }

    /// <summary>
    /// A desktop-sized page signed in through the login form. An admin is then asked for a second factor, and sets up
    /// a passkey on the page's virtual authenticator, as at a first sign-in.
    /// </summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, AttuneServer server, string email, string password)
    {
        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        await page.GotoAsync(server.BaseUrl + "/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        if (page.Url.EndsWith("/account/security", StringComparison.Ordinal))
        {
            await AddVirtualAuthenticatorAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Passkey added");
            await page.GotoAsync(server.BaseUrl + "/");
        }
        return page;
    }

    /// <summary>
    /// Gives the page a platform authenticator that holds passkeys and verifies its user (Chromium's WebAuthn domain of
    /// the DevTools protocol), as a phone or laptop with a fingerprint reader would. Returns its id.
    /// </summary>
    public static async Task<string> AddVirtualAuthenticatorAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        var result = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return result!.Value.GetProperty("authenticatorId").GetString()!;
    }

    /// <summary>Types a date (and time) into a date entry the way a person does: the day, the month picked by name, the year, the time.</summary>
    public static async Task EnterDateAsync(IPage page, string legend, DateTime at, bool withTime = true)
    {
        var group = page.GetByRole(AriaRole.Group, new() { Name = legend });
        await group.GetByLabel("Day").FillAsync(at.Day.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await group.GetByLabel("Month").SelectOptionAsync(new SelectOptionValue { Label = at.ToString("MMM", System.Globalization.CultureInfo.InvariantCulture) });
        await group.GetByLabel("Year").FillAsync(at.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (withTime)
            await group.GetByLabel("Time").FillAsync(at.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(AttuneServer.RepositoryRoot(), ".test-results", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
        // What a person sees first, without scrolling: when the page is longer than the screen (else it is the shot above).
        if (await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight") > page.ViewportSize!.Height)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + "-first-screen.png") });
    }
}
