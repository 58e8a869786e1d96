using Attune.Core.Endings;
using Attune.Core.Goals;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Lifecycle;

/// <summary>One episode of a client's care, for the list of episodes on the client's pages.</summary>
public sealed record EpisodeView(TherapeuticRelationship Relationship, string ClinicianName, RelationshipEnding? Ending);

/// <summary>
/// What the lifecycle pages read: a relationship's closing facts, the client's episodes (history stays visible across
/// re-engagement and referral), and when the last contact was. Settings under "Lifecycle".
/// </summary>
public sealed class LifecycleData(AttuneDbContext db, InstrumentCatalog catalog, FreeTextProtector protector, IConfiguration config)
{
    public const int MaxText = Core.TextLimits.LifecycleText;

    /// <summary>
    /// Days without contact (an attended session or a completed check-in) after which Attune proposes an unplanned
    /// ending; 0 turns the proposal off. A clinic policy, not a clinical number: set it to your clinic's rule.
    /// </summary>
    public int NoContactDays => Math.Clamp(config.GetValue("Lifecycle:ProposeEndingAfterDaysWithoutContact", 60), 0, 3650);

    /// <summary>Days a final check-in link stays open.</summary>
    public int FinalCheckInDays => Math.Clamp(config.GetValue("Lifecycle:FinalCheckInDays", 14), 1, 90);

    public async Task<ClosingSummaryFacts> FactsAsync(TherapeuticRelationship r, CancellationToken ct = default)
    {
        var responses = await db.Responses.Where(x => x.RelationshipId == r.Id).AsNoTracking().ToListAsync(ct);
        var (goals, ratings) = await Goals.GoalView.LoadAsync(db, protector, r.Id, ct);
        var ruptures = await db.Ruptures.Where(x => x.RelationshipId == r.Id).AsNoTracking().ToListAsync(ct);
        return ClosingSummaryFacts.From(r.AttendedSessionCount, r.OpenedAt, responses, catalog.Find,
            goals.Select(g => (g.Goal, g.Text)).ToList(), ratings, ruptures);
    }

    /// <summary>Every episode of the client in the organisation, newest first.</summary>
    public async Task<List<EpisodeView>> EpisodesAsync(Guid organisationId, Guid clientId, CancellationToken ct = default)
    {
        var episodes = await db.Relationships.Where(r => r.OrganisationId == organisationId && r.ClientId == clientId)
            .Include(r => r.Sessions).AsNoTracking().ToListAsync(ct);
        var ids = episodes.Select(e => e.Id).ToList();
        var endings = await db.Endings.Where(e => ids.Contains(e.RelationshipId)).AsNoTracking().ToDictionaryAsync(e => e.RelationshipId, ct);
        var clinicianIds = episodes.Select(e => e.ClinicianId).Distinct().ToList();
        var names = await db.Clinicians.Where(c => clinicianIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        return episodes.OrderByDescending(e => e.OpenedAt)
            .Select(e => new EpisodeView(e, names.GetValueOrDefault(e.ClinicianId, ""), endings.GetValueOrDefault(e.Id))).ToList();
    }

    /// <summary>Whether Attune proposes an unplanned ending for lack of contact, and how many days it has been.</summary>
    public async Task<(bool Propose, int Days)> NoContactAsync(TherapeuticRelationship r, DateTimeOffset now, CancellationToken ct = default)
    {
        if (!r.IsOpen || NoContactDays == 0) return (false, 0);
        var last = await db.Responses.Where(x => x.RelationshipId == r.Id).OrderByDescending(x => x.CompletedAt).Select(x => (DateTimeOffset?)x.CompletedAt).FirstOrDefaultAsync(ct);
        var propose = NoContact.ProposeEnding(r, last, now, NoContactDays, out var days);
        return (propose, days);
    }

    public string? Read(string? protectedText) => protector.Unprotect(protectedText);

    public string? Protect(string? text) => protector.Protect(text);
}
