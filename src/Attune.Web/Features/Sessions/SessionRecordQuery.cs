using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Sessions;

/// <summary>An attended session of a client the caller may see, as the pages about one session show it.</summary>
/// <param name="CanChange">The caller may change what hangs off the session: the client's own clinician, while the relationship is open.</param>
public sealed record SessionRecord(TherapeuticRelationship Relationship, TherapySession Session, string ClientName, bool CanChange);

/// <summary>Finds an attended session the caller may see; null when it is not there or not theirs (alike: 404).</summary>
public sealed class SessionRecordQuery(AttuneDbContext db, CaseloadAccess access, RecordAuthorization authorization)
{
    public async Task<SessionRecord?> LoadAsync(StaffUser user, Guid clientId, Guid sessionId, CancellationToken ct = default)
    {
        if (await access.AttendedSessionAsync(user, clientId, sessionId) is not var (relationship, session))
            return null;
        var clientName = await db.Clients.Where(c => c.Id == clientId).Select(c => c.DisplayName).SingleAsync(ct);
        var canChange = await authorization.CanChangeAsync(new ClientRecord(clientId, relationship.Id));
        return new SessionRecord(relationship, session, clientName, canChange);
    }
}
