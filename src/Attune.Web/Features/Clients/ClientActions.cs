using Attune.Core;
using Attune.Core.Clinic;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Schedules;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Schedules;
using Attune.Web.Features.Security;
using Attune.Web.Forms;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Clients;

/// <summary>A new client as the clinician gives them; empty optional fields are "not given".</summary>
public sealed record NewClient(string? Name, string? Email, string? Phone, string? Reference, string? OutcomeMeasure);

/// <summary>A client's details as a page or the REST API sends them; empty optional fields are "not given".</summary>
public sealed record ClientDetailsInput(string? Name, string? Pronouns, string? DateOfBirth, string? Email, string? Phone, string? Reference, string? PreferredContact);

/// <summary>
/// Adding a client to the clinician's caseload (the client and their relationship with the clinician, opened in
/// intake), and changing a client's details (their own clinician only; audited).
/// </summary>
public sealed class ClientActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, ClinicClock clock, InstrumentCatalog catalog, RecordAuthorization authorization)
{
    public const string WhoMayEdit = "Only the client's own clinician changes their details.";

    public async Task<ActionResult<Client>> UpdateDetailsAsync(Guid clientId, ClientDetailsInput input, CancellationToken ct = default)
    {
        var (user, _, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayEdit, ct);
        if (refusal is not null)
            return refusal;
        DateOnly? born = null;
        if (Blank(input.DateOfBirth) is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed))
                return Refusal.Invalid("dateOfBirth", "Give the date of birth as a date (year-month-day), or leave it empty.");
            born = parsed;
        }
        ContactPreference? preferred = null;
        if (Blank(input.PreferredContact) is { } choice)
        {
            if (!FormChoice.TryParse<ContactPreference>(choice, out var p))
                return Refusal.Invalid("preferredContact", "Choose how the client prefers to be contacted: email, phone or text.");
            preferred = p;
        }
        var client = await db.Clients.SingleAsync(c => c.Id == clientId, ct);
        try
        {
            client.UpdateDetails(input.Name ?? "", Blank(input.Pronouns), born, Blank(input.Email), Blank(input.Phone), Blank(input.Reference), preferred,
                DateOnly.FromDateTime(clock.ToLocal(clock.Now)));
        }
        catch (DomainRuleException e)
        {
            db.ChangeTracker.Clear();
            return Refusal.From(e);
        }
        audit.Staff(user, "update", "Client", client.Id, client.Id);
        await db.SaveChangesAsync(ct);
        return client;
    }

    public async Task<ActionResult<Client>> CreateAsync(NewClient input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } clinicianId)
            return Refusal.Forbidden("Only clinicians can add clients to a caseload.");
        if (MeasureChoices.CheckOutcome(catalog, input.OutcomeMeasure, allowDefault: true) is { } problem)
            return Refusal.Invalid("outcome", problem);
        var now = clock.Now;
        Client client;
        try
        {
            client = new Client(user.OrganisationId, input.Name ?? "", now, Blank(input.Email), Blank(input.Phone), Blank(input.Reference));
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        var relationship = new TherapeuticRelationship(user.OrganisationId, client.Id, clinicianId, now);
        relationship.SetMeasures(new MeasurementOverrides(input.OutcomeMeasure, null, null));
        db.Clients.Add(client);
        db.Relationships.Add(relationship);
        audit.Staff(user, "create", "Client", client.Id, client.Id);
        audit.Staff(user, "create", "TherapeuticRelationship", relationship.Id, client.Id);
        await db.SaveChangesAsync(ct);
        return client;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
