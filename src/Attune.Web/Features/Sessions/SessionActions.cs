using Attune.Core;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Schedules;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Sessions;

/// <summary>
/// Recording a session on the client's current relationship, and marking how a scheduled one went. After each, the
/// check-ins the measurement plan asks for go out at once and the signals are evaluated again.
/// </summary>
public sealed class SessionActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, ClinicClock clock, MeasurementScheduler scheduler, SignalEvaluator signals)
{
    public const string WhoMayRecord = "Only the client's own clinician records sessions.";

    /// <param name="localStart">When it starts, in the clinic's time zone.</param>
    public async Task<ActionResult<TherapySession>> RecordAsync(Guid clientId, DateTime? localStart, string? modality, string? attendance, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayRecord, ct);
        if (refusal is not null)
            return refusal;
        if (localStart is not { } local)
            return Refusal.Invalid("startsAt", "Give the session's date and time.");
        var today = clock.ToLocal(clock.Now);
        if (local.Year < 2000 || local > today.AddYears(2))
            return Refusal.Invalid("startsAt", "A session's date must lie between the year 2000 and two years from today.");
        if (!FormChoice.TryParse<SessionModality>(modality, out var where))
            return Refusal.Invalid("modality", "Choose where the session took place: in person, video or phone.");
        if (!FormChoice.TryParse<SessionAttendance>(attendance, out var attended))
            return Refusal.Invalid("attendance", "Choose whether the session was attended.");
        return await ChangeAsync(user, clientId, id, "create", r => r.RecordSession(clock.FromLocal(local), where, attended), ct);
    }

    public async Task<ActionResult<TherapySession>> SetAttendanceAsync(Guid clientId, Guid sessionId, string? attendance, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayRecord, ct);
        if (refusal is not null)
            return refusal;
        if (!FormChoice.TryParse<SessionAttendance>(attendance, out var attended) || attended == SessionAttendance.Scheduled)
            return Refusal.Invalid("attendance", "Choose attended, no-show or cancelled.");
        return await ChangeAsync(user, clientId, id, "update", r => r.SetAttendance(sessionId, attended), ct);
    }

    private async Task<ActionResult<TherapySession>> ChangeAsync(StaffUser user, Guid clientId, Guid episodeId, string auditAction, Func<TherapeuticRelationship, TherapySession> change, CancellationToken ct)
    {
        var relationship = await db.Relationships.Include(r => r.Sessions).SingleAsync(r => r.Id == episodeId, ct);
        TherapySession session;
        try
        {
            session = change(relationship);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, auditAction, "TherapySession", session.Id, clientId);
        await db.SaveChangesAsync(ct);
        // Due check-ins go out now rather than at the next scheduler pass; the session may change what the signals say.
        await scheduler.RunAsync(episodeId, ct);
        await signals.EvaluateAsync(episodeId, ct);
        return session;
    }
}
