using Attune.Core.Goals;
using Attune.Core.Instruments;
using Attune.Core.Progress;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Goals;
using Attune.Web.Features.Lifecycle;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Progress;

/// <summary>The client's own progress page: their scores, milestones, goals reached, and whether a plan for going forward waits.</summary>
/// <param name="ClientName">Only the first name or initials, as the clinic recorded them: the page may be open on a shared screen.</param>
public sealed record ProgressView(TherapeuticRelationship Relationship, string ClientName, IReadOnlyList<ScoreSeries> Outcomes, ScoreSeries? Connection,
    IReadOnlyList<Milestone> Milestones, IReadOnlyList<(string Text, DateTimeOffset At)> GoalMilestones, bool HasPlan,
    IReadOnlyDictionary<string, Core.Signals.ExpectedResponseTable> Tables, bool HasSafetyPlan = false);

/// <summary>The plan for going forward the client keeps after the ending.</summary>
public sealed record CarryForwardView(string? Plan, DateTimeOffset EndedAt, string ClinicianName, string OrganisationName);

/// <summary>
/// What a client's progress link shows; every view is in the audit trail as the client's. Each answer comes with the
/// status to give: 200, 410 for an expired link, 400 for one that is not valid.
/// </summary>
public sealed class ProgressQuery(AttuneDbContext db, ProgressLinks links, InstrumentCatalog catalog, ExpectedResponses expected, FreeTextProtector protector,
    AuditTrail audit)
{
    public async Task<(ProgressView? View, int Status)> ProgressAsync(string token, CancellationToken ct = default)
    {
        var (relationship, status) = await links.OpenAsync(token, db);
        if (relationship is null)
            return (null, status);
        var id = relationship.Id;
        var name = await db.Clients.Where(c => c.Id == relationship.ClientId).Select(c => c.DisplayName).SingleAsync(ct);
        var responses = await db.Responses.AsNoTracking().Where(r => r.RelationshipId == id).ToListAsync(ct);
        var view = new ProgressView(relationship, name.Split(' ')[0],
            ClientProgress.Outcomes(responses, catalog.Find), ClientProgress.Connection(responses, catalog.Find), ClientProgress.Milestones(responses, catalog.Find),
            await GoalMilestonesAsync(id, ct),
            await db.Endings.AnyAsync(e => e.RelationshipId == id && e.ProtectedCarryForward != null, ct),
            await expected.ForClinicAsync(relationship.OrganisationId, ct),
            await db.SafetyPlans.AnyAsync(p => p.ClientId == relationship.ClientId, ct));
        audit.ProgressLink(relationship.OrganisationId, relationship.Id, "read", "ClientProgress", relationship.Id, relationship.ClientId);
        await db.SaveChangesAsync(ct);
        return (view, status);
    }

    public async Task<(CarryForwardView? View, int Status)> PlanAsync(string token, CancellationToken ct = default)
    {
        var (relationship, status) = await links.OpenAsync(token, db);
        if (relationship is null)
            return (null, status);
        var ending = await db.Endings.AsNoTracking().SingleOrDefaultAsync(e => e.RelationshipId == relationship.Id, ct);
        var view = new CarryForwardView(protector.Unprotect(ending?.ProtectedCarryForward), ending?.EndedAt ?? default,
            await db.Clinicians.Where(c => c.Id == relationship.ClinicianId).Select(c => c.DisplayName).SingleAsync(ct),
            await db.Organisations.Where(o => o.Id == relationship.OrganisationId).Select(o => o.Name).SingleAsync(ct));
        if (ending is not null)
        {
            audit.ProgressLink(relationship.OrganisationId, relationship.Id, "read", "RelationshipEnding", ending.Id, relationship.ClientId);
            await db.SaveChangesAsync(ct);
        }
        return (view, status);
    }

    /// <summary>Each goal level reached for the first time, newest first: celebrated, in the client's own goal words.</summary>
    private async Task<List<(string, DateTimeOffset)>> GoalMilestonesAsync(Guid relationshipId, CancellationToken ct)
    {
        var (views, ratings) = await GoalView.LoadAsync(db, protector, relationshipId, ct);
        var goals = views.ToDictionary(g => g.Goal.Id);
        return GoalAttainment.Milestones(ratings).OrderByDescending(m => m.At)
            .Select(m => (m.Level >= 0
                ? $"You reached {GoalAttainment.LevelName(m.Level)} on your goal “{goals[m.GoalId].Text}”: {goals[m.GoalId].Level(m.Level)}. Well done."
                : $"A step forward on your goal “{goals[m.GoalId].Text}”: {goals[m.GoalId].Level(m.Level)}.", m.At)).ToList();
    }
}
