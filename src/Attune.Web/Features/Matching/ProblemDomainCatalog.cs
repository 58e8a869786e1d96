using Attune.Core;
using Attune.Core.Instruments;
using Attune.Core.Matching;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Matching;

/// <summary>
/// A clinic's problem domains for matching: depression (PHQ-9), anxiety (GAD-7) and general distress (CORE-10), then
/// those the clinic added, each by one of its outcome measures. Read once per request and organisation.
/// </summary>
public sealed class ProblemDomainCatalog(AttuneDbContext db, InstrumentCatalog catalog)
{
    private readonly Dictionary<Guid, IReadOnlyList<ProblemDomain>> _loaded = [];

    public async Task<IReadOnlyList<ProblemDomain>> ForAsync(Guid organisationId, CancellationToken ct = default)
    {
        if (_loaded.TryGetValue(organisationId, out var known))
            return known;
        var own = await db.ClinicProblemDomains.AsNoTracking().Where(d => d.OrganisationId == organisationId).ToListAsync(ct);
        // A measure no longer installed leaves its domain out, rather than failing every ranking.
        var added = own.OrderBy(d => d.CreatedAt).ThenBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => catalog.Find(d.InstrumentId) is { } measure ? new ProblemDomain(d.Key, d.Name, d.InstrumentId, measure.Direction) : null)
            .OfType<ProblemDomain>();
        return _loaded[organisationId] = [.. ProblemDomains.BuiltIn, .. added];
    }

    /// <summary>The measures a domain may be defined by: the clinic's outcome measures not already behind a domain.</summary>
    public static IEnumerable<InstrumentDefinition> Measures(InstrumentCatalog catalog, IReadOnlyList<ProblemDomain> domains) =>
        Schedules.MeasureChoices.Outcomes(catalog).Where(m => domains.All(d => d.InstrumentId != m.Id));
}

/// <summary>The clinic's admins add a problem domain defined by a measure, or remove one they added. Audited with what it was.</summary>
public sealed class ProblemDomainActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, InstrumentCatalog catalog, ProblemDomainCatalog domains, TimeProvider clock)
{
    public const string WhoMay = "Only the clinic's admins define its problem domains.";

    public async Task<ActionResult<ClinicProblemDomain>> AddAsync(string? name, string? instrument, CancellationToken ct = default)
    {
        var admin = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Admin))
            return Refusal.Forbidden(WhoMay);
        var existing = await domains.ForAsync(admin.OrganisationId, ct);
        if (ProblemDomainCatalog.Measures(catalog, existing).FirstOrDefault(m => m.Id == instrument) is not { } measure)
            return Refusal.Invalid("instrument", existing.Any(d => d.InstrumentId == instrument)
                ? "That measure already defines a domain."
                : "Choose one of the clinic's outcome measures.");
        ClinicProblemDomain domain;
        try
        {
            domain = new ClinicProblemDomain(admin.OrganisationId, name ?? "", measure.Id, existing.Select(d => d.Id).ToList(), clock.GetUtcNow());
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.ClinicProblemDomains.Add(domain);
        audit.Change(admin, "create", nameof(ClinicProblemDomain), domain.Id, null, new { domain.Key, domain.Name, domain.InstrumentId });
        if (await db.SaveOrConflictAsync("Another admin added this domain a moment ago.", ct) is { } conflict)
            return conflict;
        return domain;
    }

    /// <summary>Removes a domain the clinic added (the built-in ones stay). Clients who named it keep it in their preferences, where it no longer ranks.</summary>
    public async Task<ActionResult<ClinicProblemDomain>> RemoveAsync(string? key, CancellationToken ct = default)
    {
        var admin = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Admin))
            return Refusal.Forbidden(WhoMay);
        var domain = await db.ClinicProblemDomains.SingleOrDefaultAsync(d => d.OrganisationId == admin.OrganisationId && d.Key == key, ct);
        if (domain is null)
            return Refusal.NotFound("domain");
        db.ClinicProblemDomains.Remove(domain);
        audit.Change(admin, "delete", nameof(ClinicProblemDomain), domain.Id, new { domain.Key, domain.Name, domain.InstrumentId }, null);
        await db.SaveChangesAsync(ct);
        return domain;
    }
}
