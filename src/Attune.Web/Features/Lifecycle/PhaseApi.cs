using Attune.Core;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attune.Web.Features.Lifecycle;

public sealed record PhaseChangeDto(RelationshipPhase? From, RelationshipPhase To, DateTimeOffset At, string Kind, string? Reason);

/// <summary>One episode of care (a client's relationship with one clinician) and its phases, as the REST API gives it.</summary>
public sealed record EpisodeDto(
    Guid Id, Guid ClinicianId, RelationshipPhase Phase, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt, Guid? PreviousEpisodeId,
    IReadOnlyList<PhaseChangeDto> History);

/// <summary>Moving the client's open episode to another phase, with the clinician's reason.</summary>
public sealed record PhaseMoveInput(string? To, string? Reason);

/// <summary>The relationship's phases on the REST API: every episode with its history, and a move between open phases.</summary>
public static class PhaseApi
{
    private const string Area = "phases";

    public static void MapPhaseApi(this RouteGroupBuilder api)
    {
        var phases = api.MapGroup("/clients/{clientId:guid}/episodes").WithTags("Phases");
        phases.MapGet("/", ListAsync).WithName("ListEpisodes").RequireScope(Area, write: false)
            .WithSummary("A client's episodes and their phases")
            .WithDescription("Oldest first, each with its phase history (intake, working, termination, closed) and the clinician's reasons. Each read is audited.");
        phases.MapPost("/current/phase", MoveAsync).WithName("MovePhase").RequireScope(Area, write: true)
            .AcceptsJson<PhaseMoveInput>()
            .WithSummary("Move the open episode to another phase")
            .WithDescription($"`to`: Intake, Working or Termination; `reason`: 1 to {TextLimits.PhaseReason} characters, stored encrypted. Only the client's own clinician. " +
                "A relationship is closed by ending it in the web app, with the closing summary; that is not done here.");
    }

    private static EpisodeDto ToDto(TherapeuticRelationship r, LifecycleData data) => new(
        r.Id, r.ClinicianId, r.Phase, r.OpenedAt, r.ClosedAt, r.PreviousRelationshipId,
        r.PhaseChanges.OrderBy(c => c.At).Select(c => new PhaseChangeDto(c.From, c.To, c.At, c.Reason, data.Read(c.ProtectedReason))).ToList());

    private static async Task<Results<Ok<List<EpisodeDto>>, ProblemHttpResult>> ListAsync(
        Guid clientId, ApiCaller caller, AttuneDbContext db, AuditTrail audit, LifecycleData data, CancellationToken ct)
    {
        var episodes = await caller.EpisodesAsync(db, clientId, ct);
        if (episodes.Count == 0)
            return RestApi.NoSuchClient();
        var user = await caller.UserAsync(ct);
        foreach (var episode in episodes)
            audit.Staff(user, "read", "TherapeuticRelationship", episode.Id, clientId);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(episodes.Select(e => ToDto(e, data)).ToList());
    }

    private static async Task<Results<Ok<EpisodeDto>, ValidationProblem, ProblemHttpResult>> MoveAsync(
        Guid clientId, HttpRequest request, EpisodeActions phases, LifecycleData data, CancellationToken ct)
    {
        var (input, invalid) = await RestApi.ReadAsync<PhaseMoveInput>(request, ct);
        if (invalid is not null) return invalid;
        return RestApi.Answer(await phases.MoveAsync(clientId, input!.To, input.Reason, ct), e => ToDto(e, data));
    }
}
