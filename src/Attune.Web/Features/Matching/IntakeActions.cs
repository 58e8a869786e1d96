using System.Text.Json;
using Attune.Core;
using Attune.Core.Clinic;
using Attune.Core.Matching;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Matching;

/// <summary>A new client as the intake coordinator takes them: a name or initials, and how to reach them.</summary>
public sealed record IntakeClientInput(string? Name, string? Email, string? Phone, string? Reference);

/// <summary>A client waiting for a therapist, as the intake list shows them; whether a choice of therapists is waiting for their answer.</summary>
public sealed record WaitingClient(Guid Id, string Name, DateTimeOffset Since, bool HasPreferences, bool ChoiceOffered);

/// <summary>A choice of therapists sent to a client: the link (shown once to hand over when there is no email address), where it was emailed, until when it works.</summary>
public sealed record ChoiceLinkMade(string Url, string? EmailedTo, DateTimeOffset ExpiresAt, IReadOnlyList<string> Names);

/// <summary>
/// The intake coordinator's work: a new client, waiting for a therapist, and their assignment to one of the ranked
/// suggestions. The assignment is made from the ranking as it stands when the coordinator assigns (not as a form
/// claims it), and kept with its rank, score and reasons; the clinician's open places go down by one.
/// </summary>
public sealed class IntakeActions(AttuneDbContext db, CurrentStaff staff, MatchAccess access, MatchQuery matches, AuditTrail audit, FreeTextProtector protector, TimeProvider clock,
    ChoiceLinks choiceLinks, CheckIns.CheckInDelivery delivery, LinkMail mail, Time.ClinicClock clinicClock)
{
    public const string ChoiceEnded = "This link no longer works: the choice was made, the link expired, or the clinic sent a newer one. Please contact the clinic.";

    public const string WhoMay = "Only the clinic's intake coordinators and admins take new clients and assign them.";

    public async Task<ActionResult<Client>> AddClientAsync(IntakeClientInput input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!access.IsCoordinator)
            return Refusal.Forbidden(WhoMay);
        Client client;
        try
        {
            client = new Client(user.OrganisationId, input.Name ?? "", clock.GetUtcNow(), Blank(input.Email), Blank(input.Phone), Blank(input.Reference));
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.Clients.Add(client);
        audit.Staff(user, "create", "Client", client.Id, client.Id);
        await db.SaveChangesAsync(ct);
        return client;
    }

    /// <summary>The clinic's clients with no relationship yet, oldest first.</summary>
    public async Task<ActionResult<IReadOnlyList<WaitingClient>>> WaitingAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!access.IsCoordinator)
            return Refusal.Forbidden(WhoMay);
        var waiting = await db.Clients.AsNoTracking()
            .Where(c => c.OrganisationId == user.OrganisationId && !db.Relationships.Any(r => r.ClientId == c.Id))
            .Select(c => new { c.Id, c.DisplayName, c.CreatedAt, Preferences = db.MatchPreferences.Any(p => p.ClientId == c.Id) })
            .ToListAsync(ct);
        var ids = waiting.Select(c => c.Id).ToList();
        var now = clock.GetUtcNow();
        var offered = (await db.MatchOffers.AsNoTracking().Where(o => ids.Contains(o.ClientId)).ToListAsync(ct)).Where(o => o.IsOpen(now)).Select(o => o.ClientId).ToHashSet();
        return waiting.OrderBy(c => c.CreatedAt).Select(c => new WaitingClient(c.Id, c.DisplayName, c.CreatedAt, c.Preferences, offered.Contains(c.Id))).ToList();
    }

    /// <summary>The coordinator acting on a client still waiting for a therapist, or the refusal.</summary>
    private async Task<ActionResult<MatchAccessGrant>> WaitingClientAsync(Guid clientId, CancellationToken ct)
    {
        if (!access.IsCoordinator)
            return Refusal.Forbidden(WhoMay);
        var granted = await access.ForClientAsync(clientId, WhoMay, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        if (granted.Value!.CurrentClinicianId is not null)
            return Refusal.Conflict("This client already has a therapist; a change of therapist is a referral from their clinician.");
        return granted;
    }

    public async Task<ActionResult<MatchAssignment>> AssignAsync(Guid clientId, string? clinician, CancellationToken ct = default)
    {
        var granted = await WaitingClientAsync(clientId, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        if (!Guid.TryParse(clinician, out var clinicianId))
            return Refusal.Invalid("clinician", "Choose one of the suggested therapists.");
        var ranked = await matches.LoadAsync(clientId, ct);
        if (ranked.Refusal is { } notRanked)
            return notRanked;
        var view = ranked.Value!;
        if (view.Result.Suggestions.FirstOrDefault(s => s.ClinicianId == clinicianId) is not { } chosen)
            return Refusal.Invalid("clinician", "That therapist is not among the suggestions now (a must-have, licensure or open places rules them out); choose one of the list.");

        var user = granted.Value!.User;
        var now = clock.GetUtcNow();
        var (relationship, assignment) = await AssignAsync(user.OrganisationId, clientId, chosen, view.Result.Suggestions.Count, user.Id, byClient: false, now, ct);
        audit.Staff(user, "create", "TherapeuticRelationship", relationship.Id, clientId);
        audit.Change(user, "assign", nameof(MatchAssignment), assignment.Id, null,
            new { clinician = chosen.ClinicianId, rank = chosen.Rank, of = view.Result.Suggestions.Count, score = chosen.Score, bestMatch = chosen.BestMatch });
        // The join of a client with a therapist is made once: a second coordinator assigning at the same moment is refused.
        if (await db.SaveOrConflictAsync("Someone else assigned this client a moment ago; reload the intake list.", ct) is { } conflict)
            return conflict;
        return assignment;
    }

    /// <summary>
    /// Two or three of the suggested therapists offered to the client, to choose one by a link on their phone (emailed,
    /// with the clinic's crisis lines, when the client has an email address). A newer offer stops the earlier one.
    /// </summary>
    public async Task<ActionResult<ChoiceLinkMade>> OfferAsync(Guid clientId, IReadOnlyList<string> clinicians, CancellationToken ct = default)
    {
        var granted = await WaitingClientAsync(clientId, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        var ids = clinicians.Select(c => Guid.TryParse(c, out var id) ? id : (Guid?)null).ToList();
        if (ids.Any(i => i is null))
            return Refusal.Invalid("offer", $"Tick {MatchOffer.Fewest} or {MatchOffer.Most} of the suggested therapists.");
        var view = await matches.RankAsync(clientId, null, ct);
        var offered = ids.Distinct().Select(id => view.Result.Suggestions.FirstOrDefault(s => s.ClinicianId == id)).ToList();
        if (offered.Any(o => o is null))
            return Refusal.Invalid("offer", "A therapist ticked is not among the suggestions now (a must-have, licensure or open places rules them out); tick from the list.");
        var user = granted.Value!.User;
        var now = clock.GetUtcNow();
        MatchOffer offer;
        try
        {
            offer = new MatchOffer(user.OrganisationId, clientId, offered.OrderBy(o => o!.Rank).Select(o => o!.ClinicianId).ToList(), user.Id, now, now + ChoiceLinks.Lifetime);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        foreach (var earlier in await db.MatchOffers.Where(o => o.ClientId == clientId && o.WithdrawnAt == null && o.ChosenClinicianId == null).ToListAsync(ct))
            earlier.Withdraw(now);
        db.MatchOffers.Add(offer);
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var url = delivery.PublicUrl + choiceLinks.PathFor(choiceLinks.CreateToken(offer.Id, offer.ExpiresAt));
        await mail.QueueAsync(client, OutboxKinds.ChoiceLink, "Choose your therapist",
            $"We have found {offered.Count} therapists who fit what you told us. You can read why each one fits, and choose the one "
            + $"you would like to see:\n\n{url}\n\nThe link works until {clinicClock.Format(offer.ExpiresAt)}.", now, ct);
        audit.Staff(user, "offer", nameof(MatchOffer), offer.Id, clientId);
        await db.SaveChangesAsync(ct);
        return new ChoiceLinkMade(url, client.Email, offer.ExpiresAt, offered.OrderBy(o => o!.Rank).Select(o => o!.Name).ToList());
    }

    /// <summary>
    /// The client's choice through their link: one of the therapists offered who is still among the suggestions now.
    /// The relationship opens as if the coordinator had assigned, kept as chosen by the client.
    /// </summary>
    public async Task<ActionResult<MatchAssignment>> ChooseAsync(string? token, string? clinician, CancellationToken ct = default)
    {
        if (choiceLinks.Read(token) is not { } link)
            return Refusal.NotFound("link");
        var offer = await db.MatchOffers.SingleOrDefaultAsync(o => o.Id == link.Id, ct);
        var now = clock.GetUtcNow();
        if (offer is null)
            return Refusal.NotFound("link");
        if (!offer.IsOpen(now) || link.ExpiresAt <= now || await db.Relationships.AnyAsync(r => r.ClientId == offer.ClientId, ct))
            return Refusal.Conflict(ChoiceEnded);
        if (!Guid.TryParse(clinician, out var clinicianId) || !offer.Clinicians.Contains(clinicianId))
            return Refusal.Invalid("clinician", "Choose one of the therapists offered.");
        var view = await matches.RankAsync(offer.ClientId, null, ct);
        if (view.Result.Suggestions.FirstOrDefault(s => s.ClinicianId == clinicianId) is not { } chosen)
            return Refusal.Conflict("This therapist cannot take new clients just now. Please choose another, or contact the clinic.");
        offer.Choose(clinicianId, now);
        var (relationship, assignment) = await AssignAsync(offer.OrganisationId, offer.ClientId, chosen, view.Result.Suggestions.Count, offer.OfferedBy, byClient: true, now, ct);
        audit.ClientLink(offer.OrganisationId, offer.Id, "choose", nameof(MatchOffer), offer.Id, offer.ClientId);
        audit.ClientLink(offer.OrganisationId, offer.Id, "create", "TherapeuticRelationship", relationship.Id, offer.ClientId);
        audit.ClientLink(offer.OrganisationId, offer.Id, "assign", nameof(MatchAssignment), assignment.Id, offer.ClientId);
        if (await db.SaveOrConflictAsync(ChoiceEnded, ct) is { } conflict)
            return conflict;
        return assignment;
    }

    /// <summary>The relationship opened with the chosen suggestion, the assignment kept with its rank and reasons, one open place taken, open offers closed.</summary>
    private async Task<(TherapeuticRelationship, MatchAssignment)> AssignAsync(Guid organisationId, Guid clientId, Suggestion chosen, int of, Guid assignedBy, bool byClient,
        DateTimeOffset now, CancellationToken ct)
    {
        var relationship = new TherapeuticRelationship(organisationId, clientId, chosen.ClinicianId, now);
        db.Relationships.Add(relationship);
        var reasons = protector.Protect(JsonSerializer.Serialize(new { chosen.Reasons, chosen.NotMet }))!;
        var assignment = new MatchAssignment(organisationId, clientId, relationship.Id, chosen.ClinicianId, chosen.Rank, of, chosen.Score, chosen.BestMatch, reasons, assignedBy, now, byClient);
        db.MatchAssignments.Add(assignment);
        var profile = await db.TherapistProfiles.SingleAsync(p => p.ClinicianId == chosen.ClinicianId, ct);
        profile.TakeOneClient(now);
        // The therapist is told, saved with the assignment; the email names no client.
        await Notifications.ClientCliniciansNotice.ToClinicianAsync(db, organisationId, chosen.ClinicianId, clientId, "Attune: a new client for you",
            (byClient ? "A new client chose you from the therapists the clinic suggested to them." : "The clinic's intake has assigned a new client to you.")
            + $" They are on your caseload, in intake, with what they look for in a therapist.\n\nSign in to see them: {delivery.PublicUrl}/clients/{clientId}\n\nThis email holds no clinical details.",
            now, ct);
        // Any choice still waiting for the client stops (the one the client just made is chosen, not withdrawn).
        foreach (var open in await db.MatchOffers.Where(o => o.ClientId == clientId && o.WithdrawnAt == null && o.ChosenClinicianId == null).ToListAsync(ct))
            open.Withdraw(now);
        return (relationship, assignment);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
