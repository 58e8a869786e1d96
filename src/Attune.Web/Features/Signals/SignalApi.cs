using Attune.Core;
using Attune.Core.Clinic;
using Attune.Core.Risk;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Signals;

/// <summary>A signal (alert) as the REST API gives it: what was found, why, and what the clinician has done about it.</summary>
public sealed record SignalDto(
    Guid Id, Guid EpisodeId, SignalKind Kind, string Name, bool Urgent, string Explanation, DateTimeOffset RaisedAt,
    AlertStatus Status, DateTimeOffset? AcknowledgedAt, DateTimeOffset? ResolvedAt, AlertAction? Action, string? ActionNote,
    DateTimeOffset? SnoozedUntil, Guid? ResponseId, string Guidance, RiskReviewDto? RiskReview = null);

/// <summary>The risk review that resolved a risk signal.</summary>
public sealed record RiskReviewDto(bool ContactMade, bool RiskAssessed, JudgedRiskLevel? Level, bool SafetyPlan, int? SafetyPlanVersion, bool EmergencyServices,
    bool Referred, string Note, DateTimeOffset ReviewedAt, DateTimeOffset RecordedAt);

/// <summary>Resolving a signal: the action taken (one of <see cref="AlertAction"/>) and, optionally, a note.</summary>
public sealed record ResolveSignalInput(string? Action, string? Note);

/// <summary>Snoozing a signal: how many days to hide it (one of <see cref="AlertActions.SnoozeChoices"/>).</summary>
public sealed record SnoozeSignalInput(int? Days);

/// <summary>Signals on the REST API: list a client's, acknowledge one, resolve one with the action taken, snooze one.</summary>
public static class SignalApi
{
    private const string Area = "signals";

    public static void MapSignalApi(this RouteGroupBuilder api)
    {
        var signals = api.MapGroup("/clients/{clientId:guid}/signals").WithTags("Signals");
        signals.MapGet("/", ListAsync).WithName("ListSignals").RequireScope(Area, write: false)
            .WithSummary("A client's signals")
            .WithDescription("Every alert raised on the client's episodes that the staff member may see, newest first; `status=open` leaves out resolved ones. Each read is audited.");
        signals.MapPost("/{alertId:guid}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeSignal").RequireScope(Area, write: true)
            .WithSummary("Acknowledge a signal").WithDescription("Says the clinician has seen it. Only the client's own clinician.");
        signals.MapPost("/{alertId:guid}/resolve", ResolveAsync).WithName("ResolveSignal").RequireScope(Area, write: true)
            .AcceptsJson<ResolveSignalInput>()
            .WithSummary("Resolve a signal with the action taken")
            .WithDescription($"`action` is one of: {RestApi.Choices<AlertAction>()}, except RiskReview. `Other` needs a note (up to {TextLimits.AlertNote} characters). A risk signal is not resolved here: post its risk review.");
        signals.MapPost("/{alertId:guid}/risk-review", ReviewRiskAsync).WithName("ReviewRiskSignal").RequireScope(Area, write: true)
            .AcceptsJson<RiskReviewInput>()
            .WithSummary("Resolve a risk signal with its risk review")
            .WithDescription($"What was done (`contactMade`, `riskAssessed`, `safetyPlan`, `emergencyServices`, `referred`; at least one), `level` ({RestApi.Choices<JudgedRiskLevel>()}; with `riskAssessed`, the SAFE-T levels), `note` (required, up to {TextLimits.RiskReviewNote} characters, stored encrypted) and `reviewedAt` (ISO 8601 with offset; now when left out). Only the client's own clinician.");
        signals.MapPost("/{alertId:guid}/snooze", SnoozeAsync).WithName("SnoozeSignal").RequireScope(Area, write: true)
            .AcceptsJson<SnoozeSignalInput>()
            .WithSummary("Snooze a signal")
            .WithDescription($"Hides it from the caseload for `days` ({string.Join(", ", AlertActions.SnoozeChoices)}). A risk signal cannot be snoozed.");
    }

