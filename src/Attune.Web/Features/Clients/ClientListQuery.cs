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
        // In the database, a page at a time: each client by their current episode (an open one, else the latest one the
        // viewer may see), filtered, counted, sorted by name and paged there. It was every episode the viewer may see,
        // read, grouped and sorted in memory: 808 ms at 100,000 past clients (issue 22).
        var mine = access.Relationships(user);
        var rows = from r in Current(mine, status)
                   join client in db.Clients on r.ClientId equals client.Id
                   select new { r.ClientId, r.ClinicianId, r.Phase, r.OpenedAt, r.ClosedAt, client.DisplayName, client.Reference };
        var words = search?.Trim();
        if (!string.IsNullOrEmpty(words))
        {
            // Lowered on both sides in the database, except where it would fold differently: SQLite's lower() folds ASCII
            // letters only, so "élodie" would miss "Élodie" there. Such a search compares names in memory, as before.
            var lowered = words.ToLowerInvariant();
            if (System.Text.Ascii.IsValid(words) || !db.Database.IsSqlite())
                rows = rows.Where(r => r.DisplayName.ToLower().Contains(lowered) || (r.Reference != null && r.Reference.ToLower().Contains(lowered)));
            else
            {
                var named = await rows.Select(r => new { r.ClientId, r.DisplayName, r.Reference }).ToListAsync(ct);
                var found = named.Where(r => r.DisplayName.Contains(words, StringComparison.OrdinalIgnoreCase)
                    || (r.Reference?.Contains(words, StringComparison.OrdinalIgnoreCase) ?? false)).Select(r => r.ClientId).ToList();
                rows = rows.Where(r => found.Contains(r.ClientId));
            }
        }
        if (phase is { } p)
            rows = rows.Where(r => r.Phase == p);
        if (clinicianId is { } c)
            rows = rows.Where(r => r.ClinicianId == c);
        var total = await rows.CountAsync(ct);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var shown = await rows.OrderBy(r => r.DisplayName.ToLower()).ThenBy(r => r.ClientId).Skip((page - 1) * PageSize).Take(PageSize).AsNoTracking().ToListAsync(ct);
        var ids = shown.Select(r => r.ClientId).ToList();
        var episodes = await mine.Where(r => ids.Contains(r.ClientId)).GroupBy(r => r.ClientId)
            .Select(g => new { ClientId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.ClientId, g => g.Count, ct);
        var clinicians = await db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == user.OrganisationId && mine.Any(r => r.ClinicianId == c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        audit.Staff(user, "read", "ClientList", null);
        await db.SaveChangesAsync(ct);
        return new ClientListView(shown.Select(r => new ClientListRow(r.ClientId, r.DisplayName, r.Reference, r.Phase, r.ClinicianId,
                clinicians.GetValueOrDefault(r.ClinicianId) ?? "", r.OpenedAt, r.ClosedAt, episodes.GetValueOrDefault(r.ClientId))).ToList(),
            total, page, pages, clinicians.OrderBy(x => x.Value).Select(x => (x.Key, x.Value)).ToList());
    }

    /// <summary>
    /// Each client's current episode among <paramref name="mine"/>: an open one, the latest opened (ties by id), else the
    /// latest closed. Active clients are those whose current episode is open, closed ones those with none open. Each
    /// asks "is there a better episode of this client?" of the relationships' client index, never of the whole history.
    /// </summary>
    private static IQueryable<TherapeuticRelationship> Current(IQueryable<TherapeuticRelationship> mine, ClientListStatus status)
    {
        var open = mine.Where(r => r.Phase != RelationshipPhase.Closed && !mine.Any(o => o.ClientId == r.ClientId && o.Phase != RelationshipPhase.Closed
            && (o.OpenedAt > r.OpenedAt || (o.OpenedAt == r.OpenedAt && o.Id.CompareTo(r.Id) > 0))));
        var closed = mine.Where(r => r.Phase == RelationshipPhase.Closed && !mine.Any(o => o.ClientId == r.ClientId && (o.Phase != RelationshipPhase.Closed
            || o.OpenedAt > r.OpenedAt || (o.OpenedAt == r.OpenedAt && o.Id.CompareTo(r.Id) > 0))));
        return status switch
        {
            ClientListStatus.Active => open,
            ClientListStatus.Closed => closed,
            _ => open.Concat(closed),
        };
    }
}
