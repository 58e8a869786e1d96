using Attune.Core;
using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.CheckIns;

/// <summary>What a clinician asks for: the measures, the session it is about, and how the link reaches the client.</summary>
public sealed record CheckInRequest(IReadOnlyList<string?> Instruments, string? SessionId, bool Email, bool Sms, bool Kiosk);

/// <summary>Creating a check-in link for the client's current relationship, emailed or texted in the same transaction.</summary>
public sealed class CheckInActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, ClinicClock clock, InstrumentCatalog catalog, CheckInDelivery delivery)
{
    public const string WhoMayCreate = "Only the client's own clinician sends check-in links.";
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(7);

    public async Task<ActionResult<CheckIn>> CreateAsync(Guid clientId, CheckInRequest request, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayCreate, ct);
        if (refusal is not null)
            return refusal;
        // The session's own feedback first, while it is fresh; then the outcome measures.
        var chosen = request.Instruments.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i!).Distinct()
            .OrderBy(i => catalog.Find(i)?.Purpose != InstrumentPurpose.Alliance).ToList();
        if (chosen.Count == 0)
            return Refusal.Invalid("instruments", "Choose at least one measure.");
        if (chosen.Any(i => catalog.Find(i) is not { ItemTextMissing: false, ForClients: true }))
            return Refusal.Invalid("instruments", "One of the chosen measures cannot be sent.");
        var relationship = await db.Relationships.Include(r => r.Sessions).SingleAsync(r => r.Id == id, ct);
        if (!relationship.IsOpen)
            return Refusal.Conflict("This relationship is closed; re-engagement opens a new episode.");
        Guid? sessionId = null;
        if (!string.IsNullOrEmpty(request.SessionId))
        {
            if (!Guid.TryParse(request.SessionId, out var sid) || relationship.Sessions.All(s => s.Id != sid))
                return Refusal.Invalid("sessionId", "That session is not part of this relationship.");
            sessionId = sid;
        }
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var now = clock.Now;
        var checkIn = new CheckIn(relationship.Id, sessionId, chosen, now, now.Add(LinkLifetime));
        db.CheckIns.Add(checkIn);
        audit.Staff(user, "create", "CheckIn", checkIn.Id, clientId);
        // A link for the device in the room is never sent anywhere.
        if (request.Email && client.Email is not null && !request.Kiosk)
            await delivery.QueueEmailAsync(checkIn, client, user.OrganisationId, reminder: false, ct);
        if (request.Sms && client.Phone is not null && !request.Kiosk)
            delivery.QueueSms(checkIn, client, user.OrganisationId);
        await db.SaveChangesAsync(ct);
        return checkIn;
    }

    /// <summary>
    /// Sends a waiting check-in to the client again, by email (else by text), with a new link: the link sent before
    /// stops working, so a copy of an old message opens nothing.
    /// </summary>
    public async Task<ActionResult<CheckIn>> SendAgainAsync(Guid clientId, string? checkInId, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayCreate, ct);
        if (refusal is not null)
            return refusal;
        if (!Guid.TryParse(checkInId, out var cid)
            || await db.CheckIns.SingleOrDefaultAsync(c => c.Id == cid && c.RelationshipId == id, ct) is not { } checkIn)
            return Refusal.NotFound("check-in for this client");
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        if (client.Email is null && client.Phone is null)
            return Refusal.Conflict("The client has no email address or phone number to send the link to.");
        try
        {
            checkIn.ReplaceLink(clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, "send-again", "CheckIn", checkIn.Id, clientId);
        if (client.Email is not null)
            await delivery.QueueEmailAsync(checkIn, client, user.OrganisationId, reminder: false, ct);
        else
            delivery.QueueSms(checkIn, client, user.OrganisationId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Conflict("The check-in changed while you were sending it (the client may have just answered); reload the page.");
        }
        return checkIn;
    }
}
