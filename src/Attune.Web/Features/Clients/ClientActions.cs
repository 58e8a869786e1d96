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
using Attune.Web.Time;

namespace Attune.Web.Features.Clients;

/// <summary>A new client as the clinician gives them; empty optional fields are "not given".</summary>
public sealed record NewClient(string? Name, string? Email, string? Phone, string? Reference, string? OutcomeMeasure);

/// <summary>Adding a client to the clinician's caseload: the client and their relationship with the clinician, opened in intake.</summary>
public sealed class ClientActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, ClinicClock clock, InstrumentCatalog catalog)
{
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
