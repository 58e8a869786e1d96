using Attune.Data;

namespace Attune.Web.Features.Audit;

/// <summary>
/// Adds audit events to the current unit of work, so that they are saved in the same transaction as
/// the change they describe, sealed, and given their places in the chain moments later (<see cref="AuditChainer"/>).
/// Reads are audited too: call <see cref="ReadAsync"/>, or add a "read" and save.
/// </summary>
public sealed class AuditTrail(AttuneDbContext db, TimeProvider clock, IHttpContextAccessor http, AuditSeal? seal = null)
{
    /// <summary>A staff member's action, or a system's acting for them through the API (actor kind "api").</summary>
    public void Staff(StaffUser actor, string action, string entityType, Guid? entityId, Guid? clientId = null) =>
        Add(actor.OrganisationId, Integrations.ApiAccess.IsApiCall(http.HttpContext) ? "api" : "staff", actor.Id, action, entityType, entityId, clientId);

    /// <summary>A change of clinic settings or of a staff account, with what it was before and after (no clinical content).</summary>
    public void Change(StaffUser actor, string action, string entityType, Guid? entityId, object? before, object? after) =>
        Add(actor.OrganisationId, Integrations.ApiAccess.IsApiCall(http.HttpContext) ? "api" : "staff", actor.Id, action, entityType, entityId, null, AuditDetail.Of(before, after));

    public void ClientLink(Guid organisationId, Guid checkInId, string action, string entityType, Guid? entityId, Guid? clientId) =>
        Add(organisationId, "client-link", checkInId, action, entityType, entityId, clientId);

    /// <summary>A client reading their own progress page through its link; the actor is the relationship the link names.</summary>
    public void ProgressLink(Guid organisationId, Guid relationshipId, string action, string entityType, Guid? entityId, Guid? clientId) =>
        Add(organisationId, "progress-link", relationshipId, action, entityType, entityId, clientId);

    public void System(Guid organisationId, string action, string entityType, Guid? entityId, Guid? clientId = null) =>
        Add(organisationId, "system", null, action, entityType, entityId, clientId);

    /// <summary>Records a read of a client's record and saves it at once.</summary>
    public async Task ReadAsync(StaffUser actor, string entityType, Guid entityId, Guid clientId, CancellationToken ct = default)
    {
        Staff(actor, "read", entityType, entityId, clientId);
        await db.SaveChangesAsync(ct);
    }

    private void Add(Guid organisationId, string actorKind, Guid? actorId, string action, string entityType, Guid? entityId, Guid? clientId, string? detail = null)
    {
        // Events are written sealed, without taking the chain's turn (AttuneDbContext.EventSeal); the command line,
        // which has no chaining pass, chains its few events as it saves them.
        if (seal is not null) db.EventSeal ??= seal.Seal;
        db.AuditEvents.Add(new AuditEvent
        {
            At = clock.GetUtcNow(),
            OrganisationId = organisationId,
            ActorKind = actorKind,
            ActorId = actorId,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            ClientId = clientId,
            RemoteAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            Detail = detail,
        });
    }
}
