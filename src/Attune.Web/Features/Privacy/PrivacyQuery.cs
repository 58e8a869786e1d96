using Attune.Core.Clinic;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Privacy;

/// <summary>What the privacy-request pages read: finding a client, and what is held on them (for an admin of their clinic).</summary>
public sealed class PrivacyQuery(AttuneDbContext db, FreeTextProtector protector, AuditTrail audit)
{
    public const int MaxSearch = 200;

    /// <summary>Clients of the admin's clinic whose name, email or reference contains the text (any case); at most 50.</summary>
    public Task<List<Client>> FindAsync(StaffUser admin, string text, CancellationToken ct = default)
    {
        var lower = text.Trim().ToLowerInvariant();
        return db.Clients.AsNoTracking().Where(c => c.OrganisationId == admin.OrganisationId
                && (c.DisplayName.ToLower().Contains(lower) || (c.Email != null && c.Email.ToLower().Contains(lower)) || (c.Reference != null && c.Reference.ToLower().Contains(lower))))
            .OrderBy(c => c.DisplayName).Take(50).ToListAsync(ct);
    }

    /// <summary>What the clinic holds on the client, counted for the request page; null when the client is not of the admin's clinic.</summary>
    /// <param name="audited">Whether this is a view of the request page to record in the audit trail (not on a post).</param>
    public async Task<ClientRecordCopy?> RequestAsync(StaffUser admin, Guid clientId, bool audited, CancellationToken ct = default)
    {
        var copy = await ClientRecordCopy.LoadAsync(db, protector, admin.OrganisationId, clientId, ct);
        if (copy is not null && audited)
            await audit.ReadAsync(admin, "PrivacyRequest", clientId, clientId, ct);
        return copy;
    }
}
