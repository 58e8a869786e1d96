using System.Net;
using Attune.Core.CheckIns;
using Attune.Web.Features.Schedules;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Schedules;

public class MeasurementScheduleTests
{
    // The test clock starts at 2026-11-02 09:00 UTC; the demo clinic's time zone is UTC unless configured.
    private static async Task<int> RunSchedulerAsync(AttuneFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MeasurementScheduler>().RunAsync(ct: TestContext.Current.CancellationToken);
    }

    private static async Task<List<CheckIn>> CheckInsAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var ids = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        return await db.CheckIns.Where(c => ids.Contains(c.RelationshipId)).ToListAsync(TestContext.Current.CancellationToken);
    }

    private static Dictionary<string, string> Scheduled(string localStart) => new(Slice.SessionForm(localStart)) { ["SessionInput.Attendance"] = "Scheduled" };

    [Theory, AllDatabases]
    public async Task The_outcome_measure_goes_out_a_day_before_a_scheduled_session_once(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Calendar Client", email: "calendar@example.org");
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "session", Scheduled("2026-11-05T10:00")));
        Assert.Empty(await CheckInsAsync(app, clientId));

        // The background pass runs too as the test clock moves; whichever pass runs, the result is the same.
        app.Clock.Advance(TimeSpan.FromDays(2)); // 4 November 09:00, 25 hours before
        await RunSchedulerAsync(app);
        Assert.Empty(await CheckInsAsync(app, clientId));
        app.Clock.Advance(TimeSpan.FromHours(2)); // 23 hours before
        await RunSchedulerAsync(app);
        await RunSchedulerAsync(app); // a second pass makes nothing more

        var checkIn = Assert.Single(await CheckInsAsync(app, clientId));
        Assert.Equal(CheckInKind.BeforeSession, checkIn.Kind);
        Assert.Equal(["phq-9"], checkIn.Instruments);
        Assert.NotNull(checkIn.SentToClientAt);
        await using var db = app.CreateDbContext();
        Assert.Single(await db.Outbox.Where(m => m.To == "calendar@example.org").ToListAsync(TestContext.Current.CancellationToken));
        staff = await Demo.ClinicianAsync(app); // two days on, the morning's sign-in has expired
        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", TestContext.Current.CancellationToken));
        Assert.Contains("Before: PHQ-9 · sent", page);
    }

    [Theory, AllDatabases]
    public async Task Attended_sessions_get_the_connection_check_and_session_three_the_fit_check(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "After Sessions");
        // Two sessions in the past week, then today's, recorded after it ended (09:00 now, it began at 08:00).
        await Slice.RecordSessionAsync(staff, clientId, "2026-10-27T08:00");
        await Slice.RecordSessionAsync(staff, clientId, "2026-10-30T08:00");
        await Slice.RecordSessionAsync(staff, clientId, "2026-11-02T08:00");

        // Only today's session gets one (issue 18: "how was today's session?" for sessions a week old): the two earlier
        // ones ended more than Schedules:AfterSessionWithinHours (48) ago. Today's is session 3: the fit check too.
        var made = Assert.Single(await CheckInsAsync(app, clientId));
        Assert.Equal(CheckInKind.AfterSession, made.Kind);
        Assert.Equal(["connection-check", "fit-check"], made.Instruments);
        // No email or phone: the link waits on the client page for the clinician to hand over.
        Assert.Null(made.SentToClientAt);
        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", TestContext.Current.CancellationToken));
        Assert.Contains("After: Connection Check, Fit check · link waiting below", page);
    }

    [Theory, AllDatabases]
    public async Task A_scheduled_session_marked_attended_gets_its_after_session_check_in(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Marked Later");
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "session", Scheduled("2026-11-02T07:30")));
        Assert.Empty(await CheckInsAsync(app, clientId)); // unconfirmed: nothing after it yet

        await using (var db = app.CreateDbContext())
        {
            var sessionId = await db.Sessions.Where(s => db.Relationships.Any(r => r.ClientId == clientId && r.Id == s.RelationshipId)).Select(s => s.Id).SingleAsync(TestContext.Current.CancellationToken);
            var page = await staff.Http.GetStringAsync($"/clients/{clientId}", TestContext.Current.CancellationToken);
            var bad = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, $"attend-{sessionId:N}", new() { ["attendance"] = "Scheduled" });
            Assert.Contains("Choose attended, no-show or cancelled.", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
            await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, $"attend-{sessionId:N}", new() { ["attendance"] = "Attended" }));
        }
        var checkIn = Assert.Single(await CheckInsAsync(app, clientId));
        Assert.Equal((CheckInKind.AfterSession, "connection-check"), (checkIn.Kind, Assert.Single(checkIn.Instruments)));
    }

    /// <summary>A session the client has already rated (a Connection Check sent for it by hand) is not asked about again.</summary>
    [Fact]
    public async Task A_session_already_rated_gets_no_after_session_check_in()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Rated Already");
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "session", Scheduled("2026-11-02T07:30")));
        Guid sessionId;
        await using (var db = app.CreateDbContext())
            sessionId = await db.Sessions.Where(s => db.Relationships.Any(r => r.ClientId == clientId && r.Id == s.RelationshipId)).Select(s => s.Id).SingleAsync(ct);
        // The clinician sends the Connection Check for that session by hand, and the client answers it.
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        var link = await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "checkin",
            new() { ["CheckInInput.SessionId"] = sessionId.ToString() }, [new("CheckInInput.Instruments", "connection-check")]));
        var path = new Uri(WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(link, "value=\"(https?://[^\"]+/c/[^\"]+)\"").Groups[1].Value)).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, path, Slice.ConnectionCheck())).StatusCode);

        page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, $"attend-{sessionId:N}", new() { ["attendance"] = "Attended" }));
        await RunSchedulerAsync(app);
        Assert.DoesNotContain(await CheckInsAsync(app, clientId), c => c.Kind == CheckInKind.AfterSession);
        // And the check-in form offers the latest attended session by default.
        Assert.Matches($"<option value=\"{sessionId}\" selected", await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
    }

    [Theory, AllDatabases]
    public async Task The_outcome_measure_chosen_at_intake_and_a_per_client_override_replace_the_clinic_default(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var form = await staff.Http.GetStringAsync("/clients/new", ct);
        Assert.Contains("Clinic default (PHQ-9)", form);
        var added = await staff.PostFormAsync("/clients/new", "new-client", new()
        {
            ["Input.Name"] = "Anxious Client", ["Input.Email"] = "", ["Input.Phone"] = "", ["Input.Reference"] = "", ["Input.Outcome"] = "gad-7",
        });
        var clientId = Guid.Parse(added.Headers.Location!.OriginalString.Split('/').Last());
        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Before each session: <strong>GAD-7</strong>", page);
        Assert.Matches("value=\"gad-7\"[^>]*checked", page); // pre-ticked for an ad hoc link too

        // Bad values are refused with the reason and change nothing.
        foreach (var bad in new Dictionary<string, string>[]
                 {
                     new() { ["MeasuresInput.Outcome"] = "phq-99" },
                     new() { ["MeasuresInput.Outcome"] = "connection-check" },
                     new() { ["MeasuresInput.Alliance"] = "phq-9" },
                     new() { ["MeasuresInput.Every"] = "0" },
                     new() { ["MeasuresInput.Every"] = "4.5" },
                 })
        {
            var refused = await staff.PostFormAsync($"/clients/{clientId}", "measures", bad);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        }
        page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Before each session: <strong>GAD-7</strong>", page);

        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "measures", new()
        {
            ["MeasuresInput.Outcome"] = "core-10", ["MeasuresInput.Alliance"] = "none", ["MeasuresInput.Every"] = "",
        }));
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "session", Scheduled("2026-11-02T20:00")));
        var checkIn = Assert.Single(await CheckInsAsync(app, clientId));
        Assert.Equal((CheckInKind.BeforeSession, "core-10"), (checkIn.Kind, Assert.Single(checkIn.Instruments)));
    }

    [Theory, AllDatabases]
    public async Task Only_the_clinic_admin_sets_the_clinic_plan(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var clinician = await Demo.ClinicianAsync(app);
        var denied = await clinician.Http.GetAsync("/settings/measures", ct);
        Assert.Equal("/denied", denied.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, (await clinician.Http.GetAsync(denied.Headers.Location, ct)).StatusCode);

        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var refused = await admin.PostFormAsync("/settings/measures", "clinic-measures", new()
        {
            ["Input.Outcome"] = "gad-7", ["Input.Alliance"] = "srs", ["Input.Every"] = "21", ["Input.ConnectionCheck"] = "true", ["Input.FitCheck"] = "true",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var saved = await admin.PostFormAsync("/settings/measures", "clinic-measures", new()
        {
            ["Input.Outcome"] = "gad-7", ["Input.Alliance"] = "srs", ["Input.Every"] = "1", ["Input.ConnectionCheck"] = "true", ["Input.FitCheck"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        // Saving the same plan again is not a change. The one change is audited with the plan before and after.
        await admin.PostFormAsync("/settings/measures", "clinic-measures", new()
        {
            ["Input.Outcome"] = "gad-7", ["Input.Alliance"] = "srs", ["Input.Every"] = "1", ["Input.ConnectionCheck"] = "true", ["Input.FitCheck"] = "true",
        });
        await using (var db = app.CreateDbContext())
        {
            var change = Assert.Single(await db.AuditEvents.AsNoTracking().Where(e => e.Action == "update-measurement-plan").ToListAsync(ct));
            Assert.Contains("\"before\":{\"outcomeMeasure\":\"phq-9\"", change.Detail);
            Assert.Contains("\"after\":{\"outcomeMeasure\":\"gad-7\",\"connectionCheck\":true,\"fitCheck\":true,\"allianceMeasure\":\"srs\",\"allianceEvery\":1}", change.Detail);
        }

        var clientId = await Slice.AddClientAsync(clinician, "Under New Plan");
        var page = WebUtility.HtmlDecode(await clinician.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Before each session: <strong>GAD-7</strong>", page);
        // SRS every session, but the clinic has not loaded the SRS licence file: the page says so and none is sent.
        Assert.Contains("SRS waits for the clinic's licence file", page);
        await Slice.RecordSessionAsync(clinician, clientId, "2026-11-02T08:00");
        var checkIn = Assert.Single(await CheckInsAsync(app, clientId));
        Assert.Equal(["connection-check"], checkIn.Instruments);
    }
}
