using Attune.Core;
using Attune.Core.Goals;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attune.Web.Features.Goals;

public sealed record GoalRatingDto(int Level, DateTimeOffset RatedAt, Guid? SessionId);

/// <summary>A treatment goal or task as the REST API gives it, with the client's answer and its attainment ratings.</summary>
public sealed record GoalDto(
    Guid Id, Guid EpisodeId, GoalKind Kind, string Text, GoalAgreement Agreement, string? ClientWords, DateTimeOffset CreatedAt,
    DateTimeOffset? RespondedAt, DateTimeOffset? RevisedAt, IReadOnlyList<string>? Levels, double Weight, IReadOnlyList<GoalRatingDto> Ratings);

/// <summary>Proposing a goal or task to the client: <c>kind</c> is Goal or Task.</summary>
public sealed record NewGoalInput(string? Kind, string? Text);

/// <summary>Goals on the REST API: list the current episode's, read one, propose one for the client to agree to.</summary>
public static class GoalApi
{
    private const string Area = "goals";

    public static void MapGoalApi(this RouteGroupBuilder api)
    {
        var goals = api.MapGroup("/clients/{clientId:guid}/goals").WithTags("Goals");
        goals.MapGet("/", ListAsync).WithName("ListGoals").RequireScope(Area, write: false)
            .WithSummary("The goals and tasks of the client's current episode")
            .WithDescription("In the order they were made, with the client's agreement and every Goal Attainment Scaling rating. Each read is audited.");
        goals.MapGet("/{goalId:guid}", ReadAsync).WithName("GetGoal").RequireScope(Area, write: false).WithSummary("One goal");
        goals.MapPost("/", CreateAsync).WithName("ProposeGoal").RequireScope(Area, write: true)
            .AcceptsJson<NewGoalInput>()
            .WithSummary("Propose a goal or task")
            .WithDescription($"`kind` is Goal or Task; `text` 1 to {TextLimits.Goal} characters. The goal starts as Proposed: the client agrees, asks for a change or disagrees from their check-in link. Only the client's own clinician, in an open episode.");
    }

    private static GoalDto ToDto(GoalView g, IEnumerable<GoalLevelRating> ratings) => new(
        g.Goal.Id, g.Goal.RelationshipId, g.Goal.Kind, g.Text, g.Goal.Agreement, g.ClientWords, g.Goal.CreatedAt, g.Goal.RespondedAt, g.Goal.RevisedAt,
        g.Levels, g.Goal.Weight,
        ratings.Where(r => r.GoalId == g.Goal.Id).OrderBy(r => r.RatedAt).Select(r => new GoalRatingDto(r.Level, r.RatedAt, r.SessionId)).ToList());

    private static async Task<Results<Ok<List<GoalDto>>, ProblemHttpResult>> ListAsync(
        Guid clientId, ApiCaller caller, AttuneDbContext db, AuditTrail audit, FreeTextProtector protector, CancellationToken ct)
    {
        if (await caller.EpisodeAsync(clientId, ct) is not { } episode)
            return RestApi.NoSuchClient();
        var user = await caller.UserAsync(ct);
        var (goals, ratings) = await GoalView.LoadAsync(db, protector, episode.Id, ct);
        foreach (var goal in goals)
            audit.Staff(user, "read", "TreatmentGoal", goal.Goal.Id, clientId);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(goals.Select(g => ToDto(g, ratings)).ToList());
    }

    private static async Task<Results<Ok<GoalDto>, ProblemHttpResult>> ReadAsync(
        Guid clientId, Guid goalId, ApiCaller caller, AttuneDbContext db, AuditTrail audit, FreeTextProtector protector, CancellationToken ct)
    {
        if (await caller.EpisodeAsync(clientId, ct) is not { } episode)
            return RestApi.NoSuchClient();
        var (goals, ratings) = await GoalView.LoadAsync(db, protector, episode.Id, ct);
        if (goals.SingleOrDefault(g => g.Goal.Id == goalId) is not { } goal)
            return RestApi.NotFound("goal");
        await audit.ReadAsync(await caller.UserAsync(ct), "TreatmentGoal", goal.Goal.Id, clientId, ct);
        return TypedResults.Ok(ToDto(goal, ratings));
    }

    private static async Task<Results<Created<GoalDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid clientId, HttpRequest request, GoalActions goals, FreeTextProtector protector, CancellationToken ct)
    {
        var (input, invalid) = await RestApi.ReadAsync<NewGoalInput>(request, ct);
        if (invalid is not null) return invalid;
        return RestApi.Answer(await goals.ProposeAsync(clientId, input!.Kind, input.Text, ct), g => ToDto(GoalView.Read(g, protector), [])).Result switch
        {
            Ok<GoalDto> ok => TypedResults.Created($"{RestApi.Prefix}/clients/{clientId}/goals/{ok.Value!.Id}", ok.Value),
            ValidationProblem problem => problem,
            var other => (ProblemHttpResult)other,
        };
    }
}
