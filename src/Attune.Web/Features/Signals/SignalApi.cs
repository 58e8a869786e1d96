using Attune.Core;
using Attune.Core.Clinic;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Forms;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Signals;

/// <summary>A signal (alert) as the REST API gives it: what was found, why, and what the clinician has done about it.</summary>
public sealed record SignalDto(
    Guid Id, Guid EpisodeId, SignalKind Kind, string Name, bool Urgent, string Explanation, DateTimeOffset RaisedAt,
    AlertStatus Status, DateTimeOffset? AcknowledgedAt, DateTimeOffset? ResolvedAt, AlertAction? Action, string? ActionNote,
    DateTimeOffset? SnoozedUntil, Guid? ResponseId, string Guidance);

/// <summary>Resolving a signal: the action taken (one of <see cref="AlertAction"/>) and, optionally, a note.</summary>
public sealed record ResolveSignalInput(string? Action, string? Note);

/// <summary>Signals on the REST API: list a client's, acknowledge one, resolve one with the action taken.</summary>
public static class SignalApi
{
    private const string Area = "signals";
    private const int MaxNote = 2000;

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
            .WithDescription($"`action` is one of: {RestApi.Choices<AlertAction>()}. A risk signal is resolved with an action (not NoActionNeeded); `Other` needs a note (up to {MaxNote} characters).");
    }

    private static SignalDto ToDto(ClinicalAlert a, FreeTextProtector protector) => new(
        a.Id, a.RelationshipId, a.Kind, Guidance.Name(a.Kind), a.Urgent, a.Explanation, a.CreatedAt, a.Status, a.AcknowledgedAt, a.ResolvedAt,
        a.Action, protector.Unprotect(a.ProtectedActionNote), a.SnoozedUntil, a.ResponseId, $"/guidance/{Guidance.Slug(a.Kind)}");

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
        foreach (var alert in alerts)
            audit.Staff(user, "read", "ClinicalAlert", alert.Id, clientId);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(alerts.Select(a => ToDto(a, protector)).ToList());
    }

    private static async Task<Results<Ok<SignalDto>, ProblemHttpResult>> AcknowledgeAsync(
        Guid clientId, Guid alertId, ApiCaller caller, CaseloadAccess access, AttuneDbContext db, AuditTrail audit, FreeTextProtector protector, ClinicClock clock, CancellationToken ct)
    {
        var (user, alert, problem) = await FindAsync(clientId, alertId, caller, access, db, ct);
        if (problem is not null) return problem;
        try { alert!.Acknowledge(user.Id, clock.Now); }
        catch (DomainRuleException e) { return RestApi.Conflict(e.Message); }
        audit.Staff(user, "update", "ClinicalAlert", alert.Id, clientId);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(alert, protector));
    }

    private static async Task<Results<Ok<SignalDto>, ValidationProblem, ProblemHttpResult>> ResolveAsync(
        Guid clientId, Guid alertId, HttpRequest request, ApiCaller caller, CaseloadAccess access, AttuneDbContext db, AuditTrail audit,
        FreeTextProtector protector, ClinicClock clock, CancellationToken ct)
    {
        var (user, alert, problem) = await FindAsync(clientId, alertId, caller, access, db, ct);
        if (problem is not null) return problem;
        var (input, invalid) = await RestApi.ReadAsync<ResolveSignalInput>(request, ct);
        if (invalid is not null) return invalid;
        if (!FormChoice.TryParse<AlertAction>(input!.Action, out var action))
            return RestApi.Invalid("action", $"Give the action taken, one of: {RestApi.Choices<AlertAction>()}.");
        var note = input.Note?.Trim();
        if (note is { Length: > MaxNote })
            return RestApi.Invalid("note", $"Keep the note to {MaxNote} characters.");
        try { alert!.Resolve(user.Id, action, protector.Protect(note), clock.Now); }
        catch (DomainRuleException e) { return RestApi.Conflict(e.Message); }
        audit.Staff(user, "update", "ClinicalAlert", alert.Id, clientId);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(alert, protector));
    }

    /// <summary>The alert, tracked, if it is on one of the client's episodes the user may see and the user may act on it.</summary>
    private static async Task<(StaffUser User, ClinicalAlert? Alert, ProblemHttpResult? Problem)> FindAsync(
        Guid clientId, Guid alertId, ApiCaller caller, CaseloadAccess access, AttuneDbContext db, CancellationToken ct)
    {
        var user = await caller.UserAsync(ct);
        var episode = await access.Relationships(user).AsNoTracking()
            .Where(r => r.ClientId == clientId && db.Alerts.Any(a => a.Id == alertId && a.RelationshipId == r.Id)).SingleOrDefaultAsync(ct);
        if (episode is null)
            return (user, null, RestApi.NotFound("signal"));
        if (!access.CanChange(user, episode))
            return (user, null, RestApi.OnlyTheirClinician("acts on a signal"));
        return (user, await db.Alerts.SingleAsync(a => a.Id == alertId, ct), null);
    }
}