    private static SignalDto ToDto(ClinicalAlert a, FreeTextProtector protector, RiskReview? review = null) => new(
        a.Id, a.RelationshipId, a.Kind, Guidance.Name(a.Kind), a.Urgent, a.Explanation, a.CreatedAt, a.Status, a.AcknowledgedAt, a.ResolvedAt,
        a.Action, protector.Unprotect(a.ProtectedActionNote), a.SnoozedUntil, a.ResponseId, $"/guidance/{Guidance.Slug(a.Kind)}",
        review is null ? null : new RiskReviewDto(review.ContactMade, review.RiskAssessed, review.Level, review.SafetyPlanMadeOrReviewed, review.SafetyPlanVersion,
            review.EmergencyServices, review.Referred, protector.Unprotect(review.ProtectedNote) ?? "", review.ReviewedAt, review.RecordedAt));

    private static async Task<Results<Ok<List<SignalDto>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid clientId, string? status, ApiCaller caller, CaseloadAccess access, AttuneDbContext db, AuditTrail audit, FreeTextProtector protector, CancellationToken ct)
    {
        if (status is not (null or "open" or "all"))
            return RestApi.Invalid("status", "Use status=open or status=all (the default).");
        var user = await caller.UserAsync(ct);
        var episodes = access.Relationships(user).Where(r => r.ClientId == clientId).Select(r => r.Id);
        if (!await episodes.AnyAsync(ct))
            return RestApi.NoSuchClient();
        var query = db.Alerts.AsNoTracking().Where(a => episodes.Contains(a.RelationshipId));
        if (status == "open") query = query.Where(a => a.Status != AlertStatus.Resolved);
        var alerts = (await query.ToListAsync(ct)).OrderByDescending(a => a.CreatedAt).ToList();
        var reviews = await db.RiskReviews.AsNoTracking().Where(r => episodes.Contains(r.RelationshipId)).ToDictionaryAsync(r => r.AlertId, ct);
        foreach (var alert in alerts)
            audit.Staff(user, "read", "ClinicalAlert", alert.Id, clientId);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(alerts.Select(a => ToDto(a, protector, reviews.GetValueOrDefault(a.Id))).ToList());
    }

    private static async Task<Results<Ok<SignalDto>, ValidationProblem, ProblemHttpResult>> AcknowledgeAsync(
        Guid clientId, Guid alertId, AlertActions alerts, FreeTextProtector protector, CancellationToken ct) =>
        RestApi.Answer(await alerts.AcknowledgeAsync(alertId, clientId, ct), a => ToDto(a, protector));

    private static async Task<Results<Ok<SignalDto>, ValidationProblem, ProblemHttpResult>> ResolveAsync(
        Guid clientId, Guid alertId, HttpRequest request, AlertActions alerts, FreeTextProtector protector, CancellationToken ct)
    {
        var (input, invalid) = await RestApi.ReadAsync<ResolveSignalInput>(request, ct);
        if (invalid is not null) return invalid;
        return RestApi.Answer(await alerts.ResolveAsync(alertId, input!.Action, input.Note, clientId, ct), a => ToDto(a, protector));
    }

    private static async Task<Results<Ok<SignalDto>, ValidationProblem, ProblemHttpResult>> ReviewRiskAsync(
        Guid clientId, Guid alertId, HttpRequest request, AlertActions alerts, AttuneDbContext db, FreeTextProtector protector, CancellationToken ct)
    {
        var (input, invalid) = await RestApi.ReadAsync<RiskReviewInput>(request, ct);
        if (invalid is not null) return invalid;
        var result = await alerts.ReviewRiskAsync(alertId, input!, clientId, ct);
        var review = result.Refusal is null ? await db.RiskReviews.AsNoTracking().SingleOrDefaultAsync(r => r.AlertId == alertId, ct) : null;
        return RestApi.Answer(result, a => ToDto(a, protector, review));
    }

    private static async Task<Results<Ok<SignalDto>, ValidationProblem, ProblemHttpResult>> SnoozeAsync(
        Guid clientId, Guid alertId, HttpRequest request, AlertActions alerts, FreeTextProtector protector, CancellationToken ct)
    {
        var (input, invalid) = await RestApi.ReadAsync<SnoozeSignalInput>(request, ct);
        if (invalid is not null) return invalid;
        return RestApi.Answer(await alerts.SnoozeAsync(alertId, input!.Days?.ToString(System.Globalization.CultureInfo.InvariantCulture), clientId, ct), a => ToDto(a, protector));
    }
}
