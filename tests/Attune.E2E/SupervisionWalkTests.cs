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

    /// <summary>Issue 21, point 2: Sam brings a client to supervision; it is on Dr. Okafor's agenda; she answers in a consultation note; Sam reads it.</summary>
    [Fact]
    public async Task A_clinician_brings_a_client_to_supervision_and_reads_the_supervisors_consultation_note()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        const string question = "Chris says the sessions feel rushed, and the scores are getting worse. How do I open that up with him?";
        const string answer = "Ask him what rushed feels like from his side, and slow the next session down together.";

        var sam = await Browser.SignInAsync(browser, server, "clinician@riverside.example", "demo-clinician-2026");
        await sam.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Clients", Exact = true }).ClickAsync();
        await sam.GetByRole(AriaRole.Link, new() { Name = "Chris D." }).First.ClickAsync();
        await sam.GetByRole(AriaRole.Link, new() { Name = "Bring this client to supervision" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Bring to supervision" })).ToBeVisibleAsync();
        await sam.GetByLabel("Your question about Chris D.").FillAsync(question);
        await Browser.AssertAccessibleAsync(sam, "the page that brings a client to supervision");
        await Browser.ScreenshotAsync(sam, "44-supervision-ask");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Bring to supervision" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Status)).ToContainTextAsync("Your question is on your supervisor's agenda.");
        await Assertions.Expect(sam.GetByText("On the agenda")).ToBeVisibleAsync();

        var okafor = await Browser.SignInAsync(browser, server, "supervisor@riverside.example", "demo-supervisor-2026");
        await okafor.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Supervision" }).ClickAsync();
        var agenda = okafor.Locator("section", new() { Has = okafor.GetByRole(AriaRole.Heading, new() { Name = "Brought to supervision" }) });
        await Assertions.Expect(agenda).ToContainTextAsync(question);
        await Assertions.Expect(agenda).ToContainTextAsync("Sam Rivera");
        await Browser.AssertAccessibleAsync(okafor, "the supervision agenda");
        await Browser.ScreenshotAsync(okafor, "45-supervision-agenda");
        await agenda.GetByRole(AriaRole.Link, new() { Name = "Answer in a consultation note to Sam Rivera's question" }).ClickAsync();
        await Assertions.Expect(okafor.GetByRole(AriaRole.Heading, new() { Name = "Write a consultation note" })).ToBeVisibleAsync();
        await okafor.GetByLabel("Consultation note").FillAsync(answer);
        await Browser.AssertAccessibleAsync(okafor, "writing a consultation note");
        await okafor.GetByRole(AriaRole.Button, new() { Name = "Save the note" }).ClickAsync();
        await Assertions.Expect(okafor.GetByRole(AriaRole.Status)).ToContainTextAsync("Consultation note saved");
        await Browser.ScreenshotAsync(okafor, "46-supervision-consultation-note");
        // Answered: no longer waiting on the agenda.
        await okafor.GetByRole(AriaRole.Link, new() { Name = "Supervision", Exact = true }).First.ClickAsync();
        await Assertions.Expect(agenda).ToContainTextAsync("No supervisee has brought a question");

        await sam.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Supervision", Exact = true }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Link, new() { Name = "Answered: read the consultation note" })).ToBeVisibleAsync();
        await Assertions.Expect(sam.GetByText(answer).First).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(sam, "the clinician's supervision page");
        await Browser.ScreenshotAsync(sam, "47-supervision-mine");
        await sam.GetByRole(AriaRole.Link, new() { Name = "Answered: read the consultation note" }).ClickAsync();
        await Assertions.Expect(sam.GetByText(answer)).ToBeVisibleAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Button, new() { Name = "Save a new version" })).ToHaveCountAsync(0);
    }

    /// <summary>Issue 21, point 3: Dr. Okafor logs and signs a supervision session with Sam; Sam signs it; his hours count it and print.</summary>
    [Fact]
    public async Task A_supervisor_logs_a_session_the_supervisee_signs_it_and_the_hours_count_it()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var okafor = await Browser.SignInAsync(browser, server, "supervisor@riverside.example", "demo-supervisor-2026");
        await okafor.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Supervision" }).ClickAsync();
        await okafor.GetByRole(AriaRole.Link, new() { Name = "Supervision sessions: log one, and each supervisee's hours" }).ClickAsync();
        await Assertions.Expect(okafor.GetByRole(AriaRole.Heading, new() { Name = "Supervision sessions", Exact = true })).ToBeVisibleAsync();
        // The form opens on this hour today; ninety minutes online, Sam, and Chris discussed.
        await okafor.GetByLabel("Length in minutes").FillAsync("90");
        await okafor.GetByLabel("Online", new() { Exact = true }).CheckAsync();
        await okafor.GetByLabel("Meeting link, for an online session (optional)").FillAsync("https://meet.riverside.example/okafor");
        await okafor.GetByLabel("Sam Rivera", new() { Exact = true }).CheckAsync();
        await okafor.GetByLabel("Chris D.").CheckAsync();
        await okafor.GetByLabel("Topics (kept encrypted; the supervisees who were there read them)").FillAsync("Chris's sense of being rushed; slowing the session down together.");
        await okafor.GetByLabel("I confirm this session took place as logged (my signature)").CheckAsync();
        await Browser.AssertAccessibleAsync(okafor, "the supervision sessions log");
        await Browser.ScreenshotAsync(okafor, "48-supervision-log-session");
        await okafor.GetByRole(AriaRole.Button, new() { Name = "Log and sign the session" }).ClickAsync();
        await Assertions.Expect(okafor.GetByRole(AriaRole.Status)).ToContainTextAsync("Session logged and signed by you.");
        await Assertions.Expect(okafor.GetByText("Sam Rivera has not signed yet")).ToBeVisibleAsync();

        var sam = await Browser.SignInAsync(browser, server, "clinician@riverside.example", "demo-clinician-2026");
        await sam.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Supervision", Exact = true }).ClickAsync();
        await Assertions.Expect(sam.GetByText("Chris's sense of being rushed; slowing the session down together.")).ToBeVisibleAsync();
        await sam.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Sign the session of") }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Status)).ToContainTextAsync("Session signed.");
        await sam.GetByRole(AriaRole.Link, new() { Name = "Your supervised hours, to print for a licensing board" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "Supervised hours: Sam Rivera" })).ToBeVisibleAsync();
        var totals = sam.GetByRole(AriaRole.Table, new() { Name = "Totals of sessions signed by both" });
        await Assertions.Expect(totals.GetByRole(AriaRole.Row, new() { Name = "All supervision" })).ToContainTextAsync("1.50");
        await Assertions.Expect(totals.GetByRole(AriaRole.Row, new() { Name = "Online" })).ToContainTextAsync("1.50");
        await Browser.AssertAccessibleAsync(sam, "the supervised hours summary");
        await Browser.ScreenshotAsync(sam, "49-supervision-hours");
    }

    /// <summary>Issue 21, point 5: Sam's wellbeing check, private until he shares it; Dr. Okafor sees only the shared one.</summary>
    [Fact]
    public async Task A_clinician_checks_their_own_wellbeing_and_shares_it_with_their_supervisor()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var sam = await Browser.SignInAsync(browser, server, "clinician@riverside.example", "demo-clinician-2026");
        await sam.GetByRole(AriaRole.Link, new() { Name = "Your wellbeing check is due" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Heading, new() { Name = "My wellbeing" })).ToBeVisibleAsync();
        foreach (var (question, answer) in new[] { ("How much energy have you had for your work lately?", "6"), ("How manageable has your workload been?", "4"),
            ("How connected have you felt to your work and the people you help?", "8"), ("How supported have you felt, at work and outside it?", "7"), ("How well have you been sleeping?", "5") })
            await sam.GetByRole(AriaRole.Group, new() { Name = question }).GetByText(answer, new() { Exact = true }).ClickAsync();
        await sam.GetByLabel("Share this check with my supervisor (Dr. Amara Okafor) (only this one; you can change it later)").CheckAsync();
        await Browser.AssertAccessibleAsync(sam, "the wellbeing check");
        await Browser.ScreenshotAsync(sam, "50-wellbeing-check");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Save my check" }).ClickAsync();
        await Assertions.Expect(sam.GetByRole(AriaRole.Status)).ToContainTextAsync("and shared with your supervisor");
        var history = sam.GetByRole(AriaRole.Table, new() { Name = "Your wellbeing checks, newest first (each item 0–10, 10 the best)" });
        await Assertions.Expect(history).ToContainTextAsync("6.0");
        await Browser.AssertAccessibleAsync(sam, "the wellbeing history");
        await Browser.ScreenshotAsync(sam, "51-wellbeing-saved");

        var okafor = await Browser.SignInAsync(browser, server, "supervisor@riverside.example", "demo-supervisor-2026");
        await okafor.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Supervision" }).ClickAsync();
        await okafor.GetByRole(AriaRole.Link, new() { Name = "Sam Rivera", Exact = true }).ClickAsync();
        var shared = okafor.GetByRole(AriaRole.Table, new() { Name = "Checks Sam Rivera chose to share, newest first (0–10, 10 the best)" });
        await Assertions.Expect(shared).ToContainTextAsync("6.0");
        await Browser.AssertAccessibleAsync(okafor, "a supervisee's page with a shared wellbeing check");

        // Issue 21, point 4: from Sam's page Dr. Okafor proposes a growth goal, measured by the share of sessions with a Connection Check.
        await okafor.GetByRole(AriaRole.Link, new() { Name = "Propose a growth goal for Sam Rivera" }).ClickAsync();
        await okafor.GetByLabel("The goal, in the clinician's words (for example: invite feedback on the relationship in every session)").FillAsync("Invite feedback on the relationship in every session");
        await okafor.GetByLabel("Share of sessions with the client's Connection Check").CheckAsync();
        await okafor.GetByLabel("Target (optional: a share in %, days, or points of gap)").FillAsync("80");
        await Browser.AssertAccessibleAsync(okafor, "proposing a growth goal");
        await okafor.GetByRole(AriaRole.Button, new() { Name = "Propose the goal" }).ClickAsync();
        await Assertions.Expect(okafor.GetByRole(AriaRole.Status)).ToContainTextAsync("Proposed.");
        await Assertions.Expect(okafor.GetByText("Proposed by Dr. Amara Okafor; waiting for Sam Rivera to agree")).ToBeVisibleAsync();
        await Assertions.Expect(okafor.GetByRole(AriaRole.Table, new() { Name = "Share of sessions with the client's Connection Check, by month" })).ToBeVisibleAsync();
        await Browser.AssertAccessibleAsync(okafor, "a growth goal with its measure over time");
        await Browser.ScreenshotAsync(okafor, "52-growth-goal");
    }
}
