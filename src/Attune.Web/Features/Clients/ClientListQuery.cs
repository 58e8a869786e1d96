using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Clients;

/// <summary>One client in the list, by their current episode (an open one, else the latest one the viewer may see).</summary>
public sealed record ClientListRow(Guid ClientId, string Name, string? Reference, RelationshipPhase Phase, Guid ClinicianId, string ClinicianName,
    DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt, int Episodes);

/// <summary>A page of the client list, with what the filters may offer.</summary>
public sealed record ClientListView(IReadOnlyList<ClientListRow> Rows, int Total, int Page, int Pages, IReadOnlyList<(Guid Id, string Name)> Clinicians);

/// <summary>Which clients the list shows.</summary>
public enum ClientListStatus { Active, Closed, All }

/// <summary>
/// Every client the viewer may reach, past ones included: a clinician's own clients, a supervisor's supervisees' too.
/// Searched by name or reference, filtered by active or closed, phase and (for supervisors) clinician. The view is audited
/// as one read of the list.
/// </summary>
public sealed class ClientListQuery(AttuneDbContext db, CaseloadAccess access, AuditTrail audit)
{
    public const int PageSize = 50;

    public async Task<ClientListView> LoadAsync(StaffUser user, string? search, ClientListStatus status, RelationshipPhase? phase, Guid? clinicianId, int page, CancellationToken ct = default)
    {
        // Each episode with its client's name, in one read joined by key (was: the episodes, then every one of their
        // clients by a list of ids, which at 100,000 past clients took longer than the episodes themselves).
        var mine = access.Relationships(user);
        var episodes = await (from r in mine
                              join client in db.Clients on r.ClientId equals client.Id
                              select new { r.ClientId, r.ClinicianId, r.Phase, r.OpenedAt, r.ClosedAt, client.DisplayName, client.Reference })
            .AsNoTracking().ToListAsync(ct);
        var clinicians = await db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == user.OrganisationId && mine.Any(r => r.ClinicianId == c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);

        var rows = episodes.GroupBy(e => e.ClientId).Select(g =>
        {
            var current = g.OrderByDescending(e => e.ClosedAt is null).ThenByDescending(e => e.OpenedAt).First();
            return new ClientListRow(g.Key, current.DisplayName, current.Reference, current.Phase, current.ClinicianId,
                clinicians.GetValueOrDefault(current.ClinicianId) ?? "", current.OpenedAt, current.ClosedAt, g.Count());
        });
        var words = search?.Trim();
        if (!string.IsNullOrEmpty(words))
            rows = rows.Where(r => r.Name.Contains(words, StringComparison.OrdinalIgnoreCase) || (r.Reference?.Contains(words, StringComparison.OrdinalIgnoreCase) ?? false));
        rows = status switch
        {
            ClientListStatus.Active => rows.Where(r => r.ClosedAt is null),
            ClientListStatus.Closed => rows.Where(r => r.ClosedAt is not null),
            _ => rows,
        };
        if (phase is { } p)
            rows = rows.Where(r => r.Phase == p);
        if (clinicianId is { } c)
            rows = rows.Where(r => r.ClinicianId == c);
        var all = rows.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.ClientId).ToList();
        var pages = Math.Max(1, (all.Count + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        audit.Staff(user, "read", "ClientList", null);
        await db.SaveChangesAsync(ct);
        return new ClientListView(all.Skip((page - 1) * PageSize).Take(PageSize).ToList(), all.Count, page, pages,
            clinicians.OrderBy(x => x.Value).Select(x => (x.Key, x.Value)).ToList());
    }
}
