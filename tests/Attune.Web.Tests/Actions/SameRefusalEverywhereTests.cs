using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Attune.Core;
using Attune.Core.Signals;
using Attune.Web.Actions;
using Attune.Web.Features.Integrations;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Actions;

/// <summary>
/// Each action offered on more than one channel, driven through every channel with the same request in the same
/// situation: the outcome class (ok, not found, forbidden, invalid with its field, conflict) and the words are the same
/// on the page and in the REST API. Each channel runs on its own copy of the demo clinic, so that a change made by one
/// channel's case is not what the other channel's case meets.
/// </summary>
public class SameRefusalEverywhereTests
{
    private enum Act { Acknowledge, Resolve, Snooze, MovePhase, LogRupture, ProposeGoal, ReviewRisk }

    private enum Who { Clinician, Supervisor }

    /// <summary>One request, as every channel makes it.</summary>
    private sealed record Request(Act Act, Who Who, Guid ClientId, Guid AlertId = default, string? Action = null, string? Note = null, string? Days = null, string? To = null, string? Reason = null,
        string? Marker = null, string? Text = null, string[]? Steps = null, string? Level = null);

    /// <summary>What a channel answered, read back as an outcome class and the words it gave.</summary>
    private sealed record Answer(Outcome Outcome, string? Field, string Body);

    private sealed record Case(string Name, Outcome Expected, string? Field, Func<World, Task<Request>> Arrange);

    private static readonly string LongNote = new('n', TextLimits.AlertNote + 1);
    private static readonly string LongReason = new('r', TextLimits.PhaseReason + 1);
    private static readonly string LongRuptureNote = new('n', TextLimits.RuptureNote + 1);

