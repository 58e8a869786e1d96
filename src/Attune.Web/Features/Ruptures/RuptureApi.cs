using Attune.Core;
using Attune.Core.Reflections;
using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Forms;
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
    private const int MaxNote = 2000;

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
                $"`note` up to {MaxNote} characters, stored encrypted. `sessionId` (optional): an attended session of the episode. `signalId` (optional): the signal that showed it.");
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

    /// <summary>The parts of a rupture both logging and updating give, checked against their lists.</summary>
    private static ValidationProblem? Check(string? markerText, IReadOnlyList<string>? strategyTexts, string? resolutionText, string? noteText,
        out RuptureMarker marker, out List<RepairStrategy> strategies, out RuptureResolution resolution, out string? note)
    {
        note = noteText?.Trim();
        strategies = [];
        resolution = RuptureResolution.Ongoing;
        if (!FormChoice.TryParse(markerText, out marker))
            return RestApi.Invalid("marker", $"Give the marker, one of: {RestApi.Choices<RuptureMarker>()}.");
        if (!FormChoice.TryParseAll(strategyTexts ?? [], out strategies))
            return RestApi.Invalid("strategies", $"Each strategy is one of: {RestApi.Choices<RepairStrategy>()}.");
        if (resolutionText is not null && !FormChoice.TryParse(resolutionText, out resolution))
            return RestApi.Invalid("resolution", $"Give the resolution, one of: {RestApi.Choices<RuptureResolution>()}.");
        if (note is { Length: > MaxNote })
            return RestApi.Invalid("note", $"Keep the note to {MaxNote} characters.");
        return null;
    }

    private static async Task<Results<Created<RuptureDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid clientId, HttpRequest request, ApiCaller caller, AttuneDbContext db, AuditTrail audit, FreeTextProtector protector,
        ClinicClock clock, SignalEvaluator signals, CancellationToken ct)
    {
        if (await caller.EpisodeAsync(clientId, ct) is not { } episode)
            return RestApi.NoSuchClient();
        var user = await caller.UserAsync(ct);
        if (!caller.CanChange(user, episode))
            return RestApi.OnlyTheirClinician("logs a rupture");
        if (!episode.IsOpen)
            return RestApi.Conflict("The client's episode is closed; ruptures are logged in an open one.");
        var (input, invalid) = await RestApi.ReadAsync<NewRuptureInput>(request, ct);
        if (invalid is not null) return invalid;
        if (Check(input!.Marker, input.Strategies, input.Resolution, input.Note, out var marker, out var strategies, out var resolution, out var note) is { } problem)
            return problem;
        if (!FormChoice.TryParse<NoticedBy>(input.NoticedBy, out var noticedBy))
            return RestApi.Invalid("noticedBy", $"Say who noticed it, one of: {RestApi.Choices<NoticedBy>()}.");
        TherapySession? session = null;
        if (input.SessionId is { } sessionId)
        {
            session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId && s.RelationshipId == episode.Id && s.Attendance == SessionAttendance.Attended, ct);
            if (session is null)
                return RestApi.Invalid("sessionId", "Give an attended session of the client's current episode, or leave it out.");
        }
        if (input.SignalId is { } signalId && !await db.Alerts.AnyAsync(a => a.Id == signalId && a.RelationshipId == episode.Id, ct))
            return RestApi.Invalid("signalId", "Give a signal of the client's current episode, or leave it out.");
        var now = clock.Now;
        RuptureRecord rupture;
        try
        {
            rupture = new RuptureRecord(episode.Id, session?.Id, session?.StartsAt ?? now, marker, noticedBy, strategies, resolution, protector.Protect(note), input.SignalId, user.Id, now);
        }
        catch (DomainRuleException e) { return RestApi.Conflict(e.Message); }
        db.Ruptures.Add(rupture);
        audit.Staff(user, "create", "RuptureRecord", rupture.Id, clientId);
        await db.SaveChangesAsync(ct);
        await signals.EvaluateAsync(episode.Id, ct);
        return TypedResults.Created($"{RestApi.Prefix}/clients/{clientId}/ruptures/{rupture.Id}", ToDto(rupture, protector));
    }

    private static async Task<Results<Ok<RuptureDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid clientId, Guid ruptureId, HttpRequest request, ApiCaller caller, CaseloadAccess access, AttuneDbContext db, AuditTrail audit,
        FreeTextProtector protector, ClinicClock clock, SignalEvaluator signals, CancellationToken ct)
    {
        var user = await caller.UserAsync(ct);
        var episode = await access.Relationships(user).AsNoTracking()
            .Where(r => r.ClientId == clientId && db.Ruptures.Any(x => x.Id == ruptureId && x.RelationshipId == r.Id)).SingleOrDefaultAsync(ct);
        if (episode is null)
            return RestApi.NotFound("rupture");
        if (!access.CanChange(user, episode))
            return RestApi.OnlyTheirClinician("changes a rupture's record");
        var (input, invalid) = await RestApi.ReadAsync<RuptureUpdateInput>(request, ct);
        if (invalid is not null) return invalid;
        if (input!.Resolution is null)
            return RestApi.Invalid("resolution", $"Give the resolution, one of: {RestApi.Choices<RuptureResolution>()}.");
        if (Check(input.Marker, input.Strategies, input.Resolution, input.Note, out var marker, out var strategies, out var resolution, out var note) is { } problem)
            return problem;
        var rupture = await db.Ruptures.SingleAsync(r => r.Id == ruptureId, ct);
        try { rupture.Update(marker, strategies, resolution, protector.Protect(note), clock.Now); }
        catch (DomainRuleException e) { return RestApi.Conflict(e.Message); }
        audit.Staff(user, "update", "RuptureRecord", rupture.Id, clientId);
        await db.SaveChangesAsync(ct);
        await signals.EvaluateAsync(episode.Id, ct);
        return TypedResults.Ok(ToDto(rupture, protector));
    }
}
