using System.Net;
using System.Text.RegularExpressions;
using Attune.Core.Goals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Goals;

public class GoalAgreementTests
{
    private static async Task<TreatmentGoal> GoalAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var ids = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        return await db.Goals.AsNoTracking().SingleAsync(g => ids.Contains(g.RelationshipId));
    }

    [Theory, AllDatabases]
    public async Task The_client_asks_for_a_change_in_their_own_words_and_agrees_to_the_new_wording(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Gale Goals");
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "goal-new", new() { ["kind"] = "Goal", ["text"] = "Sleep through most nights" }));
        var goal = await GoalAsync(app, clientId);
        Assert.Equal(GoalAgreement.Proposed, goal.Agreement);
        Assert.DoesNotContain("Sleep", goal.ProtectedText); // encrypted at rest
        Assert.Contains("Goal: waiting for the client", WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct)));

        var path = await Slice.ProgressPathAsync(staff, clientId);
        var client = new StaffClient(StaffClient.Anonymous(app));
        var page = WebUtility.HtmlDecode(await client.Http.GetStringAsync(path, ct));
        Assert.Contains("Sleep through most nights", page);
        Assert.Contains("Does this goal fit what you want from therapy?", page);

        var answered = await client.PostFormFromHtmlAsync(path, page, $"goal-{goal.Id:N}", new() { ["agreement"] = "ChangeRequested", ["words"] = "Start with weekends" });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        var after = WebUtility.HtmlDecode(await client.Http.GetStringAsync(answered.Headers.Location, ct));
        Assert.Contains("Thank you. Your therapist will see your answer.", after);
        Assert.Contains("You said: you would like a change (“Start with weekends”)", after);
        goal = await GoalAsync(app, clientId);
        Assert.Equal(GoalAgreement.ChangeRequested, goal.Agreement);
        Assert.DoesNotContain("weekends", goal.ProtectedClientWords);

        var clinicianView = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Goal: client asked for a change", clinicianView);
        Assert.Contains("The client's words:</span> Start with weekends", clinicianView);
        await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", await staff.Http.GetStringAsync($"/clients/{clientId}", ct),
            $"goal-revise-{goal.Id:N}", new() { ["text"] = "Sleep through weekend nights first" }));

        page = await client.Http.GetStringAsync(path, ct);
        var agreed = await client.PostFormFromHtmlAsync(path, page, $"goal-{goal.Id:N}", new() { ["agreement"] = "Agreed", ["words"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        goal = await GoalAsync(app, clientId);
        Assert.Equal(GoalAgreement.Agreed, goal.Agreement);
        Assert.Null(goal.ProtectedClientWords);

        await using var db = app.CreateDbContext();
        var audit = await db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "TreatmentGoal" && e.ClientId == clientId).ToListAsync(ct);
        Assert.Equal(2, audit.Count(e => e.ActorKind == "progress-link" && e.Action == "update"));
        Assert.Single(audit, e => e.ActorKind == "staff" && e.Action == "create");
    }

    [Theory, AllDatabases]
    public async Task Bad_answers_a_second_answer_and_a_supervisor_change_are_refused_and_change_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Bo Bounds");
        foreach (var bad in new Dictionary<string, string>[] { new() { ["kind"] = "Goal", ["text"] = "  " }, new() { ["kind"] = "Plan", ["text"] = "x" }, new() { ["kind"] = "1", ["text"] = "x" }, new() { ["kind"] = "Goal", ["text"] = new string('x', 1001) } })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostFormAsync($"/clients/{clientId}", "goal-new", bad)).StatusCode);
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "goal-new", new() { ["kind"] = "Task", ["text"] = "Keep a sleep diary" }));
        var goal = await GoalAsync(app, clientId);

        var path = await Slice.ProgressPathAsync(staff, clientId);
        var client = new StaffClient(StaffClient.Anonymous(app));
        var page = await client.Http.GetStringAsync(path, ct);
        foreach (var answer in new[] { "Proposed", "banana", "1", "" })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostFormFromHtmlAsync(path, page, $"goal-{goal.Id:N}", new() { ["agreement"] = answer })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostFormFromHtmlAsync(path, page, $"goal-{goal.Id:N}", new() { ["agreement"] = "Agreed", ["words"] = new string('w', 1001) })).StatusCode);
        Assert.Equal(GoalAgreement.Proposed, (await GoalAsync(app, clientId)).Agreement);

        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormFromHtmlAsync(path, page, $"goal-{goal.Id:N}", new() { ["agreement"] = "Disagreed" })).StatusCode);
        // The same form sent again (a double tap, an old tab) does not replace the first answer.
        var again = await client.PostFormFromHtmlAsync(path, page, $"goal-{goal.Id:N}", new() { ["agreement"] = "Agreed" });
        Assert.True((int)again.StatusCode is >= 400 and < 500, $"A second answer got {(int)again.StatusCode}");
        Assert.Equal(GoalAgreement.Disagreed, (await GoalAsync(app, clientId)).Agreement);

        // A supervisor sees the goals but cannot add one.
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var view = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync($"/clients/{clientId}", ct));
        Assert.Contains("Task: client disagrees", view);
        var refused = await supervisor.PostFormFromHtmlAsync($"/clients/{clientId}", view, "goal-new", new() { ["kind"] = "Goal", ["text"] = "Not theirs to add" });
        Assert.True((int)refused.StatusCode is >= 400 and < 500, $"A supervisor's goal got {(int)refused.StatusCode}");
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Goals.CountAsync(g => db.Relationships.Any(r => r.Id == g.RelationshipId && r.ClientId == clientId), ct));
    }

}
