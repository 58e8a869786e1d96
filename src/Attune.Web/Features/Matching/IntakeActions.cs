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

/// <summary>A client waiting for a therapist, as the intake list shows them.</summary>
public sealed record WaitingClient(Guid Id, string Name, DateTimeOffset Since, bool HasPreferences);

/// <summary>
/// The intake coordinator's work: a new client, waiting for a therapist, and their assignment to one of the ranked
/// suggestions. The assignment is made from the ranking as it stands when the coordinator assigns (not as a form
/// claims it), and kept with its rank, score and reasons; the clinician's open places go down by one.
/// </summary>
public sealed class IntakeActions(AttuneDbContext db, CurrentStaff staff, MatchAccess access, MatchQuery matches, AuditTrail audit, FreeTextProtector protector, TimeProvider clock)
{
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
        return waiting.OrderBy(c => c.CreatedAt).Select(c => new WaitingClient(c.Id, c.DisplayName, c.CreatedAt, c.Preferences)).ToList();
    }

    public async Task<ActionResult<MatchAssignment>> AssignAsync(Guid clientId, string? clinician, CancellationToken ct = default)
    {
        if (!access.IsCoordinator)
            return Refusal.Forbidden(WhoMay);
        var granted = await access.ForClientAsync(clientId, WhoMay, ct);
        if (granted.Refusal is { } refusal)
            return refusal;
        if (granted.Value!.CurrentClinicianId is not null)
            return Refusal.Conflict("This client already has a therapist; a change of therapist is a referral from their clinician.");
        if (!Guid.TryParse(clinician, out var clinicianId))
            return Refusal.Invalid("clinician", "Choose one of the suggested therapists.");
        var ranked = await matches.LoadAsync(clientId, ct);
        if (ranked.Refusal is { } notRanked)
            return notRanked;
        var view = ranked.Value!;
        if (view.Result.Suggestions.FirstOrDefault(s => s.ClinicianId == clinicianId) is not { } chosen)
            return Refusal.Invalid("clinician", "That therapist is not among the suggestions now (a must-have, licensure or open places rules them out); choose one of the list.");

        var user = granted.Value.User;
        var now = clock.GetUtcNow();
        var relationship = new TherapeuticRelationship(user.OrganisationId, clientId, clinicianId, now);
        db.Relationships.Add(relationship);
        var reasons = protector.Protect(JsonSerializer.Serialize(new { chosen.Reasons, chosen.NotMet }))!;
        var assignment = new MatchAssignment(user.OrganisationId, clientId, relationship.Id, clinicianId, chosen.Rank, view.Result.Suggestions.Count, chosen.Score, chosen.BestMatch, reasons, user.Id, now);
        db.MatchAssignments.Add(assignment);
        var profile = await db.TherapistProfiles.SingleAsync(p => p.ClinicianId == clinicianId, ct);
        profile.TakeOneClient(now);
        audit.Staff(user, "create", "TherapeuticRelationship", relationship.Id, clientId);
        audit.Change(user, "assign", nameof(MatchAssignment), assignment.Id, null,
            new { clinician = clinicianId, rank = chosen.Rank, of = view.Result.Suggestions.Count, score = chosen.Score, bestMatch = chosen.BestMatch });
        // The join of a client with a therapist is made once: a second coordinator assigning at the same moment is refused.
        if (await db.SaveOrConflictAsync("Someone else assigned this client a moment ago; reload the intake list.", ct) is { } conflict)
            return conflict;
        return assignment;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
