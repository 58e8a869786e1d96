using Attune.Data;
using Attune.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Privacy;

/// <summary>
/// Erases one client: the client row and everything that hangs off it (episodes, sessions, check-ins, responses,
/// scores, goals, alerts, notes, reflections, ruptures, intake, endings, break-glass grants) and the messages Attune
/// queued to the client's address, in one transaction with the audit event that records it. The audit trail is not
/// touched: its events hold ids and never content, so the chain still verifies and still shows who did what, when.
/// </summary>
public sealed class ClientErasure(AttuneDbContext db, AuditTrail audit)
{
    /// <summary>Returns false when the organisation has no such client (nothing changed).</summary>
    public async Task<bool> EraseAsync(StaffUser admin, Guid clientId, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var client = await db.Clients.SingleOrDefaultAsync(c => c.Id == clientId && c.OrganisationId == admin.OrganisationId, ct);
        if (client is null) return false;
        var relationships = db.Relationships.Where(r => r.ClientId == clientId);
        var ids = await relationships.Select(r => r.Id).ToListAsync(ct);
        // Episodes point at each other (referral, re-engagement) with restricting keys: unhook them first; the rest of
        // the record goes with its episode by the database's cascading keys.
        await relationships.ExecuteUpdateAsync(s => s.SetProperty(r => r.PreviousRelationshipId, (Guid?)null), ct);
        await db.Endings.Where(e => ids.Contains(e.RelationshipId)).ExecuteUpdateAsync(s => s.SetProperty(e => e.ReferredToRelationshipId, (Guid?)null), ct);
        await relationships.ExecuteDeleteAsync(ct);
        var addresses = new[] { client.Email, client.Phone }.OfType<string>().ToList();
        if (addresses.Count > 0)
            await db.Outbox.Where(m => m.OrganisationId == admin.OrganisationId && addresses.Contains(m.To)).ExecuteDeleteAsync(ct);
        await db.Clients.Where(c => c.Id == clientId).ExecuteDeleteAsync(ct);
        audit.Staff(admin, "erase", "Client", clientId, clientId);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
