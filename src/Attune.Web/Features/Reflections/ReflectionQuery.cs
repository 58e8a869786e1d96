using Attune.Core.Reflections;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Features.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Reflections;

/// <summary>The clinician's reflection on a session, with its note decrypted when it was read.</summary>
public sealed record ReflectionView(SessionRecord Record, SessionReflection? Reflection, string? Note);

/// <summary>The read model of the reflection page; reading the note is audited.</summary>
public sealed class ReflectionQuery(AttuneDbContext db, SessionRecordQuery sessions, FreeTextProtector protector, AuditTrail audit)
{
    /// <param name="readNote">False when the page only needs the ratings (on a post).</param>
    public async Task<ReflectionView?> LoadAsync(StaffUser user, Guid clientId, Guid sessionId, bool readNote, CancellationToken ct = default)
    {
        if (await sessions.LoadAsync(user, clientId, sessionId, ct) is not { } record)
            return null;
        var reflection = await db.Reflections.AsNoTracking().SingleOrDefaultAsync(r => r.SessionId == sessionId, ct);
        if (reflection is null || !readNote)
            return new ReflectionView(record, reflection, null);
        var note = protector.Unprotect(reflection.ProtectedNote);
        await audit.ReadAsync(user, "SessionReflection", reflection.Id, clientId, ct);
        return new ReflectionView(record, reflection, note);
    }
}
