using System.Text.Json;
using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Endings;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Schedules;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.CheckIns;
using Attune.Web.Features.Lifecycle;
using Attune.Web.Features.Progress;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Clients;

/// <summary>Everything the client's page shows about the relationship that matters now, read once.</summary>
public sealed class ClientRecordView
{
    public required Client Client { get; init; }
    public required TherapeuticRelationship Relationship { get; init; }
    public required string ClinicianName { get; init; }
    /// <summary>The caller is this relationship's clinician (it may be closed: then only re-engagement changes anything).</summary>
    public required bool IsOwn { get; init; }
    /// <summary>The caller may change the relationship now: their own, and open.</summary>
    public bool CanChange => IsOwn && Relationship.IsOpen;
    public required IReadOnlyList<EpisodeView> Episodes { get; init; }
    public RelationshipEnding? Ending => Episodes.Single(e => e.Relationship.Id == Relationship.Id).Ending;
    public bool OtherOpen => Episodes.Any(e => e.Relationship.Id != Relationship.Id && e.Relationship.IsOpen);
    public string? PreviousClinician => Episodes.FirstOrDefault(e => e.Relationship.Id == Relationship.PreviousRelationshipId)?.ClinicianName;
    public required IntakeRecord? Intake { get; init; }
    public required string? Handover { get; init; }
    /// <summary>Why the client came back, when this episode re-engages a closed one.</summary>
    public string? ReEngagementReason { get; init; }
    public required (bool Propose, int Days) NoContact { get; init; }
    /// <summary>Completed measures, newest first.</summary>
    public required IReadOnlyList<InstrumentResponse> Responses { get; init; }
    public IEnumerable<InstrumentResponse> Risks => Responses.Where(r => r.IsRisk);
    public required IReadOnlyList<ClinicalAlert> Alerts { get; init; }
    /// <summary>The client's written answers per response, with their item labels, decrypted.</summary>
    public required IReadOnlyDictionary<Guid, List<(string Label, string Text)>> WrittenAnswers { get; init; }
    public FitCheckResult? Fit => FitCheck.Latest(Responses);
    public bool FitCheckDue => FitCheck.IsDue(Relationship, Responses);
    /// <summary>Open links waiting for the client, newest first, with their address: shown only to the client's own clinician.</summary>
    /// <summary>Open check-ins; the link only for one that was never sent (to hand over): a sent link is the client's alone.</summary>
    public required IReadOnlyList<(CheckIn CheckIn, string? Url)> Pending { get; init; }
    public required IReadOnlyList<CheckIn> Scheduled { get; init; }
    public required IReadOnlyDictionary<Guid, int> Reflections { get; init; }
    public required IReadOnlySet<Guid> NotedSessions { get; init; }
    public required MeasurementPlan ClinicPlan { get; init; }
    public MeasurementPlan Plan => ClinicPlan.With(Relationship.Measures);
    public required string ProgressUrl { get; init; }
}

/// <summary>
/// The read model of the client's page: the client as the caller may see them, their current relationship (an open one,
/// else the latest), and what hangs off it. Null when the client is not there or not the caller's: the page answers
/// both with the same not-found page.
/// </summary>
public sealed class ClientRecordQuery(AttuneDbContext db, CaseloadAccess access, RecordAuthorization authorization, LifecycleData lifecycle,
    FreeTextProtector protector, InstrumentCatalog catalog, CheckInLinks links, ProgressLinks progressLinks, ClinicClock clock, CheckInDelivery delivery)
{
    /// <remarks>The links it shows the clinician to copy go to the client, so they start with the clinic's public address, never the request's.</remarks>
    public async Task<(Client? Client, ClientRecordView? View)> LoadAsync(StaffUser user, Guid clientId, CancellationToken ct = default)
    {
        var baseUri = new Uri(delivery.PublicUrl + "/");
        var client = await access.Clients(user).AsNoTracking().SingleOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null)
            return (null, null);
        var relationship = await access.CurrentFirst(user, clientId)
            .Include(r => r.Sessions).Include(r => r.PhaseChanges).AsSplitQuery().FirstOrDefaultAsync(ct);
        if (relationship is null)
            return (client, null);
        var id = relationship.Id;
        var now = clock.Now;
        var responses = (await db.Responses.Where(r => r.RelationshipId == id).AsNoTracking().ToListAsync(ct))
            .OrderByDescending(r => r.CompletedAt).ToList();
        var isOwn = await authorization.CanChangeAsync(new ClientRecord(clientId, id));
        var pending = !isOwn ? [] : (await db.CheckIns.Where(c => c.RelationshipId == id && c.Status == CheckInStatus.Pending).AsNoTracking().ToListAsync(ct))
            .Where(c => c.IsOpenAt(now)).OrderByDescending(c => c.CreatedAt)
            .Select(c => (c, c.SentToClientAt is null ? new Uri(baseUri, links.PathFor(c)).ToString() : null)).ToList();
        return (client, new ClientRecordView
        {
            Client = client,
            Relationship = relationship,
            ClinicianName = await db.Clinicians.Where(c => c.Id == relationship.ClinicianId).Select(c => c.DisplayName).SingleAsync(ct),
            IsOwn = isOwn,
            Episodes = await lifecycle.EpisodesAsync(relationship.OrganisationId, clientId, ct),
            Intake = await db.Intakes.AsNoTracking().SingleOrDefaultAsync(i => i.RelationshipId == id, ct),
            Handover = protector.Unprotect(relationship.ProtectedHandover),
            ReEngagementReason = protector.Unprotect(relationship.ProtectedReEngagementReason),
            NoContact = await lifecycle.NoContactAsync(relationship, now, ct),
            Responses = responses,
            Alerts = await db.Alerts.Where(a => a.RelationshipId == id).AsNoTracking().ToListAsync(ct),
            WrittenAnswers = responses.Where(r => r.ProtectedText is not null).ToDictionary(r => r.Id, r =>
                JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(r.ProtectedText)!)!
                    .Select(kv => (catalog.Find(r.Instrument)?.FindItem(kv.Key)?.Label ?? kv.Key, kv.Value)).ToList()),
            Pending = pending,
            Scheduled = await db.CheckIns.Where(c => c.RelationshipId == id && c.Kind != CheckInKind.AdHoc).AsNoTracking().ToListAsync(ct),
            Reflections = await db.Reflections.Where(r => r.RelationshipId == id).ToDictionaryAsync(r => r.SessionId, r => r.Connected, ct),
            NotedSessions = (await db.Notes.Where(n => n.RelationshipId == id).Select(n => n.SessionId).ToListAsync(ct)).ToHashSet(),
            ClinicPlan = await db.Organisations.Where(o => o.Id == relationship.OrganisationId).Select(o => o.Measures).SingleAsync(ct),
            // A live link: only for the client's own clinician, like the pending check-in links.
            ProgressUrl = isOwn ? new Uri(baseUri, progressLinks.PathForRelationship(id)).ToString() : "",
        });
    }
}
