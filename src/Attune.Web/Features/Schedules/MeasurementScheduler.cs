using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Schedules;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.CheckIns;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Schedules;

/// <summary>
/// Makes the check-ins the measurement plan asks for from the session calendar, and sends their links:
/// by email when the client has an address, otherwise by text when they have a phone, otherwise the link
/// waits on the client page for the clinician to hand over (kiosk). Each session's before and after
/// check-in is made once, guarded by a unique index.
/// </summary>
public sealed class MeasurementScheduler(AttuneDbContext db, InstrumentCatalog catalog, CheckInDelivery delivery, AuditTrail audit, TimeProvider clock, IConfiguration config)
{
    public ScheduleTiming Timing { get; } = new()
    {
        SendBefore = TimeSpan.FromHours(Math.Clamp(config.GetValue("Schedules:SendBeforeHours", 24), 1, 24 * 7)),
        SessionLength = TimeSpan.FromMinutes(Math.Clamp(config.GetValue("Schedules:SessionMinutes", 50), 10, 240)),
        AfterSessionWindow = TimeSpan.FromHours(Math.Clamp(config.GetValue("Schedules:AfterSessionWithinHours", 48), 1, 24 * 14)),
    };

    public bool Available(string instrument) => catalog.Find(instrument) is { ItemTextMissing: false };

    /// <summary>The plan in force for one relationship: the clinic's default with the relationship's own choices over it.</summary>
    public async Task<MeasurementPlan> PlanForAsync(TherapeuticRelationship relationship, CancellationToken ct = default) =>
        (await ClinicPlanAsync(relationship.OrganisationId, ct)).With(relationship.Measures);

    /// <summary>The clinic's default plan.</summary>
    public Task<MeasurementPlan> ClinicPlanAsync(Guid organisationId, CancellationToken ct = default) =>
        db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Measures).SingleAsync(ct);

    /// <summary>Makes every due check-in (for one relationship, or all); returns how many were made.</summary>
    public async Task<int> RunAsync(Guid? relationshipId = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var from = now - Timing.SessionLength - Timing.AfterSessionWindow;
        var to = now + Timing.SendBefore;
        var query = db.Relationships.Include(r => r.Sessions)
            .Where(r => r.Phase != RelationshipPhase.Closed && r.Sessions.Any(s => s.StartsAt >= from && s.StartsAt <= to));
        if (relationshipId is { } id) query = query.Where(r => r.Id == id);
        var relationships = await query.ToListAsync(ct);
        var made = 0;
        foreach (var relationship in relationships)
        {
            var plan = await PlanForAsync(relationship, ct);
            var earlier = await db.CheckIns.Where(c => c.RelationshipId == relationship.Id).AsNoTracking()
                .Select(c => new { c.SessionId, c.Kind, c.Instruments }).ToListAsync(ct);
            var existing = earlier.Where(c => c.Kind != CheckInKind.AdHoc && c.SessionId is not null)
                .Select(c => (c.SessionId!.Value, c.Kind)).ToHashSet();
            var fitAsked = earlier.Any(c => c.Instruments.Contains(FitCheck.InstrumentId));
            var rated = (await db.Responses.Where(x => x.RelationshipId == relationship.Id && x.Instrument == "connection-check" && x.SessionId != null)
                .Select(x => x.SessionId!.Value).ToListAsync(ct)).ToHashSet();
            var due = MeasurementSchedule.Due(relationship, plan, existing, Available, now, Timing, fitAsked, rated);
            if (due.Count == 0) continue;
            var client = await db.Clients.SingleAsync(c => c.Id == relationship.ClientId, ct);
            foreach (var d in due)
            {
                var checkIn = new CheckIn(relationship.Id, d.SessionId, d.Instruments, now, d.ExpiresAt, d.Kind);
                db.CheckIns.Add(checkIn);
                audit.System(relationship.OrganisationId, "create", "CheckIn", checkIn.Id, client.Id);
                if (client.Email is not null)
                    await delivery.QueueEmailAsync(checkIn, client, relationship.OrganisationId, reminder: false, ct);
                else if (client.Phone is not null)
                    delivery.QueueSms(checkIn, client, relationship.OrganisationId);
            }
            try
            {
                await db.SaveChangesAsync(ct);
                made += due.Count;
            }
            catch (DbUpdateException)
            {
                // Another pass made them first (the unique index on session and kind); theirs stand.
                db.ChangeTracker.Clear();
            }
        }
        return made;
    }
}

/// <summary>Runs the scheduler every few minutes.</summary>
public sealed class MeasurementSchedulerService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<MeasurementSchedulerService> logger)
    : Background.PeriodicPass(scopes, clock, logger, TimeSpan.FromMinutes(5), "Measurement schedule pass")
{
    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<MeasurementScheduler>().RunAsync(ct: ct);
}
