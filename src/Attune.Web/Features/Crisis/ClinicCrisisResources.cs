using Attune.Core.Clinic;
using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Attune.Web.Features.Crisis;

/// <summary>The crisis lines a clinic shows: its own, else the installation's.</summary>
public sealed class ClinicCrisisResources(AttuneDbContext db, IOptions<CrisisOptions> installation)
{
    /// <summary>The installation's lines (configuration, else PRODUCT.md's US lines): for a page that names no clinic.</summary>
    public CrisisResourceList Installation => installation.Value.ToList();

    public async Task<CrisisResourceList> ForOrganisationAsync(Guid organisationId, CancellationToken ct = default) =>
        await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.CrisisResources).SingleOrDefaultAsync(ct)
        ?? Installation;

    /// <summary>Whether the clinic has set its own lines.</summary>
    public Task<bool> HasOwnAsync(Guid organisationId, CancellationToken ct = default) =>
        db.Organisations.AnyAsync(o => o.Id == organisationId && o.CrisisResources != null, ct);

    /// <summary>The lines of the clinic a relationship belongs to.</summary>
    public async Task<CrisisResourceList> ForRelationshipAsync(Guid relationshipId, CancellationToken ct = default) =>
        await db.Relationships.AsNoTracking().Where(r => r.Id == relationshipId)
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => o.CrisisResources).SingleOrDefaultAsync(ct)
        ?? Installation;

    /// <summary>The clinic's lines as plain text, one per line, for an email or a text message.</summary>
    public static string AsText(CrisisResourceList list) =>
        list.Heading + ":\n" + string.Join("\n", list.Lines.Select(r => $"- {r.Name}: {r.Detail}"));

    /// <summary>The clinic's lines on one line, for a FHIR OperationOutcome or a hint.</summary>
    public static string AsOneLine(CrisisResourceList list) =>
        list.Heading + ": " + string.Join("; ", list.Lines.Select(r => $"{r.Name}: {r.Detail}"));
}
