using System.Globalization;
using Attune.Data;
using Attune.Web.Features.Security;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Audit;

/// <summary>The filters of the audit page, as sent (text: each is checked against its list).</summary>
public sealed record AuditFilter(string? From, string? To, string? Who, string? Action, string? Record, string? Client, string? Page);

/// <summary>One page of the clinic's audit trail with the choices its filters offer; <see cref="Error"/> when a filter was not acceptable.</summary>
public sealed record AuditView(IReadOnlyList<AuditEvent> Events, int Total, int PageNumber, string? Error,
    IReadOnlyList<(string Value, string Label)> Actors, IReadOnlyList<string> Actions, IReadOnlyList<string> Records,
    IReadOnlyList<(Guid Id, string Name)> Clients, IReadOnlyDictionary<Guid, string> ClientNames, IReadOnlyDictionary<Guid, string> StaffNames);

/// <summary>Reads the admin's clinic's audit trail, filtered and a page at a time. Reading the trail is itself audited.</summary>
public sealed class AuditQuery(AttuneDbContext db, AuditTrail audit, ClinicClock clock)
{
    public const int PageSize = 100;

    public async Task<AuditView> LoadAsync(StaffUser admin, AuditFilter filter, CancellationToken ct = default)
    {
        var org = admin.OrganisationId;
        var mine = db.AuditEvents.AsNoTracking().Where(e => e.OrganisationId == org);
        var staffNames = await db.Users.Where(u => u.OrganisationId == org).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var clientNames = await db.Clients.Where(c => c.OrganisationId == org).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var clients = clientNames.OrderBy(c => c.Value).Select(c => (c.Key, c.Value)).ToList();
        List<(string Value, string Label)> actors = [.. staffNames.OrderBy(s => s.Value).Select(s => (s.Key.ToString(), s.Value)),
            ("client-link", "A client, through their link"), ("progress-link", "A client, on their progress page"), ("api", "A system, through the API"), ("system", "Attune itself")];
        var actions = await mine.Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
        var records = await mine.Select(e => e.EntityType).Distinct().OrderBy(a => a).ToListAsync(ct);

        string? error = null;
        var pageNumber = 1;
        var q = mine;
        if (Date(filter.From, "From", ref error) is { } fromDate)
        {
            var from = clock.FromLocal(fromDate);
            q = q.Where(e => e.At >= from);
        }
        if (Date(filter.To, "To", ref error) is { } toDate)
        {
            var to = clock.FromLocal(toDate.AddDays(1));
            q = q.Where(e => e.At < to);
        }
        if (!string.IsNullOrEmpty(filter.Who))
        {
            if (Guid.TryParse(filter.Who, out var staffId) && staffNames.ContainsKey(staffId))
                q = q.Where(e => (e.ActorKind == "staff" || e.ActorKind == "api") && e.ActorId == staffId);
            else if (actors.Any(a => a.Value == filter.Who))
                q = q.Where(e => e.ActorKind == filter.Who);
            else
                error ??= "Choose who from the list.";
        }
        if (!string.IsNullOrEmpty(filter.Action))
        {
            if (actions.Contains(filter.Action)) q = q.Where(e => e.Action == filter.Action);
            else error ??= "Choose an action from the list.";
        }
        if (!string.IsNullOrEmpty(filter.Record))
        {
            if (records.Contains(filter.Record)) q = q.Where(e => e.EntityType == filter.Record);
            else error ??= "Choose a kind of record from the list.";
        }
        if (!string.IsNullOrEmpty(filter.Client))
        {
            if (Guid.TryParse(filter.Client, out var clientId) && clientNames.ContainsKey(clientId)) q = q.Where(e => e.ClientId == clientId);
            else error ??= "Choose a client of your clinic from the list.";
        }
        if (!string.IsNullOrEmpty(filter.Page))
        {
            if (int.TryParse(filter.Page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1_000_000) pageNumber = n;
            else error ??= "The page number must be a whole number from 1.";
        }

        var total = 0;
        List<AuditEvent> events = [];
        if (error is null)
        {
            total = await q.CountAsync(ct);
            // Newest first: the events still waiting for their place in the chain, then the chain from its head.
            events = await q.OrderByDescending(e => e.Sequence == null).ThenByDescending(e => e.Sequence).ThenByDescending(e => e.Id).Skip((pageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
            // Reading the trail is itself recorded, so that who looked at whom is answerable too.
            audit.Staff(admin, "read", "AuditTrail", null);
            await db.SaveChangesAsync(ct);
        }
        return new AuditView(events, total, pageNumber, error, actors, actions, records, clients, clientNames, staffNames);
    }

    private static DateTime? Date(string? text, string label, ref string? error)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100)
            return d;
        error ??= $"{label} must be a date (year-month-day).";
        return null;
    }
}
