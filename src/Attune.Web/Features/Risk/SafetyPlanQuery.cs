using Attune.Core.Risk;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Progress;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Risk;

/// <summary>One version of a safety plan, decrypted: its parts in order (empty ones as null).</summary>
public sealed record SafetyPlanText(int Number, DateTimeOffset At, string WrittenBy, bool WrittenWithClient, IReadOnlyList<(SafetyPlanPart Part, string? Text)> Parts);

/// <summary>A client's safety plan as the staff page shows it: the current version and the earlier ones, newest first.</summary>
public sealed record SafetyPlanView(Guid ClientId, string ClientName, Core.Relationships.TherapeuticRelationship Episode, bool CanChange, SafetyPlanText? Current, IReadOnlyList<SafetyPlanText> Earlier);

/// <summary>The client's own view from their progress link: the current version, the clinic's name and its therapist's.</summary>
public sealed record ClientSafetyPlanView(SafetyPlanText? Current, string ClinicianName, string OrganisationName);

/// <summary>
/// Reading a safety plan: staff who may read the client (their clinician, the clinician's supervisor), and the client
/// through their progress link. Every read is audited, the client's as the client's.
/// </summary>
public sealed class SafetyPlanQuery(AttuneDbContext db, CaseloadAccess access, RecordAuthorization authorization, FreeTextProtector protector, AuditTrail audit, ProgressLinks links)
{
    public async Task<SafetyPlanView?> LoadAsync(StaffUser user, Guid clientId, CancellationToken ct = default)
    {
        var episode = await access.CurrentFirst(user, clientId).AsNoTracking().FirstOrDefaultAsync(ct);
        if (episode is null)
            return null;
        var name = await db.Clients.Where(c => c.Id == clientId).Select(c => c.DisplayName).SingleAsync(ct);
        var plan = await PlanAsync(clientId, ct);
        var texts = plan is null ? [] : await TextsAsync(plan, ct);
        if (plan is not null)
            await audit.ReadAsync(user, "SafetyPlan", plan.Id, clientId, ct);
        return new SafetyPlanView(clientId, name, episode, await authorization.CanChangeAsync(new ClientRecord(clientId, episode.Id)),
            texts.FirstOrDefault(), texts.Skip(1).ToList());
    }

    /// <returns>The view (its plan null when none is written yet) and the status to give: 200, 410 expired, 400 not valid.</returns>
    public async Task<(ClientSafetyPlanView? View, int Status)> ForClientAsync(string token, CancellationToken ct = default)
    {
        var (relationship, status) = await links.OpenAsync(token, db);
        if (relationship is null)
            return (null, status);
        var plan = await PlanAsync(relationship.ClientId, ct);
        var current = plan is null ? null : (await TextsAsync(plan, ct)).First();
        var view = new ClientSafetyPlanView(current,
            await db.Clinicians.Where(c => c.Id == relationship.ClinicianId).Select(c => c.DisplayName).SingleAsync(ct),
            await db.Organisations.Where(o => o.Id == relationship.OrganisationId).Select(o => o.Name).SingleAsync(ct));
        if (plan is not null)
        {
            audit.ProgressLink(relationship.OrganisationId, relationship.Id, "read", "SafetyPlan", plan.Id, relationship.ClientId);
            await db.SaveChangesAsync(ct);
        }
        return (view, status);
    }

    private Task<SafetyPlan?> PlanAsync(Guid clientId, CancellationToken ct) =>
        db.SafetyPlans.AsNoTracking().Include(p => p.Versions).SingleOrDefaultAsync(p => p.ClientId == clientId, ct);

    /// <summary>Every version, newest first, decrypted.</summary>
    private async Task<List<SafetyPlanText>> TextsAsync(SafetyPlan plan, CancellationToken ct)
    {
        var authors = plan.Versions.Select(v => v.By).Distinct().ToList();
        var names = await db.Users.Where(u => authors.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return plan.Versions.OrderByDescending(v => v.Number)
            .Select(v => new SafetyPlanText(v.Number, v.At, names.GetValueOrDefault(v.By) ?? "a former colleague", v.WrittenWithClient,
                SafetyPlanParts.InOrder.Select(p => (p, protector.Unprotect(v.Protected(p)))).ToList()))
            .ToList();
    }
}
