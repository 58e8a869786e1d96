using Attune.Core.Instruments;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;

namespace Attune.Web.Features.Privacy;

public static class PrivacyEndpoints
{
    public static void MapPrivacyEndpoints(this IEndpointRouteBuilder app)
    {
        // The client's whole record as a FHIR R4 Bundle, to download and hand over. Reading it is audited as an export.
        app.MapGet("/admin/privacy/{ClientId:guid}/bundle", async (Guid clientId, AttuneDbContext db, CurrentStaff staff,
            FreeTextProtector protector, InstrumentCatalog catalog, AuditTrail audit, TimeProvider clock, CancellationToken ct) =>
        {
            var admin = await staff.GetAsync(ct);
            var copy = await ClientRecordCopy.LoadAsync(db, protector, admin.OrganisationId, clientId, ct);
            if (copy is null) return Results.NotFound();
            audit.Staff(admin, "export", "Client", clientId, clientId);
            await db.SaveChangesAsync(ct);
            var json = ClientBundle.ToJson(ClientBundle.Build(copy, catalog, clock.GetUtcNow()));
            return Results.File(System.Text.Encoding.UTF8.GetBytes(json), "application/fhir+json",
                $"attune-record-{clientId:N}.json");
        }).RequireAuthorization(Policies.Admin).WithName("PrivacyBundle");
    }
}
