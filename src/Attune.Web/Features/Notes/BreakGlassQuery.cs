using Attune.Core.Notes;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Notes;

/// <summary>One session's note as break-glass access shows it: every version, newest first.</summary>
public sealed record BreakGlassNote(DateTimeOffset When, string Clinician, IReadOnlyList<(int Number, DateTimeOffset At, string Text)> Versions);

/// <summary>An open break-glass access with what it opened.</summary>
public sealed record BreakGlassView(BreakGlassAccess Grant, string ClientName, string Reason, IReadOnlyList<BreakGlassNote> Notes);

/// <summary>One line of the clinic's break-glass log.</summary>
public sealed record BreakGlassLogEntry(DateTimeOffset At, string Who, string Client, string Reason);

/// <summary>What the break-glass page reads: the clinic's clients and log, and the notes an open access shows (every read audited).</summary>
public sealed class BreakGlassQuery(AttuneDbContext db, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public async Task<List<(Guid Id, string Name)>> ClientsAsync(StaffUser admin, CancellationToken ct = default) =>
        (await db.Clients.Where(c => c.OrganisationId == admin.OrganisationId).Select(c => new { c.Id, c.DisplayName }).ToListAsync(ct))
            .OrderBy(c => c.DisplayName).Select(c => (c.Id, c.DisplayName)).ToList();

    /// <summary>The last 100 break-glass accesses in the clinic, newest first.</summary>
    public async Task<List<BreakGlassLogEntry>> LogAsync(StaffUser admin, CancellationToken ct = default)
    {
        var org = admin.OrganisationId;
        var grants = await db.BreakGlass.AsNoTracking().Where(g => g.OrganisationId == org).OrderByDescending(g => g.At).Take(100).ToListAsync(ct);
        var clientIds = grants.Select(g => g.ClientId).Distinct().ToList();
        var names = await db.Clients.Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var staff = await db.Users.Where(u => u.OrganisationId == org).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return grants.Select(g => new BreakGlassLogEntry(g.At, staff.GetValueOrDefault(g.StaffUserId, "?"), names.GetValueOrDefault(g.ClientId, "?"),
            protector.Unprotect(g.ProtectedReason) ?? "")).ToList();
    }

    /// <summary>
    /// The notes an access opened, while it is open and only to the admin who opened it; null otherwise. Each note read
    /// and the client read are audited as break-glass reads.
    /// </summary>
    public async Task<BreakGlassView?> OpenAsync(StaffUser admin, Guid grantId, CancellationToken ct = default)
    {
        var grant = await db.BreakGlass.AsNoTracking().SingleOrDefaultAsync(g => g.Id == grantId && g.OrganisationId == admin.OrganisationId && g.StaffUserId == admin.Id, ct);
        if (grant is null || clock.Now >= grant.ExpiresAt)
            return null;
        var clientName = await db.Clients.Where(c => c.Id == grant.ClientId).Select(c => c.DisplayName).SingleAsync(ct);
        var relationships = await db.Relationships.Where(r => r.OrganisationId == grant.OrganisationId && r.ClientId == grant.ClientId).Include(r => r.Sessions).AsNoTracking().ToListAsync(ct);
        var ids = relationships.Select(r => r.Id).ToList();
        var found = await db.Notes.Where(n => ids.Contains(n.RelationshipId)).Include(n => n.Versions).AsNoTracking().ToListAsync(ct);
        var clinicians = await db.Clinicians.Where(c => c.OrganisationId == grant.OrganisationId).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var notes = new List<BreakGlassNote>();
        foreach (var n in found)
        {
            var session = relationships.SelectMany(r => r.Sessions).Single(s => s.Id == n.SessionId);
            notes.Add(new BreakGlassNote(session.StartsAt, clinicians.GetValueOrDefault(n.ClinicianId, ""),
                n.Versions.OrderByDescending(v => v.Number).Select(v => (v.Number, v.At, protector.Unprotect(v.ProtectedText) ?? "")).ToList()));
            audit.Staff(admin, "break-glass-read", "SessionNote", n.Id, grant.ClientId);
        }
        audit.Staff(admin, "break-glass-read", "Client", grant.ClientId, grant.ClientId);
        await db.SaveChangesAsync(ct);
        return new BreakGlassView(grant, clientName, protector.Unprotect(grant.ProtectedReason) ?? "", notes.OrderByDescending(n => n.When).ToList());
    }
}
