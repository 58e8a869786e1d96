using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Notifications;

/// <summary>
/// Tells a client's clinicians (every clinician the client has had in the clinic) and their supervisors that someone
/// outside their care opened the client's record: break-glass access to notes, a privacy disclosure. The email names
/// no client; the caller saves it with what it announces.
/// </summary>
public static class ClientCliniciansNotice
{
    public static async Task QueueAsync(AttuneDbContext db, Guid organisationId, Guid clientId, string kind, string subject, string body, DateTimeOffset now, CancellationToken ct)
    {
        var clinicianIds = await db.Relationships.Where(r => r.ClientId == clientId && r.OrganisationId == organisationId).Select(r => r.ClinicianId).Distinct().ToListAsync(ct);
        var supervisorIds = await db.Clinicians.Where(c => clinicianIds.Contains(c.Id) && c.SupervisorId != null).Select(c => c.SupervisorId!.Value).ToListAsync(ct);
        var told = clinicianIds.Concat(supervisorIds).Distinct().ToList();
        var emails = await db.Users.Where(u => u.OrganisationId == organisationId && u.ClinicianId != null && told.Contains(u.ClinicianId.Value) && u.Email != null).Select(u => u.Email!).ToListAsync(ct);
        foreach (var email in emails)
            db.Outbox.Add(new OutboxMessage { OrganisationId = organisationId, To = email, CreatedAt = now, Kind = kind, ClientId = clientId, Subject = subject, Body = body });
    }

    /// <summary>Tells one clinician about a client newly theirs (a referral, an assignment at intake); the email names no client.</summary>
    public static async Task ToClinicianAsync(AttuneDbContext db, Guid organisationId, Guid clinicianId, Guid clientId, string subject, string body, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var email in await db.Users.Where(u => u.OrganisationId == organisationId && u.ClinicianId == clinicianId && u.Email != null).Select(u => u.Email!).ToListAsync(ct))
            db.Outbox.Add(new OutboxMessage { OrganisationId = organisationId, To = email, CreatedAt = now, Kind = OutboxKinds.Notice, ClientId = clientId, Subject = subject, Body = body });
    }
}
