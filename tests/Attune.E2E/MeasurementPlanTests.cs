using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>The clinic admin sets the measurement plan; a clinician sees it, overrides it for one client and schedules a session.</summary>
public class MeasurementPlanTests
{
    [Fact]
    public async Task The_admin_sets_the_clinic_plan_and_a_clinician_schedules_a_session()
    {
        await using var server = await AttuneServer.StartAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var admin = await Browser.SignInAsync(browser, server, "admin@riverside.example", "demo-admin-2026");
        await admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Measurement plan" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Clinic measurement plan" })).ToBeVisibleAsync();
        await admin.GetByLabel(new System.Text.RegularExpressions.Regex("^Outcome measure")).SelectOptionAsync("gad-7");
        await admin.GetByLabel("Every Nth session").FillAsync("3");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save clinic plan" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Clinic plan saved.");
        await Browser.AssertAccessibleAsync(admin, "the clinic measurement plan");
        await Browser.ScreenshotAsync(admin, "13-clinic-measurement-plan");

        var staff = await Browser.SignInAsync(browser, server, "clinician@riverside.example", "demo-clinician-2026");
        await staff.GetByRole(AriaRole.Link, new() { Name = "Add client" }).First.ClickAsync();
        await staff.GetByLabel("Name or initials").FillAsync("Robin Plan");
        await staff.GetByLabel("Email").FillAsync("robin@example.org");
        await Assertions.Expect(staff.GetByLabel(new System.Text.RegularExpressions.Regex("^Outcome measure"))).ToContainTextAsync("Clinic default (GAD-7)");
        await staff.GetByLabel(new System.Text.RegularExpressions.Regex("^Outcome measure")).SelectOptionAsync("core-10");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Add client" }).ClickAsync();

        var plan = staff.GetByRole(AriaRole.Region, new() { Name = "Measurement plan" });
        await Assertions.Expect(plan).ToContainTextAsync("Before each session: CORE-10");
        await Assertions.Expect(plan).ToContainTextAsync("WAI-SR every 3 sessions");
        await Assertions.Expect(plan).ToContainTextAsync("WAI-SR waits for the clinic's licence file");

        // A session in three hours, entered ahead: the CORE-10 goes out at once, being within a day of it (by email).
        var soon = DateTime.Now.AddHours(3);
        await Browser.EnterDateAsync(staff, "Date and time of the session", soon);
        await staff.GetByLabel("Attendance").SelectOptionAsync("Scheduled");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Record session" }).ClickAsync();
        var sessions = staff.GetByRole(AriaRole.Region, new() { Name = "Sessions" });
        await Assertions.Expect(sessions).ToContainTextAsync("Scheduled");
        await Assertions.Expect(sessions).ToContainTextAsync("Before: CORE-10 · sent");
        await Browser.AssertAccessibleAsync(staff, "the client page with a scheduled session");
        await Browser.ScreenshotAsync(staff, "14-client-plan-and-calendar");
    }
}
