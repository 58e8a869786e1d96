using Attune.Core;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Lifecycle;

/// <summary>
/// A client's episodes of care: moving the open one to another phase (page and REST API), and re-engaging after a
/// closed one (the way back).
/// </summary>
public sealed class EpisodeActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public const string WhoMayMove = "Only the client's own clinician moves the relationship between phases.";
    public const string WhoMayReEngage = "Only the client's own clinician re-engages a closed relationship.";

    /// <summary>Moves the client's current episode (an open one, else the latest) and returns it with its phase history.</summary>
    public async Task<ActionResult<TherapeuticRelationship>> MoveAsync(Guid clientId, string? to, string? reason, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayMove, ct);
        if (refusal is not null)
            return refusal;
        if (!FormChoice.TryParse<RelationshipPhase>(to, out var phase))
            return Refusal.Invalid("to", $"Choose the phase, one of: {string.Join(", ", Enum.GetNames<RelationshipPhase>())}.");
        var (text, problem) = TextLimits.Check(reason, TextLimits.PhaseReason, required: true, "the reason for the change");
        if (problem is not null)
            return Refusal.Invalid("reason", problem);
        var episode = await db.Relationships.Include(r => r.PhaseChanges).SingleAsync(r => r.Id == id, ct);
        try
        {
            episode.MoveTo(phase, protector.Protect(text)!, clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, "update", "TherapeuticRelationship", episode.Id, clientId);
        await db.SaveChangesAsync(ct);
        return episode;
    }

    /// <summary>
    /// Opens a new episode with the same clinician, linked to the closed one, so that the history stays in view; the
    /// clinician confirms it and says why the client is coming back (kept encrypted).
    /// </summary>
    public async Task<ActionResult<TherapeuticRelationship>> ReEngageAsync(Guid clientId, bool confirmed, string? reason, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayReEngage, ct);
        if (refusal is not null)
            return refusal;
        var (text, problem) = TextLimits.Check(reason, TextLimits.PhaseReason, required: true, "why the client is coming back");
        if (problem is not null)
            return Refusal.Invalid("reason", problem);
        if (!confirmed)
            return Refusal.Invalid("confirm", "Confirm that you are opening a new episode with this client.");
        var closed = await db.Relationships.SingleAsync(r => r.Id == id, ct);
        if (await db.Relationships.AnyAsync(r => r.ClientId == clientId && r.Id != id && r.ClosedAt == null, ct))
            return Refusal.Conflict("The client already has an open relationship in the clinic.");
        TherapeuticRelationship next;
        try
        {
            next = closed.ReEngage(protector.Protect(text)!, clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.Relationships.Add(next);
        audit.Staff(user, "create", "TherapeuticRelationship", next.Id, clientId);
        await db.SaveChangesAsync(ct);
        return next;
    }
}
