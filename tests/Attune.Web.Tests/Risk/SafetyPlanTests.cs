using System.Net;
using System.Text;
using Attune.Core.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Risk;

/// <summary>
/// Issue 18, point 1: a risk alert is resolved by a structured risk review, and a safety plan (Stanley &amp; Brown's six
/// steps) is written with the client, kept encrypted and in versions, read by the client from their progress link and
/// printable.
/// </summary>
public class SafetyPlanTests
{
    private static Dictionary<string, string> Plan(string warning, string people = "", string professionals = "", string environment = "") => new()
    {
        ["WarningSigns"] = warning, ["InternalCoping"] = "Walk the dog\nPlay guitar", ["PeopleAndPlacesThatDistract"] = "",
        ["PeopleToAskForHelp"] = people, ["ProfessionalsAndCrisisLines"] = professionals, ["MakingTheEnvironmentSafer"] = environment, ["withClient"] = "true",
    };

    [Theory, AllDatabases]
    public async Task A_safety_plan_is_written_in_versions_kept_encrypted_read_by_the_client_and_recorded_by_the_risk_review(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Sasha Safe");
        var path = $"/clients/{clientId}";

        // Not a plan without warning signs, nor without anyone to ask: refused, nothing stored.
        var empty = await staff.PostFormAsync($"{path}/safety-plan", "plan", Plan(""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Contains("Write the warning signs", WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync(ct)));
        var nobody = await staff.PostFormAsync($"{path}/safety-plan", "plan", Plan("Not sleeping"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nobody.StatusCode);
        var tooLong = await staff.PostFormAsync($"{path}/safety-plan", "plan", Plan(new string('w', 2001), people: "Mum"));
        Assert.Contains("Keep “Warning signs” to 2000 characters", WebUtility.HtmlDecode(await tooLong.Content.ReadAsStringAsync(ct)));
        await using (var db = app.CreateDbContext())
            Assert.False(await db.SafetyPlans.AnyAsync(ct));

        var first = await Slice.FollowAsync(staff, await staff.PostFormAsync($"{path}/safety-plan", "plan", Plan("Not sleeping\nDrinking alone", people: "Mum 555-0101")));
        Assert.Contains("Safety plan saved", first);
        Assert.Contains("<li>Drinking alone</li>", first);
        var second = await Slice.FollowAsync(staff, await staff.PostFormAsync($"{path}/safety-plan", "plan",
            Plan("Not sleeping\nCancelling plans with friends", people: "Mum 555-0101", professionals: "Dr. Rivera 555-0199", environment: "Pills kept by my sister")));
        Assert.Contains("Safety plan saved as version 2; the earlier versions are kept", second);
        Assert.Contains("Earlier versions (1)", second);
        Assert.Contains("988 Suicide &amp; Crisis Lifeline", second); // the clinic's crisis lines print with step 5
        Assert.Contains("data-print", second);

        // Encrypted at rest: the stored parts are cipher text; two versions kept.
        await using (var db = app.CreateDbContext())
        {
            var plan = await db.SafetyPlans.Include(p => p.Versions).SingleAsync(p => p.ClientId == clientId, ct);
            Assert.Equal([1, 2], plan.Versions.Select(v => v.Number).Order());
            Assert.All(plan.Versions, v => Assert.DoesNotContain("sleeping", v.ProtectedWarningSigns));
            Assert.True(plan.Versions.Single(v => v.Number == 2).WrittenWithClient);
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.EntityType == "SafetyPlan" && e.EntityId == plan.Id && e.Action != "read", ct));
        }

        // The client reads the current version from their progress link, and can print it.
        var anonymous = StaffClient.Anonymous(app);
        var progress = await Slice.ProgressPathAsync(staff, clientId);
        Assert.Contains($"{progress}/safety-plan", await anonymous.GetStringAsync(progress, ct));
        var mine = await anonymous.GetAsync($"{progress}/safety-plan", ct);
        Assert.Equal("no-store", mine.Headers.CacheControl?.ToString());
        var mineText = WebUtility.HtmlDecode(await mine.Content.ReadAsStringAsync(ct));
        Assert.Contains("Your safety plan", mineText);
        Assert.Contains("Cancelling plans with friends", mineText);
        Assert.DoesNotContain("Drinking alone", mineText); // an earlier version is not the client's plan any more
        Assert.Contains("Step 6. Making the environment safer", mineText);
        Assert.Contains("Print my plan", mineText);
        await using (var db = app.CreateDbContext())
            Assert.True(await db.AuditEvents.AnyAsync(e => e.EntityType == "SafetyPlan" && e.Action == "read" && e.ActorKind == "progress-link" && e.ClientId == clientId, ct));

        // A risk review that reviewed the plan records the version reviewed.
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(1, 1, 1, 1, 1, 1, 1, 1, 2))).StatusCode);
        Guid alertId;
        await using (var db = app.CreateDbContext())
            alertId = (await db.Alerts.AsNoTracking().SingleAsync(a => a.Urgent && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == clientId), ct)).Id;
        var alertPage = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/alerts/{alertId}", ct));
        Assert.Contains("Safety plan (version 2,", alertPage);
        Assert.Contains("Record the review and resolve", alertPage);
        var reviewed = await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/alerts/{alertId}", alertPage, "review", new(Slice.DateFields("reviewedAt", LocalNow(app)))
        {
            ["contactMade"] = "true", ["riskAssessed"] = "true", ["level"] = "Moderate", ["safetyPlan"] = "true",
            ["note"] = "Called the same day; no plan or intent; went through the safety plan together.",
        }));
        Assert.Contains("<strong>Done:</strong> contact made; risk assessed: moderate; safety plan made or reviewed (version 2).", reviewed);
        Assert.Contains("went through the safety plan together", reviewed);
        await using (var db = app.CreateDbContext())
        {
            var review = await db.RiskReviews.AsNoTracking().SingleAsync(r => r.AlertId == alertId, ct);
            Assert.Equal((2, Attune.Core.Risk.JudgedRiskLevel.Moderate), (review.SafetyPlanVersion, review.Level));
            Assert.DoesNotContain("same day", review.ProtectedNote);
            var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId, ct);
            Assert.Equal((AlertStatus.Resolved, AlertAction.RiskReview), (alert.Status, alert.Action!.Value));
        }
    }

    [Theory, AllDatabases]
    public async Task A_supervisor_reads_the_safety_plan_and_cannot_change_it(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Sol Supervised");
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}/safety-plan", "plan", Plan("Pacing at night", people: "Brother")));

        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var page = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync($"/clients/{clientId}/safety-plan", ct));
        Assert.Contains("Pacing at night", page);
        Assert.DoesNotContain("Save the safety plan", page);
        Assert.DoesNotContain("Review or change it", page);
        var refused = await supervisor.PostFormFromHtmlAsync($"/clients/{clientId}/safety-plan", page, "plan", Plan("Changed by the supervisor", people: "Brother"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only the client's own clinician writes the safety plan", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.SafetyPlans.Where(p => p.ClientId == clientId).SelectMany(p => p.Versions).CountAsync(ct));

        // A clinic elsewhere does not find it at all.
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password-2026");
        var other = await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password-2026");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/clients/{clientId}/safety-plan", ct)).StatusCode);
    }

    private static string LocalNow(AttuneFactory app) =>
        app.Services.GetRequiredService<Attune.Web.Time.ClinicClock>().ToLocal(app.Clock.GetUtcNow())
            .ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
