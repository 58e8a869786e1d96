using Attune.Core.Relationships;
using Attune.Core.Risk;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Signals;

/// <summary>An alert as its page shows it: the alert, its episode, the client's name, the clinic's risk protocol and what was done.</summary>
public sealed record AlertView(ClinicalAlert Alert, TherapeuticRelationship Relationship, Core.Clinic.Client Client, string RiskProtocol, string? ActionNote, bool CanChange,
    RiskReviewView? Review, SafetyPlanVersion? SafetyPlan, IReadOnlyList<AlertEvidence> Earlier);

/// <summary>A risk alert's review with its note decrypted and the reviewer's name.</summary>
public sealed record RiskReviewView(RiskReview Review, string Note, string ReviewerName);

/// <summary>The read model of the alert page; null when the alert is not there or not the caller's to see (alike).</summary>
public sealed class AlertQuery(AttuneDbContext db, CaseloadAccess access, RecordAuthorization authorization, FreeTextProtector protector)
{
    public async Task<AlertView?> LoadAsync(StaffUser user, Guid alertId, CancellationToken ct = default)
    {
        var relationships = access.Relationships(user);
        var alert = await db.Alerts.AsNoTracking().Where(a => relationships.Any(r => r.Id == a.RelationshipId)).SingleOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null)
            return null;
        var relationship = await relationships.AsNoTracking().SingleAsync(r => r.Id == alert.RelationshipId, ct);
        var review = await db.RiskReviews.AsNoTracking().SingleOrDefaultAsync(r => r.AlertId == alert.Id, ct);
        var reviewer = review is null ? null : await db.Users.Where(u => u.Id == review.RecordedBy).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        var plan = alert.Urgent
            ? await db.SafetyPlans.Where(p => p.ClientId == relationship.ClientId).SelectMany(p => p.Versions).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct)
            : null;
        return new AlertView(
            alert,
            relationship,
            await db.Clients.AsNoTracking().SingleAsync(c => c.Id == relationship.ClientId, ct),
            await db.Organisations.Where(o => o.Id == relationship.OrganisationId).Select(o => o.RiskProtocol).SingleAsync(ct) ?? "",
            protector.Unprotect(alert.ProtectedActionNote),
            await authorization.CanChangeAsync(new ClientRecord(relationship.ClientId, relationship.Id)),
            review is null ? null : new RiskReviewView(review, protector.Unprotect(review.ProtectedNote) ?? "", reviewer ?? "a former colleague"),
            plan,
            await db.AlertEvidence.AsNoTracking().Where(e => e.AlertId == alert.Id).OrderByDescending(e => e.At).ToListAsync(ct));
    }

    /// <summary>
    /// The next alert to act on after this one: the clinician's own open alerts, risk first, then the oldest; snoozed
    /// ones wait. Null when there is none.
    /// </summary>
    public async Task<(Guid Id, string Name, string ClientName)?> NextAsync(StaffUser user, Guid after, DateTimeOffset now, CancellationToken ct = default)
    {
        if (user.ClinicianId is not { } me)
            return null;
        var next = await db.Alerts.AsNoTracking()
            .Where(a => a.ClinicianId == me && a.Id != after && a.Status != AlertStatus.Resolved && a.OrganisationId == user.OrganisationId)
            .Join(db.Relationships.Where(r => r.ClinicianId == me), a => a.RelationshipId, r => r.Id, (a, r) => new { a.Id, a.Kind, a.Urgent, a.CreatedAt, a.SnoozedUntil, r.ClientId })
            .ToListAsync(ct);
        // A repaired rupture is a strength to see, not something to act on.
        var first = next.Where(a => (a.SnoozedUntil is null || a.SnoozedUntil <= now) && a.Kind != SignalKind.RuptureRepaired)
            .OrderByDescending(a => a.Urgent).ThenBy(a => a.CreatedAt).FirstOrDefault();
        if (first is null)
            return null;
        var name = await db.Clients.Where(c => c.Id == first.ClientId).Select(c => c.DisplayName).SingleAsync(ct);
        return (first.Id, Guidance.Name(first.Kind), name);
    }
}
