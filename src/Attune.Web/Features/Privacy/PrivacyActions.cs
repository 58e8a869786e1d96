using Attune.Core;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Database;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Privacy;

/// <summary>
/// A client's privacy requests, answered by an admin of the client's clinic: a copy of the whole record (audited as an
/// export), and erasure.
/// </summary>
public sealed class PrivacyActions(AttuneDbContext db, CurrentStaff staff, IAuthorizationService authorization, AuditTrail audit, FreeTextProtector protector, TimeProvider clock, Time.ClinicClock clinicClock)
{
    /// <summary>How long a disclosure opens the copy for the admin who made it.</summary>
    public static readonly TimeSpan DisclosureLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// Records why the client's whole record is being disclosed (a right-of-access request, a legal request, or another
    /// reason in words), audits it, and tells the client's clinicians and their supervisors, as break-glass does. The
    /// readable copy and the Bundle open only with a disclosure: every copy of the record, unshared notes included,
    /// has its reason on file.
    /// </summary>
    public async Task<ActionResult<PrivacyDisclosure>> DiscloseAsync(Guid clientId, string? reason, string? words, CancellationToken ct = default)
    {
        var (admin, refusal) = await AuthorizeAsync(clientId, ct);
        if (refusal is not null)
            return refusal;
        if (!await db.Clients.AnyAsync(c => c.Id == clientId && c.OrganisationId == admin.OrganisationId, ct))
            return Refusal.NotFound("client");
        if (reason is null || !DisclosureReasons.All.Contains(reason))
            return Refusal.Invalid("reason", "Choose why the record is being disclosed.");
        var (text, problem) = TextLimits.Check(words, TextLimits.BreakGlassReason, required: reason == DisclosureReasons.Other, "the reason");
        if (problem is null && reason == DisclosureReasons.Other && text!.Length < TextLimits.BreakGlassReasonMin)
            problem = $"Give the reason in {TextLimits.BreakGlassReasonMin} to {TextLimits.BreakGlassReason} characters.";
        if (problem is not null)
            return Refusal.Invalid("words", problem);
        var now = clock.GetUtcNow();
        var disclosure = new PrivacyDisclosure
        {
            OrganisationId = admin.OrganisationId, StaffUserId = admin.Id, ClientId = clientId, Reason = reason,
            ProtectedWords = protector.Protect(text), At = now, ExpiresAt = now + DisclosureLifetime,
        };
        db.Disclosures.Add(disclosure);
        audit.Staff(admin, "disclose", "PrivacyDisclosure", disclosure.Id, clientId);
        await Notifications.ClientCliniciansNotice.QueueAsync(db, admin.OrganisationId, clientId, OutboxKinds.Disclosure, "A copy of a client's record was made",
            $"{admin.DisplayName} made a copy of the whole record of one of your clients (session notes included) for a privacy request on {clinicClock.Format(now)}. " +
            "The reason is recorded in Attune's audit trail; ask your clinic admin if you have questions.", now, ct);
        await db.SaveChangesAsync(ct);
        return disclosure;
    }

    /// <summary>The whole record, for a readable copy or a FHIR Bundle, under a disclosure this admin made within the hour; the export is audited.</summary>
    public async Task<ActionResult<ClientRecordCopy>> ExportAsync(Guid clientId, Guid? disclosureId, CancellationToken ct = default)
    {
        var (admin, refusal) = await AuthorizeAsync(clientId, ct);
        if (refusal is not null)
            return refusal;
        var now = clock.GetUtcNow();
        if (disclosureId is not { } did
            || !await db.Disclosures.AnyAsync(d => d.Id == did && d.ClientId == clientId && d.StaffUserId == admin.Id && d.ExpiresAt > now, ct))
            return Refusal.Forbidden("A copy of the whole record is made for a recorded reason: give it on the client's privacy page first (it holds for an hour).");
        var copy = await ClientRecordCopy.LoadAsync(db, protector, admin.OrganisationId, clientId, ct);
        if (copy is null)
            return Refusal.NotFound("client");
        audit.Staff(admin, "export", "PrivacyDisclosure", did, clientId);
        await db.SaveChangesAsync(ct);
        return copy;
    }

    /// <summary>
    /// Erases one client: the client row and everything that hangs off it (episodes, sessions, check-ins, responses,
    /// scores, goals, alerts, notes, reflections, ruptures, intake, endings, break-glass grants) and the messages Attune
    /// queued to the client's address, in one transaction with the audit event that records it, then scrubbed from the
    /// database files (<see cref="DeletedData.ScrubAsync"/>). The audit trail is not
    /// touched: its events hold ids and never content, so the chain still verifies and still shows who did what, when.
    /// </summary>
    /// <param name="confirmName">The client's name typed by the admin, as a check that this is the client meant.</param>
    public async Task<ActionResult<Guid>> EraseAsync(Guid clientId, string? confirmName, CancellationToken ct = default)
    {
        var (admin, refusal) = await AuthorizeAsync(clientId, ct);
        if (refusal is not null)
            return refusal;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var client = await db.Clients.SingleOrDefaultAsync(c => c.Id == clientId && c.OrganisationId == admin.OrganisationId, ct);
        if (client is null)
            return Refusal.NotFound("client");
        if (!string.Equals((confirmName ?? "").Trim(), client.DisplayName, StringComparison.Ordinal))
            return Refusal.Invalid("confirm", "The name typed does not match, so nothing was erased.");
        var relationships = db.Relationships.Where(r => r.ClientId == clientId);
        var ids = await relationships.Select(r => r.Id).ToListAsync(ct);
        // Episodes point at each other (referral, re-engagement) with restricting keys: unhook them first; the rest of
        // the record goes with its episode by the database's cascading keys.
        await relationships.ExecuteUpdateAsync(s => s.SetProperty(r => r.PreviousRelationshipId, (Guid?)null), ct);
        await db.Endings.Where(e => ids.Contains(e.RelationshipId)).ExecuteUpdateAsync(s => s.SetProperty(e => e.ReferredToRelationshipId, (Guid?)null), ct);
        await relationships.ExecuteDeleteAsync(ct);
        // Every message to or about the client: check-in emails hold the client's address, and a link until sent.
        var addresses = new[] { client.Email, client.Phone }.OfType<string>().ToList();
        await db.Outbox.Where(m => m.OrganisationId == admin.OrganisationId && (m.ClientId == clientId || addresses.Contains(m.To))).ExecuteDeleteAsync(ct);
        await db.Clients.Where(c => c.Id == clientId).ExecuteDeleteAsync(ct);
        audit.Staff(admin, "erase", "Client", clientId, clientId);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // Erased from the files too: no page of the database or its log still holds what was deleted.
        await DeletedData.ScrubAsync(db, CancellationToken.None);
        return clientId;
    }

    private async Task<(StaffUser Admin, Refusal? Refusal)> AuthorizeAsync(Guid clientId, CancellationToken ct)
    {
        var admin = await staff.GetAsync(ct);
        var allowed = await authorization.AuthorizeAsync(staff.Principal, new ClientRecord(clientId), ClientRecordOperations.PrivacyRequest);
        return (admin, allowed.Succeeded ? null : Refusal.NotFound("client"));
    }
}
