using Attune.Core.Endings;
using Attune.Core.Goals;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Lifecycle;

/// <summary>One episode of a client's care, for the list of episodes on the client's pages.</summary>
public sealed record EpisodeView(TherapeuticRelationship Relationship, string ClinicianName, RelationshipEnding? Ending);

/// <summary>An intake record with its free text (when read) and the client's latest fit-check answer.</summary>
public sealed record IntakeView(IntakeRecord? Record, FitCheckResult? Fit, string? Concerns, string? ImpressionNote, string? FitDiscussion);

/// <summary>
/// What the lifecycle pages read: a relationship's closing facts, the client's episodes (history stays visible across
/// re-engagement and referral), and when the last contact was. Settings under "Lifecycle".
/// </summary>
public sealed class LifecycleData(AttuneDbContext db, InstrumentCatalog catalog, FreeTextProtector protector, AuditTrail audit, IConfiguration config)
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

    /// <summary>The client's name as the pages show it (the caller has already been allowed to see the client).</summary>
    public Task<string> ClientNameAsync(Guid clientId, CancellationToken ct = default) =>
        db.Clients.Where(c => c.Id == clientId).Select(c => c.DisplayName).SingleAsync(ct);

    /// <summary>The clinicians of the organisation a client can be referred to: everyone but the current clinician.</summary>
    public Task<List<Clinician>> ColleaguesAsync(Guid organisationId, Guid currentClinicianId, CancellationToken ct = default) =>
        db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == organisationId && c.Id != currentClinicianId).OrderBy(c => c.DisplayName).ToListAsync(ct);

    /// <summary>
    /// The relationship's intake record and the client's latest fit check; with <paramref name="readText"/>, the
    /// record's free text decrypted, and the read audited.
    /// </summary>
    public async Task<IntakeView> IntakeAsync(StaffUser user, TherapeuticRelationship r, bool readText, CancellationToken ct = default)
    {
        var record = await db.Intakes.AsNoTracking().SingleOrDefaultAsync(i => i.RelationshipId == r.Id, ct);
        var fit = FitCheck.Latest(await db.Responses.Where(x => x.RelationshipId == r.Id && x.Instrument == FitCheck.InstrumentId).AsNoTracking().ToListAsync(ct));
        if (record is null || !readText)
            return new IntakeView(record, fit, null, null, null);
        var view = new IntakeView(record, fit, Read(record.ProtectedConcerns), Read(record.ProtectedImpressionNote), Read(record.ProtectedFitDiscussion));
        await audit.ReadAsync(user, "IntakeRecord", record.Id, r.ClientId, ct);
        return view;
    }

    public string? Protect(string? text) => protector.Protect(text);
}
