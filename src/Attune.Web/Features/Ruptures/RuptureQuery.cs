using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Ruptures;

/// <summary>
/// A rupture as its page shows it (or, with no rupture, what a new entry starts from): the client's current
/// relationship with its sessions, the rupture and its decrypted note, and the alert it was opened from.
/// </summary>
public sealed record RuptureView(TherapeuticRelationship Relationship, string ClientName, bool CanChange, RuptureRecord? Rupture, string? Note,
    ClinicalAlert? Alert, string SuggestedSession, NoticedBy SuggestedNoticedBy);

/// <summary>The read model of the rupture page; null when the client, or the rupture, is not there or not the caller's (alike).</summary>
public sealed class RuptureQuery(AttuneDbContext db, CaseloadAccess access, RecordAuthorization authorization, FreeTextProtector protector, AuditTrail audit)
{
    /// <param name="readNote">False on a post, when the page shows what was sent rather than what is stored.</param>
    public async Task<RuptureView?> LoadAsync(StaffUser user, Guid clientId, Guid? ruptureId, Guid? fromAlert, bool readNote, CancellationToken ct = default)
    {
        var relationship = await access.CurrentFirst(user, clientId).AsNoTracking().Include(r => r.Sessions).FirstOrDefaultAsync(ct);
        if (relationship is null)
            return null;
        RuptureRecord? rupture = null;
        if (ruptureId is { } id && (rupture = await db.Ruptures.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.RelationshipId == relationship.Id, ct)) is null)
            return null;
        var alert = fromAlert is { } alertId
            ? await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId && a.RelationshipId == relationship.Id, ct)
            : null;
        var clientName = await db.Clients.Where(c => c.Id == clientId).Select(c => c.DisplayName).SingleAsync(ct);
        var canChange = await authorization.CanChangeAsync(new ClientRecord(clientId, relationship.Id));
        string? note = null;
        if (rupture is not null && readNote)
        {
            note = protector.Unprotect(rupture.ProtectedNote);
            await audit.ReadAsync(user, "RuptureRecord", rupture.Id, clientId, ct);
        }
        // From a signal, its session and who noticed it are already known; otherwise the latest attended session.
        var response = alert?.ResponseId is { } rid ? await db.Responses.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rid, ct) : null;
        var session = response?.SessionId?.ToString()
            ?? relationship.Sessions.Where(s => s.Attendance == SessionAttendance.Attended).MaxBy(s => s.StartsAt)?.Id.ToString() ?? "";
        var noticed = alert?.Kind switch
        {
            SignalKind.ClientReportedRupture => NoticedBy.ClientReport,
            SignalKind.LowAlliance or SignalKind.AllianceDrop when !alert.Key.StartsWith("tension:", StringComparison.Ordinal) => NoticedBy.ScoreDrop,
            _ => NoticedBy.Clinician,
        };
        return new RuptureView(relationship, clientName, canChange, rupture, note, alert, session, noticed);
    }
}
