using System.Net;
using Attune.Core.Endings;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Lifecycle;

public class LifecycleTests
{
    private static async Task<TherapeuticRelationship> RelationshipAsync(AttuneFactory app, Guid clientId) 
    {
        await using var db = app.CreateDbContext();
        return await db.Relationships.Include(r => r.PhaseChanges).AsNoTracking().Where(r => r.ClientId == clientId)
            .OrderByDescending(r => r.OpenedAt).FirstAsync();
    }

    private static Dictionary<string, string> Intake(string styles = "VerbalDiscussion", string pacing = "Gentle", string input = "Balanced", string impression = "Unsure", string concerns = "Panic on the train to work") => new()
    {
        ["concerns"] = concerns, ["outcome"] = "gad-7", ["styles"] = styles, ["pacing"] = pacing, ["input"] = input,
        ["impression"] = impression, ["impressionNote"] = "Quiet; hard to read",
    };

    [Theory, AllDatabases]
    public async Task The_intake_record_and_phase_changes_are_encrypted_audited_and_shown(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Ines Intake");
        var path = $"/clients/{clientId}/intake";
        foreach (var bad in new[] { Intake(styles: "Banana"), Intake(pacing: "9"), Intake(input: ""), Intake(impression: "Great"), Intake(concerns: new string('c', 8001)) })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostFormAsync(path, "intake", bad)).StatusCode);
        var wrongMeasure = Intake();
        wrongMeasure["outcome"] = "banana";
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostFormAsync(path, "intake", wrongMeasure)).StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.False(await db.Intakes.AnyAsync(i => db.Relationships.Any(r => r.Id == i.RelationshipId && r.ClientId == clientId), ct));

        var saved = WebUtility.HtmlDecode(await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "intake", Intake(),
            [new("styles", "PhysicalGrounding")])));
        Assert.Contains("Intake record saved.", saved);
        Assert.Contains("Panic on the train to work</textarea>", saved);
        Assert.Matches("id=\"style-PhysicalGrounding\"[^>]*checked", saved);
        Assert.Matches("id=\"pace-Gentle\"[^>]*checked", saved);
        Assert.Contains("Fit discussed", await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "fit", new() { ["note"] = "Said she can ask for someone else" })));
        await using (var db = app.CreateDbContext())
        {
            var intake = await db.Intakes.AsNoTracking().SingleAsync(i => db.Relationships.Any(r => r.Id == i.RelationshipId && r.ClientId == clientId), ct);
            Assert.Equal(WorkingStyle.VerbalDiscussion | WorkingStyle.PhysicalGrounding, intake.Styles);
            Assert.Equal((Pacing.Gentle, TherapistInput.Balanced, FitImpression.Unsure), (intake.Pacing, intake.Input, intake.Impression));
            Assert.NotNull(intake.FitDiscussedAt);
            Assert.DoesNotContain("Panic", intake.ProtectedConcerns);
            Assert.DoesNotContain("someone else", intake.ProtectedFitDiscussion);
            Assert.Equal("gad-7", (await db.Relationships.AsNoTracking().SingleAsync(r => r.ClientId == clientId, ct)).Measures.OutcomeMeasure);
        }
        Assert.Contains("Intake record, fit discussed", await staff.Http.GetStringAsync($"/clients/{clientId}", ct));

        // Phase: a reason is required; it is kept encrypted and shown in the history.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostFormAsync($"/clients/{clientId}", "phase", new() { ["PhaseInput.To"] = "Working", ["PhaseInput.Reason"] = " " })).StatusCode);
        var moved = WebUtility.HtmlDecode(await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "phase",
            new() { ["PhaseInput.To"] = "Working", ["PhaseInput.Reason"] = "Goals agreed; she feels safe enough to start exposure" })));
        Assert.Contains("<span class=\"phase phase-working\">Working phase</span>", moved);
        Assert.Contains("Intake → <strong>Working phase</strong>: Phase changed by the clinician: Goals agreed; she feels safe enough", moved);
        var r = await RelationshipAsync(app, clientId);
        var change = r.PhaseChanges.Single(c => c.To == RelationshipPhase.Working);
        Assert.DoesNotContain("exposure", change.ProtectedReason);
        // The phase shows wherever the relationship does: the caseload and the timeline too.
        Assert.Contains("Working phase", await staff.Http.GetStringAsync($"/clients/{clientId}/timeline", ct));

        // The supervisor reads the intake record but cannot change it.
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var read = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync(path, ct));
        Assert.Contains("Panic on the train to work", read);
        Assert.DoesNotContain("name=\"concerns\"", read);
        await using (var db = app.CreateDbContext())
        {
            var audit = await db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "IntakeRecord" && e.ClientId == clientId).ToListAsync(ct);
            Assert.Equal((1, 1), (audit.Count(e => e.Action == "create"), audit.Count(e => e.Action == "update")));
            Assert.Contains(audit, e => e.Action == "read" && e.ActorId != null);
        }
    }

    [Theory, AllDatabases]
    public async Task Goal_levels_are_rated_over_time_with_a_t_score_and_the_client_sees_the_milestone(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Gus Gas");
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "goal-new", new() { ["kind"] = "Goal", ["text"] = "Take the train to work" }));
        Guid goalId;
        await using (var db = app.CreateDbContext())
            goalId = await db.Goals.Where(g => db.Relationships.Any(r => r.Id == g.RelationshipId && r.ClientId == clientId)).Select(g => g.Id).SingleAsync(ct);
        var levels = new Dictionary<string, string>
        {
            ["level0"] = "Cannot go near the station", ["level1"] = "Stand on the platform", ["level2"] = "One stop with a friend",
            ["level3"] = "The whole way with a friend", ["level4"] = "The whole way alone", ["weight"] = "1",
        };
        var form = $"goal-scale-{goalId:N}";
        foreach (var (key, value) in new[] { ("level2", " "), ("level4", new string('l', 501)), ("weight", "0"), ("weight", "heavy"), ("weight", "11") })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostFormAsync($"/clients/{clientId}", form, new(levels) { [key] = value })).StatusCode);
        // Rating before the levels are described is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostFormAsync($"/clients/{clientId}", $"goal-rate-{goalId:N}", new() { ["level"] = "0" })).StatusCode);
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", form, levels));
        foreach (var bad in new[] { "3", "-3", "x", "" })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostFormAsync($"/clients/{clientId}", $"goal-rate-{goalId:N}", new() { ["level"] = bad })).StatusCode);
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", $"goal-rate-{goalId:N}", new() { ["level"] = "-1" }));
        app.Clock.Advance(TimeSpan.FromDays(21));
        staff = await Demo.ClinicianAsync(app); // the sign-in does not last three weeks
        var page = WebUtility.HtmlDecode(await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", $"goal-rate-{goalId:N}", new() { ["level"] = "0" })));
        Assert.Contains("Goal attainment saved.", page);
        Assert.Contains("Goal attainment T-score: 50", page);
        Assert.Contains("At the first rating, 2 Nov 2026: 40.", page); // one goal at −1: 50 + 10·(−1)/1 = 40
        Assert.Matches(@"<li class=""current"">0 One stop with a friend \(now\)</li>", page);
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal([-1, 0], await db.GoalRatings.Where(r => r.GoalId == goalId).OrderBy(r => r.RatedAt).Select(r => r.Level).ToListAsync(ct));
            Assert.DoesNotContain("platform", (await db.Goals.AsNoTracking().SingleAsync(g => g.Id == goalId, ct)).ProtectedScale);
        }

        var progress = await Slice.ProgressPathAsync(staff, clientId);
        var client = new StaffClient(StaffClient.Anonymous(app));
        var seen = WebUtility.HtmlDecode(await client.Http.GetStringAsync(progress, ct));
        Assert.Contains("<li class=\"celebrate\"><span class=\"milestone-date\">23 Nov 2026</span> You reached the expected level on your goal “Take the train to work”: One stop with a friend. Well done.</li>", seen);
        Assert.Contains("Expected: One stop with a friend ← where you are now", seen);

        // The client disagrees with the goal: a signal for the clinician.
        var answered = await client.PostFormFromHtmlAsync(progress, seen, $"goal-{goalId:N}", new() { ["agreement"] = "Disagreed", ["words"] = "Driving matters more" });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        await using (var db = app.CreateDbContext())
        {
            var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Kind == SignalKind.GoalDisagreement && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == clientId), ct);
            Assert.Contains("disagreed with a goal", alert.Explanation);
        }
        Assert.Contains("Goal not agreed", await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
    }

    [Theory, AllDatabases]
    public async Task A_planned_ending_closes_with_a_drafted_summary_a_plan_the_client_keeps_and_a_final_check_in_and_re_engagement_links_a_new_episode(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Eve Ending", email: "eve@example.org");
        await Slice.RecordEndedSessionAsync(app, staff, clientId);
        Assert.Contains("Thank you", await (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(3, 3, 2, 2, 2, 2, 2, 1, 0))).Content.ReadAsStringAsync(ct));
        app.Clock.Advance(TimeSpan.FromDays(56));
        staff = await Demo.ClinicianAsync(app);
        Assert.Contains("Thank you", await (await Slice.SubmitAsync(app, await Slice.CreateCheckInAsync(staff, clientId, "phq-9"), Slice.Phq9(1, 1, 1, 0, 1, 0, 0, 0, 0))).Content.ReadAsStringAsync(ct));
        var ending = $"/clients/{clientId}/ending";
        var draft = WebUtility.HtmlDecode(await staff.Http.GetStringAsync(ending, ct));
        Assert.Contains("PHQ-9: 17 on 2 Nov 2026 to 4 on 28 Dec 2026; moderately severe to minimal: recovered", draft);
        Assert.Contains("No ruptures were logged.", draft);

        Dictionary<string, string> End(string kind = "Planned", string reason = "GoalsMet", string summary = "Recovered; PHQ-9 from 17 to 4.") => new()
        {
            ["kind"] = kind, ["reason"] = reason, ["summary"] = summary, ["plan"] = "Walk every morning; call Sam if sleep goes for a week.", ["final"] = "true",
        };
        // A planned ending from intake conflicts with the relationship's phase; bad choices are invalid; nothing changes.
        foreach (var (bad, why, status) in new[]
        {
            (End(), "Termination first", HttpStatusCode.Conflict), (End(kind: "Maybe"), "planned", HttpStatusCode.UnprocessableEntity),
            (End(reason: "Bored"), "reason", HttpStatusCode.UnprocessableEntity), (End(reason: "ReferredOn"), "referral page", HttpStatusCode.UnprocessableEntity),
            (End(kind: "Planned", reason: "NoContact"), "Termination first", HttpStatusCode.Conflict), (End(summary: " "), "closing summary", HttpStatusCode.UnprocessableEntity),
        })
        {
            var refused = await staff.PostFormAsync(ending, "ending", bad);
            Assert.Equal(status, refused.StatusCode);
            Assert.Contains(why, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)));
        }
        Assert.True((await RelationshipAsync(app, clientId)).IsOpen);
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "phase", new() { ["PhaseInput.To"] = "Termination", ["PhaseInput.Reason"] = "Goals met" }));

        var ended = await staff.PostFormAsync(ending, "ending", End());
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        var episode = WebUtility.HtmlDecode(await Slice.FollowAsync(staff, ended));
        Assert.Contains("The relationship is closed.", episode);
        Assert.Contains("<strong>Planned ending</strong>, 28 Dec 2026: goals met.", episode);
        Assert.Contains("Recovered; PHQ-9 from 17 to 4.", episode);
        var old = await RelationshipAsync(app, clientId);
        Assert.Equal(RelationshipPhase.Closed, old.Phase);
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.Endings.AsNoTracking().SingleAsync(e => e.RelationshipId == old.Id, ct);
            Assert.Equal((EndingKind.Planned, EndingReason.GoalsMet), (stored.Kind, stored.Reason));
            Assert.DoesNotContain("PHQ-9", stored.ProtectedSummary);
            Assert.DoesNotContain("morning", stored.ProtectedCarryForward);
            var final = await db.CheckIns.AsNoTracking().SingleAsync(c => c.Id == stored.FinalCheckInId, ct);
            Assert.Equal(["connection-check", "phq-9"], final.Instruments);
            Assert.NotNull(final.SentToClientAt);
            Assert.True(await db.Outbox.AnyAsync(m => m.To == "eve@example.org" && m.CreatedAt == app.Clock.GetUtcNow(), ct));
        }
        // Ending again is not possible: the ending page leads to how it ended.
        Assert.Equal(HttpStatusCode.Redirect, (await staff.Http.GetAsync(ending, ct)).StatusCode);

        // The client keeps the plan: a printable page from their progress link, which also points to it.
        var planLink = System.Text.RegularExpressions.Regex.Match(episode, "id=\"plan-link\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        var client = new StaffClient(StaffClient.Anonymous(app));
        var plan = WebUtility.HtmlDecode(await client.Http.GetStringAsync(new Uri(planLink).PathAndQuery, ct));
        Assert.Contains("Walk every morning; call Sam if sleep goes for a week.", plan);
        Assert.Contains("If you want to come back", plan);
        Assert.Contains("data-print", plan);
        Assert.Contains("Open, print or save your plan", await client.Http.GetStringAsync(new Uri(planLink).PathAndQuery.Replace("/plan", ""), ct));

        // The closed relationship takes no new sessions; the way back is a new, linked episode.
        var closedPage = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("This relationship is closed", closedPage);
        Assert.DoesNotContain("Record session", closedPage);
        app.Clock.Advance(TimeSpan.FromDays(120));
        staff = await Demo.ClinicianAsync(app);
        closedPage = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        // Issue 18: re-engagement asks for a reason and a confirmation; without them nothing opens.
        var unconfirmed = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", closedPage, "reengage", new() { ["reason"] = "Sleep has gone again." });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.StatusCode);
        Assert.Contains("Confirm that you are opening a new episode", WebUtility.HtmlDecode(await unconfirmed.Content.ReadAsStringAsync(ct)));
        var noReason = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", closedPage, "reengage", new() { ["confirm"] = "true", ["reason"] = " " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Equal(1, await CountEpisodesAsync(app, clientId));
        var back = WebUtility.HtmlDecode(await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", closedPage, "reengage",
            new() { ["confirm"] = "true", ["reason"] = "Sleep has gone again since the move." })));
        Assert.Contains("A new episode is open, linked to the earlier one.", back);
        Assert.Contains("Sleep has gone again since the move.", back);
        Assert.Contains("Episodes of care", back);
        Assert.Contains("planned: goals met", back);
        var next = await RelationshipAsync(app, clientId);
        Assert.Equal((old.Id, RelationshipPhase.Intake), (next.PreviousRelationshipId!.Value, next.Phase));
        Assert.NotEqual(old.Id, next.Id);
        // A second re-engagement (an old tab) does not open a third episode.
        var again = await staff.PostFormFromHtmlAsync($"/clients/{clientId}", closedPage, "reengage", new() { ["confirm"] = "true", ["reason"] = "Again" });
        Assert.True((int)again.StatusCode is >= 400 and < 500, $"A second re-engagement got {(int)again.StatusCode}");
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(2, await db.Relationships.CountAsync(r => r.ClientId == clientId, ct));
            Assert.Contains(await db.AuditEvents.Where(e => e.ClientId == clientId).Select(e => e.Action + " " + e.EntityType).ToListAsync(ct),
                a => a == "create RelationshipEnding");
        }
        // The earlier episode stays readable, with its timeline.
        Assert.Contains("Recovered; PHQ-9 from 17 to 4.", WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}/episodes/{old.Id}", ct)));
        Assert.Contains("PHQ-9", await staff.Http.GetStringAsync($"/clients/{clientId}/timeline?episode={old.Id}", ct));
    }

    [Theory, AllDatabases]
    public async Task A_referral_moves_the_client_to_a_colleague_with_a_hand_over_and_the_old_relationship_ends_referred_on(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Rafa Referral");
        Guid me, colleague;
        await using (var db = app.CreateDbContext())
        {
            me = await db.Clinicians.Where(c => c.DisplayName == "Sam Rivera").Select(c => c.Id).SingleAsync(ct);
            colleague = await db.Clinicians.Where(c => c.DisplayName == "Dr. Amara Okafor").Select(c => c.Id).SingleAsync(ct);
        }
        var path = $"/clients/{clientId}/referral";
        Dictionary<string, string> Refer(Guid to, string handover = "Wants a therapist who gives more direction.") => new()
        {
            ["to"] = to.ToString(), ["kind"] = "Planned", ["handover"] = handover, ["summary"] = "Two sessions; fit not right.",
        };
        foreach (var bad in new[] { Refer(me), Refer(Guid.NewGuid()), Refer(colleague, " "), Refer(colleague, new string('h', 8001)) })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostFormAsync(path, "referral", bad)).StatusCode);
        Assert.True((await RelationshipAsync(app, clientId)).IsOpen);

        var referred = WebUtility.HtmlDecode(await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "referral", Refer(colleague))));
        Assert.Contains("Referral made: the client now has a relationship with Dr. Amara Okafor", referred);
        await using (var db = app.CreateDbContext())
        {
            var all = await db.Relationships.AsNoTracking().Where(r => r.ClientId == clientId).ToListAsync(ct);
            var old = all.Single(r => r.ClinicianId == me);
            var next = all.Single(r => r.ClinicianId == colleague);
            Assert.Equal((RelationshipPhase.Closed, RelationshipPhase.Intake, old.Id), (old.Phase, next.Phase, next.PreviousRelationshipId!.Value));
            var ending = await db.Endings.AsNoTracking().SingleAsync(e => e.RelationshipId == old.Id, ct);
            Assert.Equal((EndingReason.ReferredOn, next.Id), (ending.Reason, ending.ReferredToRelationshipId!.Value));
            Assert.DoesNotContain("direction", next.ProtectedHandover);
            // Issue 18: the receiving clinician is told, by an email that names no client.
            var told = await db.Outbox.AsNoTracking().SingleAsync(m => m.ClientId == clientId && m.Subject == "Attune: a client has been referred to you", ct);
            Assert.Equal(Demo.SupervisorEmail, told.To);
            Assert.DoesNotContain("Rafa", told.Body);
            Assert.Contains($"/clients/{clientId}", told.Body);
        }
        // The new clinician sees the client, the hand-over and the earlier episode.
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var page = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Hand-over note from Sam Rivera", page);
        Assert.Contains("Wants a therapist who gives more direction.", page);
        Assert.Contains("referred on", page);
        var caseload = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync("/", ct));
        Assert.Contains("Rafa Referral", caseload);
        Assert.Contains("Referred by Sam Rivera", caseload);
        // The old clinician keeps the closed history but cannot re-engage while the client is with a colleague.
        var mine = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("The client has an open relationship with another clinician", mine);
        Assert.DoesNotContain("Re-engage", mine);
    }

    [Theory, AllDatabases]
    public async Task No_contact_proposes_an_unplanned_ending_without_applying_it(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Nico Nocontact");
        await Slice.RecordEndedSessionAsync(app, staff, clientId);
        Assert.DoesNotContain("No contact for", await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        app.Clock.Advance(TimeSpan.FromDays(61));
        staff = await Demo.ClinicianAsync(app);
        var page = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("No contact for 61 days", page);
        var proposal = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}/ending?proposed=no-contact", ct));
        Assert.Contains("Attune proposes this ending because there has been no contact for 61 days", proposal);
        Assert.Matches("id=\"kind-Unplanned\"[^>]*checked", proposal);
        Assert.Contains("<option value=\"NoContact\" selected", proposal);
        Assert.True((await RelationshipAsync(app, clientId)).IsOpen); // proposed, not applied
    }

    [Theory, AllDatabases]
    public async Task An_admin_reads_notes_only_through_audited_break_glass_and_the_clinicians_are_told(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Bea Breakglass");
        var sessionId = await Slice.RecordEndedSessionAsync(app, staff, clientId);
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}/sessions/{sessionId}/note", "note", new() { ["text"] = "Spoke of the bridge again." }));
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        // Not through the clinician's pages.
        Assert.True((int)(await admin.Http.GetAsync($"/clients/{clientId}/sessions/{sessionId}/note", ct)).StatusCode is 403 or 404 or 302);
        foreach (var bad in new Dictionary<string, string>[] { new() { ["client"] = clientId.ToString(), ["reason"] = "too short" }, new() { ["client"] = Guid.NewGuid().ToString(), ["reason"] = new string('r', 40) } })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostFormAsync("/admin/break-glass", "break-glass", bad)).StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.False(await db.BreakGlass.AnyAsync(ct));

        var opened = await admin.PostFormAsync("/admin/break-glass", "break-glass", new() { ["client"] = clientId.ToString(), ["reason"] = "Police welfare check; clinician on leave and unreachable" });
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var notes = WebUtility.HtmlDecode(await admin.Http.GetStringAsync(opened.Headers.Location, ct));
        Assert.Contains("Spoke of the bridge again.", notes);
        await using (var db = app.CreateDbContext())
        {
            var grant = await db.BreakGlass.AsNoTracking().SingleAsync(ct);
            Assert.DoesNotContain("welfare", grant.ProtectedReason);
            var audit = await db.AuditEvents.AsNoTracking().Where(e => e.ClientId == clientId && e.Action.StartsWith("break-glass")).ToListAsync(ct);
            Assert.Contains(audit, e => e.Action == "break-glass" && e.EntityType == "Client");
            Assert.Contains(audit, e => e.Action == "break-glass-read" && e.EntityType == "SessionNote");
            var told = await db.Outbox.AsNoTracking().Where(m => m.Subject == "Break-glass access to session notes").Select(m => m.To).ToListAsync(ct);
            Assert.Contains(Demo.ClinicianEmail, told);
            Assert.Contains(Demo.SupervisorEmail, told);
            Assert.All(await db.Outbox.Where(m => m.Subject == "Break-glass access to session notes").Select(m => m.Body).ToListAsync(ct), b => Assert.DoesNotContain("Bea", b));
        }
        Assert.Contains("Police welfare check", WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/admin/break-glass", ct)));
        // The access ends after an hour.
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync(opened.Headers.Location, ct)).StatusCode);
        // A clinician cannot use break-glass.
        Assert.True((int)(await staff.Http.GetAsync("/admin/break-glass", ct)).StatusCode is 403 or 302);
    }

    private static async Task<int> CountEpisodesAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        return await db.Relationships.CountAsync(r => r.ClientId == clientId);
    }
}
