using Attune.Core;
using Attune.Core.Reflections;
using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Ruptures;

/// <summary>A logged rupture as the REST API gives it, with its repair and, when Attune found one, the recovery in the scores.</summary>
public sealed record RuptureDto(
    Guid Id, Guid EpisodeId, Guid? SessionId, DateTimeOffset OccurredAt, RuptureMarker Marker, Tension Category, NoticedBy NoticedBy,
    IReadOnlyList<RepairStrategy> Strategies, RuptureResolution Resolution, string? Note, Guid? SignalId, DateTimeOffset RecordedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, DateTimeOffset? RecoveredAt, string? Recovery);

/// <summary>Logging a rupture. Values are names from the lists in the API reference; <c>sessionId</c> an attended session of the episode.</summary>
public sealed record NewRuptureInput(Guid? SessionId, string? Marker, string? NoticedBy, IReadOnlyList<string>? Strategies, string? Resolution, string? Note, Guid? SignalId);

/// <summary>Changing a logged rupture: its marker, the repair tried, whether it resolved, the note.</summary>
public sealed record RuptureUpdateInput(string? Marker, IReadOnlyList<string>? Strategies, string? Resolution, string? Note);

/// <summary>The rupture and repair log on the REST API.</summary>
public static class RuptureApi
{
    private const string Area = "ruptures";

    public static void MapRuptureApi(this RouteGroupBuilder api)
    {
        var ruptures = api.MapGroup("/clients/{clientId:guid}/ruptures").WithTags("Ruptures");
        ruptures.MapGet("/", ListAsync).WithName("ListRuptures").RequireScope(Area, write: false)
            .WithSummary("A client's rupture and repair log")
            .WithDescription("Every rupture logged in the client's episodes that the staff member may see, newest first. Each read is audited.");
        ruptures.MapGet("/{ruptureId:guid}", ReadAsync).WithName("GetRupture").RequireScope(Area, write: false).WithSummary("One rupture");
        ruptures.MapPost("/", CreateAsync).WithName("LogRupture").RequireScope(Area, write: true)
            .AcceptsJson<NewRuptureInput>()
            .WithSummary("Log a rupture")
            .WithDescription($"In the client's open episode, by their own clinician. `marker`: {RestApi.Choices<RuptureMarker>()}. `noticedBy`: {RestApi.Choices<NoticedBy>()}. " +
                $"`strategies` (repair tried, any of): {RestApi.Choices<RepairStrategy>()}. `resolution`: {RestApi.Choices<RuptureResolution>()} (default Ongoing). " +
                $"`note` up to {TextLimits.RuptureNote} characters, stored encrypted. `sessionId` (optional): an attended session of the episode. `signalId` (optional): the signal that showed it.");
        ruptures.MapPut("/{ruptureId:guid}", UpdateAsync).WithName("UpdateRupture").RequireScope(Area, write: true)
            .AcceptsJson<RuptureUpdateInput>()
            .WithSummary("Update a rupture: the repair tried and whether it resolved")
            .WithDescription("The same values as logging one, all given again (resolution included); who noticed it and when stay as logged.");
    }

    private static RuptureDto ToDto(RuptureRecord r, FreeTextProtector protector) => new(
        r.Id, r.RelationshipId, r.SessionId, r.OccurredAt, r.Marker, r.Category, r.NoticedBy, r.Strategies.ToList(), r.Resolution,
        protector.Unprotect(r.ProtectedNote), r.AlertId, r.RecordedAt, r.UpdatedAt, r.ResolvedAt, r.RecoveredAt, r.RecoveryDescription);

    private static async Task<Results<Ok<List<RuptureDto>>, ProblemHttpResult>> ListAsync(
        Guid clientId, ApiCaller caller, CaseloadAccess access, AttuneDbContext db, AuditTrail audit, FreeTextProtector protector, CancellationToken ct)
    {
        var user = await caller.UserAsync(ct);
        var episodes = access.Relationships(user).Where(r => r.ClientId == clientId).Select(r => r.Id);
        if (!await episodes.AnyAsync(ct))
            return RestApi.NoSuchClient();
        var ruptures = (await db.Ruptures.AsNoTracking().Where(r => episodes.Contains(r.RelationshipId)).ToListAsync(ct))
            .OrderByDescending(r => r.OccurredAt).ThenByDescending(r => r.RecordedAt).ToList();
        foreach (var rupture in ruptures)
            audit.Staff(user, "read", "RuptureRecord", rupture.Id, clientId);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ruptures.Select(r => ToDto(r, protector)).ToList());
    }

    private static async Task<Results<Ok<RuptureDto>, ProblemHttpResult>> ReadAsync(
        Guid clientId, Guid ruptureId, ApiCaller caller, CaseloadAccess access, AttuneDbContext db, AuditTrail audit, FreeTextProtector protector, CancellationToken ct)
    {
        var user = await caller.UserAsync(ct);
        var episodes = access.Relationships(user).Where(r => r.ClientId == clientId).Select(r => r.Id);
        var rupture = await db.Ruptures.AsNoTracking().SingleOrDefaultAsync(r => r.Id == ruptureId && episodes.Contains(r.RelationshipId), ct);
        if (rupture is null)
            return RestApi.NotFound("rupture");
        await audit.ReadAsync(user, "RuptureRecord", rupture.Id, clientId, ct);
        return TypedResults.Ok(ToDto(rupture, protector));
    }

    private static async Task<Results<Created<RuptureDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid clientId, HttpRequest request, RuptureActions ruptures, FreeTextProtector protector, CancellationToken ct)
    {
        var (input, invalid) = await RestApi.ReadAsync<NewRuptureInput>(request, ct);
        if (invalid is not null) return invalid;
        var result = await ruptures.LogAsync(clientId, new RuptureInput(input!.Marker, input.Strategies, input.Resolution, input.Note, input.NoticedBy, input.SessionId?.ToString(), input.SignalId), ct);
        return RestApi.Answer(result, r => ToDto(r, protector)).Result switch
        {
            Ok<RuptureDto> ok => TypedResults.Created($"{RestApi.Prefix}/clients/{clientId}/ruptures/{ok.Value!.Id}", ok.Value),
            ValidationProblem problem => problem,
            var other => (ProblemHttpResult)other,
        };
    }

    private static async Task<Results<Ok<RuptureDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid clientId, Guid ruptureId, HttpRequest request, RuptureActions ruptures, FreeTextProtector protector, CancellationToken ct)
    {
        var (input, invalid) = await RestApi.ReadAsync<RuptureUpdateInput>(request, ct);
        if (invalid is not null) return invalid;
        return RestApi.Answer(await ruptures.UpdateAsync(clientId, ruptureId, new RuptureInput(input!.Marker, input.Strategies, input.Resolution, input.Note), ct), r => ToDto(r, protector));
    }
}
