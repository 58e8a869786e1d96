using System.Globalization;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.DataTransfer;

/// <summary>
/// The clinic's data as CSV files (CsvHelper) for its other systems, a spreadsheet or a move: clinicians, clients,
/// sessions and every score. Times are in the clinic's time zone with their UTC offset (ISO 8601). Cells that a
/// spreadsheet would run as a formula are escaped. Exporting is audited: once per client whose data leaves.
/// </summary>
public sealed class ClinicExport(AttuneDbContext db, ClinicClock clock, AuditTrail audit)
{
    public static readonly IReadOnlyList<string> Kinds = ["clinicians", "clients", "sessions", "scores"];

    public sealed record ClinicianRow(Guid ClinicianId, string Name, string Email, string Roles, string? SupervisorEmail);
    public sealed record ClientRow(Guid ClientId, string? Reference, string Name, string? Email, string? Phone, string? ClinicianEmail, string? Phase, string? OpenedAt, string? ClosedAt, string? Ending, string? EndingReason);
    public sealed record SessionRow(Guid SessionId, Guid ClientId, string? Reference, string? ClinicianEmail, int? Number, string StartsAt, string Modality, string Attendance);
    public sealed record ScoreRow(Guid ResponseId, Guid ClientId, string? Reference, string Instrument, string CompletedAt, decimal Score, string? Band, bool? Clinical, Guid? SessionId, string Answers);

    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        PrepareHeaderForMatch = a => a.Header,
    };

    private string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, clock.Zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>One kind of CSV for the admin's clinic, or null for a kind Attune does not export.</summary>
    public async Task<string?> ExportAsync(StaffUser admin, string kind, CancellationToken ct)
    {
        var org = admin.OrganisationId;
        var staff = await db.Users.AsNoTracking().Where(u => u.OrganisationId == org && u.ClinicianId != null)
            .Select(u => new { u.ClinicianId, u.Email }).ToListAsync(ct);
        var emailOf = staff.GroupBy(u => u.ClinicianId!.Value).ToDictionary(g => g.Key, g => g.First().Email);
        var clients = await db.Clients.AsNoTracking().Where(c => c.OrganisationId == org).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        var referenceOf = clients.ToDictionary(c => c.Id, c => c.Reference);
        var episodes = await db.Relationships.AsNoTracking().Where(r => r.OrganisationId == org).ToListAsync(ct);
        var clientOf = episodes.ToDictionary(r => r.Id, r => r.ClientId);

        string csv;
        IEnumerable<Guid> exported;
        switch (kind)
        {
            case "clinicians":
            {
                var clinicians = await db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == org).OrderBy(c => c.DisplayName).ToListAsync(ct);
                var roles = await (from u in db.Users
                                   join ur in db.UserRoles on u.Id equals ur.UserId
                                   join r in db.Roles on ur.RoleId equals r.Id
                                   where u.OrganisationId == org && u.ClinicianId != null
                                   select new { u.ClinicianId, r.Name }).ToListAsync(ct);
                csv = Write(clinicians.Select(c => new ClinicianRow(c.Id, c.DisplayName, emailOf.GetValueOrDefault(c.Id) ?? "",
                    string.Join(" ", roles.Where(r => r.ClinicianId == c.Id).Select(r => r.Name).Order(StringComparer.Ordinal)),
                    c.SupervisorId is { } s ? emailOf.GetValueOrDefault(s) : null)));
                exported = [];
                break;
            }
            case "clients":
                var episodeIds = episodes.Select(r => r.Id).ToList();
                var endings = (await db.Endings.AsNoTracking().Where(e => episodeIds.Contains(e.RelationshipId)).ToListAsync(ct))
                    .GroupBy(e => e.RelationshipId).ToDictionary(g => g.Key, g => g.First());
                csv = Write(clients.Select(c =>
                {
                    var current = episodes.Where(r => r.ClientId == c.Id).OrderByDescending(r => r.ClosedAt == null).ThenByDescending(r => r.OpenedAt).FirstOrDefault();
                    return new ClientRow(c.Id, c.Reference, c.DisplayName, c.Email, c.Phone, current is null ? null : emailOf.GetValueOrDefault(current.ClinicianId),
                        current?.Phase.ToString(), current is null ? null : Time(current.OpenedAt), current?.ClosedAt is { } closed ? Time(closed) : null,
                        current is not null && endings.TryGetValue(current.Id, out var ending) ? ending.Kind.ToString() : null,
                        current is not null && endings.TryGetValue(current.Id, out var ended) ? ended.Reason.ToString() : null);
                }));
                exported = clients.Select(c => c.Id);
                break;
            case "sessions":
            {
                var ids = episodes.Select(r => r.Id).ToList();
                var sessions = await db.Sessions.AsNoTracking().Where(s => ids.Contains(s.RelationshipId)).ToListAsync(ct);
                var list = sessions.OrderBy(s => s.StartsAt).ThenBy(s => s.Id).Select(s =>
                {
                    var episode = episodes.Single(r => r.Id == s.RelationshipId);
                    return new SessionRow(s.Id, episode.ClientId, referenceOf.GetValueOrDefault(episode.ClientId), emailOf.GetValueOrDefault(episode.ClinicianId),
                        s.Number, Time(s.StartsAt), s.Modality.ToString(), s.Attendance.ToString());
                }).ToList();
                csv = Write(list);
                exported = list.Select(s => s.ClientId).Distinct();
                break;
            }
            case "scores":
            {
                var ids = episodes.Select(r => r.Id).ToList();
                var responses = await db.Responses.AsNoTracking().Where(r => ids.Contains(r.RelationshipId)).ToListAsync(ct);
                var list = responses.OrderBy(r => r.CompletedAt).ThenBy(r => r.Id).Select(r => new ScoreRow(r.Id, clientOf[r.RelationshipId], referenceOf.GetValueOrDefault(clientOf[r.RelationshipId]),
                    r.Instrument, Time(r.CompletedAt), r.Score, r.Band, r.Clinical, r.SessionId,
                    string.Join(";", r.Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.ToString(CultureInfo.InvariantCulture)}")))).ToList();
                csv = Write(list);
                exported = list.Select(s => s.ClientId).Distinct();
                break;
            }
            default:
                return null;
        }

        foreach (var client in exported.ToList())
            audit.Staff(admin, "export", "Client", client, client);
        if (kind == "clinicians")
            audit.Staff(admin, "export", "Clinician", null);
        await db.SaveChangesAsync(ct);
        return csv;
    }

    private static string Write<T>(IEnumerable<T> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Config))
        {
            csv.Context.RegisterClassMap(SnakeCaseMap(typeof(T)));
            csv.WriteRecords(rows);
        }
        return text.ToString();
    }

    /// <summary>Headers in snake_case (client_id, starts_at), as spreadsheets and other systems expect them.</summary>
    private static ClassMap SnakeCaseMap(Type type)
    {
        var map = (ClassMap)Activator.CreateInstance(typeof(DefaultClassMap<>).MakeGenericType(type))!;
        map.AutoMap(CultureInfo.InvariantCulture);
        foreach (var member in map.MemberMaps)
            member.Name(SnakeCase(member.Data.Member!.Name));
        return map;
    }

    public static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>The row types' headers, for the page that explains the files.</summary>
    public static IReadOnlyList<string> Headers(string kind) => (kind switch
    {
        "clinicians" => typeof(ClinicianRow),
        "clients" => typeof(ClientRow),
        "sessions" => typeof(SessionRow),
        _ => typeof(ScoreRow),
    }).GetConstructors()[0].GetParameters().Select(p => SnakeCase(p.Name!)).ToList();
}