    private static readonly Case[] Cases =
    [
        new("acknowledge an open signal", Outcome.Ok, null, async w => new(Act.Acknowledge, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.NotOnTrack))),
        new("acknowledge it again", Outcome.Conflict, null, async w => new(Act.Acknowledge, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.NotOnTrack))),
        new("resolve with an action not on the list", Outcome.Invalid, "action", async w => new(Act.Resolve, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.LowAlliance), Action: "Banana")),
        new("resolve as Other without saying what", Outcome.Invalid, "note", async w => new(Act.Resolve, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.LowAlliance), Action: "Other", Note: " ")),
        new("resolve with a note over the limit", Outcome.Invalid, "note", async w => new(Act.Resolve, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.LowAlliance), Action: "Other", Note: LongNote)),
        new("resolve a risk alert as needing no action", Outcome.Invalid, "action", async w => new(Act.Resolve, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Action: "NoActionNeeded")),
        new("resolve with the action taken", Outcome.Ok, null, async w => new(Act.Resolve, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.LowAlliance), Action: "TalkedAboutRelationship", Note: "Talked it through")),
        new("acknowledge a resolved signal", Outcome.Conflict, null, async w => new(Act.Acknowledge, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.LowAlliance))),
        new("resolve a resolved signal", Outcome.Conflict, null, async w => new(Act.Resolve, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.LowAlliance), Action: "TalkedAboutRelationship")),
        new("snooze for a length not offered", Outcome.Invalid, "days", async w => new(Act.Snooze, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.AllianceDrop), Days: "5")),
        new("snooze a risk alert", Outcome.Conflict, null, async w => new(Act.Snooze, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Days: "7")),
        new("snooze for a week", Outcome.Ok, null, async w => new(Act.Snooze, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.AllianceDrop), Days: "7")),
        new("a supervisor acknowledges", Outcome.Forbidden, null, async w => new(Act.Acknowledge, Who.Supervisor, w.Chris, await w.AlertAsync(SignalKind.PerceptionGap))),
        new("acknowledge a signal that does not exist", Outcome.NotFound, null, w => Task.FromResult(new Request(Act.Acknowledge, Who.Clinician, w.Chris, Guid.NewGuid()))),
        new("move to a phase that does not exist", Outcome.Invalid, "to", w => Task.FromResult(new Request(Act.MovePhase, Who.Clinician, w.Alex, To: "Banana", Reason: "because"))),
        new("close by a phase move", Outcome.Invalid, "to", w => Task.FromResult(new Request(Act.MovePhase, Who.Clinician, w.Alex, To: "Closed", Reason: "done"))),
        new("move without a reason", Outcome.Invalid, "reason", w => Task.FromResult(new Request(Act.MovePhase, Who.Clinician, w.Alex, To: "Termination", Reason: "  "))),
        new("move with a reason over the limit", Outcome.Invalid, "reason", w => Task.FromResult(new Request(Act.MovePhase, Who.Clinician, w.Alex, To: "Termination", Reason: LongReason))),
        new("move to the phase it is in", Outcome.Conflict, null, w => Task.FromResult(new Request(Act.MovePhase, Who.Clinician, w.Alex, To: "Working", Reason: "still working"))),
        new("a supervisor moves the phase", Outcome.Forbidden, null, w => Task.FromResult(new Request(Act.MovePhase, Who.Supervisor, w.Alex, To: "Termination", Reason: "ending soon"))),
        new("move a client who is not there", Outcome.NotFound, null, w => Task.FromResult(new Request(Act.MovePhase, Who.Clinician, Guid.NewGuid(), To: "Termination", Reason: "ending soon"))),
        new("log a rupture with a marker not on the list", Outcome.Invalid, "marker", w => Task.FromResult(new Request(Act.LogRupture, Who.Clinician, w.Alex, Marker: "Sulking"))),
        new("log a rupture with a note over the limit", Outcome.Invalid, "note", w => Task.FromResult(new Request(Act.LogRupture, Who.Clinician, w.Alex, Marker: "Avoiding", Note: LongRuptureNote))),
        new("a supervisor logs a rupture", Outcome.Forbidden, null, w => Task.FromResult(new Request(Act.LogRupture, Who.Supervisor, w.Alex, Marker: "Avoiding"))),
        new("log a rupture", Outcome.Ok, null, w => Task.FromResult(new Request(Act.LogRupture, Who.Clinician, w.Alex, Marker: "Avoiding", Note: "Went quiet about work"))),
        new("propose a goal in no words", Outcome.Invalid, "text", w => Task.FromResult(new Request(Act.ProposeGoal, Who.Clinician, w.Alex, Text: "   "))),
        new("a supervisor proposes a goal", Outcome.Forbidden, null, w => Task.FromResult(new Request(Act.ProposeGoal, Who.Supervisor, w.Alex, Text: "Sleep better"))),
        new("propose a goal", Outcome.Ok, null, w => Task.FromResult(new Request(Act.ProposeGoal, Who.Clinician, w.Alex, Text: "Walk twice a week"))),
        new("move to termination", Outcome.Ok, null, w => Task.FromResult(new Request(Act.MovePhase, Who.Clinician, w.Alex, To: "Termination", Reason: "Planned ending agreed"))),
        new("resolve a risk alert with a plain action", Outcome.Invalid, "action", async w => new(Act.Resolve, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Action: "ContactedClient", Note: "Called")),
        new("review risk without saying what was done", Outcome.Invalid, "steps", async w => new(Act.ReviewRisk, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Steps: [], Note: "Called")),
        new("review risk assessed with no level", Outcome.Invalid, "level", async w => new(Act.ReviewRisk, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Steps: ["riskAssessed"], Note: "Assessed")),
        new("review risk with a level not on the list", Outcome.Invalid, "level", async w => new(Act.ReviewRisk, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Steps: ["riskAssessed"], Level: "Extreme", Note: "Assessed")),
        new("review risk without a note", Outcome.Invalid, "note", async w => new(Act.ReviewRisk, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Steps: ["contactMade"], Note: " ")),
        new("a supervisor reviews risk", Outcome.Forbidden, null, async w => new(Act.ReviewRisk, Who.Supervisor, w.RiskClient, await w.RiskAlertAsync(), Steps: ["contactMade"], Note: "Called")),
        new("review a signal that is not about risk", Outcome.Conflict, null, async w => new(Act.ReviewRisk, Who.Clinician, w.Chris, await w.AlertAsync(SignalKind.PerceptionGap), Steps: ["contactMade"], Note: "Called")),
        new("review risk with what was done", Outcome.Ok, null, async w => new(Act.ReviewRisk, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Steps: ["contactMade", "riskAssessed"], Level: "Moderate", Note: "Called; safe tonight")),
        new("review it again", Outcome.Conflict, null, async w => new(Act.ReviewRisk, Who.Clinician, w.RiskClient, await w.RiskAlertAsync(), Steps: ["contactMade"], Note: "Called again")),
    ];

    [Theory, AllDatabases]
    public async Task Every_action_gives_the_same_outcome_and_words_on_the_page_and_in_the_REST_API(string provider)
    {
        var rest = await RunAsync(provider, RestAsync);
        var page = await RunAsync(provider, PageAsync);
        var problems = new List<string>();
        foreach (var (c, i) in Cases.Select((c, i) => (c, i)))
        {
            foreach (var (channel, answer) in new[] { ("REST", rest[i]), ("page", page[i]) })
            {
                if (answer.Outcome != c.Expected)
                    problems.Add($"{c.Name}: {channel} gave {answer.Outcome}, expected {c.Expected}: {Shorten(answer.Body)}");
                else if (c.Field is not null && !string.Equals(answer.Field, c.Field, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{c.Name}: {channel} named the field {answer.Field ?? "(none)"}, expected {c.Field}");
            }
            // A request that is forbidden, invalid or conflicting is refused by the one action, in its words: what REST says,
            // the page shows. (A record the caller may not see is hidden from a page before it runs, by the record guard.)
            if (c.Expected is Outcome.Forbidden or Outcome.Invalid or Outcome.Conflict && rest[i].Outcome == c.Expected && ProblemText(rest[i].Body) is { } words && !page[i].Body.Contains(words, StringComparison.Ordinal))
                problems.Add($"{c.Name}: the page does not show REST's words “{words}”");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Runs every case in order through one channel, on a fresh copy of the demo clinic.</summary>
    private static async Task<List<Answer>> RunAsync(string provider, Func<World, Request, Task<Answer>> channel)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var world = await World.CreateAsync(app);
        var answers = new List<Answer>();
        foreach (var c in Cases)
            answers.Add(await channel(world, await c.Arrange(world)));
        return answers;
    }

    private static async Task<Answer> RestAsync(World w, Request r)
    {
        var http = r.Who == Who.Clinician ? w.ApiClinician : w.ApiSupervisor;
        var root = $"/api/v1/clients/{r.ClientId}";
        var response = r.Act switch
        {
            Act.Acknowledge => await http.PostAsync($"{root}/signals/{r.AlertId}/acknowledge", null),
            Act.Resolve => await http.PostAsJsonAsync($"{root}/signals/{r.AlertId}/resolve", new { action = r.Action, note = r.Note }),
            Act.Snooze => await http.PostAsJsonAsync($"{root}/signals/{r.AlertId}/snooze", new { days = int.Parse(r.Days!, System.Globalization.CultureInfo.InvariantCulture) }),
            Act.LogRupture => await http.PostAsJsonAsync($"{root}/ruptures", new { marker = r.Marker, noticedBy = "Clinician", strategies = new[] { "InviteDiscussion" }, resolution = "Ongoing", note = r.Note }),
            Act.ProposeGoal => await http.PostAsJsonAsync($"{root}/goals", new { kind = "Goal", text = r.Text }),
            Act.ReviewRisk => await http.PostAsJsonAsync($"{root}/signals/{r.AlertId}/risk-review", r.Steps!.ToDictionary(x => x, object? (_) => true)
                .Concat([new("level", r.Level), new("note", r.Note)]).ToDictionary()),
            _ => await http.PostAsJsonAsync($"{root}/episodes/current/phase", new { to = r.To, reason = r.Reason }),
        };
        var body = await response.Content.ReadAsStringAsync();
        var outcome = response.StatusCode switch
        {
            HttpStatusCode.OK or HttpStatusCode.Created => Outcome.Ok,
            HttpStatusCode.NotFound => Outcome.NotFound,
            HttpStatusCode.Forbidden => Outcome.Forbidden,
            HttpStatusCode.BadRequest => Outcome.Invalid,
            HttpStatusCode.Conflict => Outcome.Conflict,
            var other => throw new InvalidOperationException($"REST answered {(int)other}: {body}"),
        };
        var field = outcome == Outcome.Invalid ? JsonNode.Parse(body)!["errors"]!.AsObject().Single().Key : null;
        return new(outcome, field, body);
    }

    private static async Task<Answer> PageAsync(World w, Request r)
    {
        var staff = r.Who == Who.Clinician ? w.Clinician : w.Supervisor;
        // Antiforgery tokens belong to the signed-in user, not to a page: any page's token will do.
        var html = await staff.Http.GetStringAsync("/");
        var response = r.Act switch
        {
            Act.Acknowledge => await staff.PostFormFromHtmlAsync($"/alerts/{r.AlertId}", html, "ack", []),
            Act.Resolve => await staff.PostFormFromHtmlAsync($"/alerts/{r.AlertId}", html, "resolve", new() { ["action"] = r.Action ?? "", ["note"] = r.Note ?? "" }),
            Act.Snooze => await staff.PostFormFromHtmlAsync($"/alerts/{r.AlertId}", html, "snooze", new() { ["days"] = r.Days ?? "" }),
            Act.LogRupture => await staff.PostFormFromHtmlAsync($"/clients/{r.ClientId}/ruptures/new", html, "rupture",
                new() { ["session"] = "", ["noticed"] = "Clinician", ["marker"] = r.Marker ?? "", ["strategy"] = "InviteDiscussion", ["resolution"] = "Ongoing", ["note"] = r.Note ?? "" }),
            Act.ProposeGoal => await staff.PostFormFromHtmlAsync($"/clients/{r.ClientId}", html, "goal-new", new() { ["kind"] = "Goal", ["text"] = r.Text ?? "" }),
            Act.ReviewRisk => await staff.PostFormFromHtmlAsync($"/alerts/{r.AlertId}", html, "review",
                r.Steps!.ToDictionary(x => x, _ => "true").Concat([new("level", r.Level ?? ""), new("note", r.Note ?? "")]).ToDictionary()),
            _ => await staff.PostFormFromHtmlAsync($"/clients/{r.ClientId}", html, "phase", new() { ["PhaseInput.To"] = r.To ?? "", ["PhaseInput.Reason"] = r.Reason ?? "" }),
        };
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        var outcome = response.StatusCode switch
        {
            HttpStatusCode.Redirect => Outcome.Ok,
            HttpStatusCode.NotFound => Outcome.NotFound,
            HttpStatusCode.Forbidden => Outcome.Forbidden,
            HttpStatusCode.UnprocessableEntity => Outcome.Invalid,
            HttpStatusCode.Conflict => Outcome.Conflict,
            var other => throw new InvalidOperationException($"The page answered {(int)other}: {Shorten(body)}"),
        };
        // The page puts an invalid field's message beside the field: <p class="error field-error" id="{field-id}-error">.
        var field = outcome == Outcome.Invalid ? FieldOnPage(body) : null;
        return new(outcome, field, body);
    }

    /// <summary>Which field the page's message stands beside, by the form's field names.</summary>
    private static string? FieldOnPage(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, "class=\"error field-error\" id=\"([a-z-]+)-error\"");
        return match.Success ? match.Groups[1].Value switch
        {
            "action-note" => "note",
            "phase-reason" => "reason",
            "resolve-action" => "action",
            "snooze-days" => "days",
            "phase-to" => "to",
            "rupture-marker" => "marker",
            "rupture-note" => "note",
            "goal-text" => "text",
            "review-steps" => "steps",
            "review-level" => "level",
            "review-note" => "note",
            var other => other,
        } : null;
    }

    private static string? ProblemText(string body)
    {
        var json = JsonNode.Parse(body)!;
        return json["errors"] is JsonObject errors ? errors.Single().Value![0]!.GetValue<string>() : json["detail"]?.GetValue<string>();
    }

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "…" : text;

    /// <summary>The demo clinic as each channel meets it: who asks, and the records the cases are about.</summary>
    private sealed class World
    {
        public required AttuneFactory App { get; init; }
        public required StaffClient Clinician { get; init; }
        public required StaffClient Supervisor { get; init; }
        public required HttpClient ApiClinician { get; init; }
        public required HttpClient ApiSupervisor { get; init; }
        public required Guid Chris { get; init; }
        public required Guid Alex { get; init; }
        public required Guid RiskClient { get; init; }

        private static readonly string[] Scopes = [.. new[] { "signals", "phases", "ruptures", "goals" }.SelectMany(a => new[] { ApiScopes.RestRead(a), ApiScopes.RestWrite(a) })];

        public static async Task<World> CreateAsync(AttuneFactory app)
        {
            var clinician = await Demo.ClinicianAsync(app);
            // A client whose PHQ-9 answered item 9: an urgent risk alert, raised as a check-in raises it.
            var risk = await Slice.AddClientAsync(clinician, "Risa Karsten");
            var link = await Slice.CreateCheckInAsync(clinician, risk, "phq-9");
            await Slice.SubmitAsync(app, link, Slice.Phq9(0, 1, 0, 0, 0, 0, 0, 0, 1));
            await using var db = app.CreateDbContext();
            return new World
            {
                App = app,
                Clinician = clinician,
                Supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword),
                ApiClinician = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, Scopes)),
                ApiSupervisor = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.SupervisorEmail, Scopes)),
                Chris = await db.Clients.Where(c => c.DisplayName == "Chris D.").Select(c => c.Id).SingleAsync(),
                Alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(),
                RiskClient = risk,
            };
        }

        public async Task<Guid> AlertAsync(SignalKind kind)
        {
            await using var db = App.CreateDbContext();
            return await db.Alerts.Where(a => a.Kind == kind && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == Chris)).Select(a => a.Id).SingleAsync();
        }

        public async Task<Guid> RiskAlertAsync()
        {
            await using var db = App.CreateDbContext();
            return await db.Alerts.Where(a => a.Urgent && db.Relationships.Any(r => r.Id == a.RelationshipId && r.ClientId == RiskClient)).Select(a => a.Id).SingleAsync();
        }
    }
}
