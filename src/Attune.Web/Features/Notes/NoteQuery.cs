using Attune.Core.Notes;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Features.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Notes;

/// <summary>A session's note as its page shows it; the text only when the caller may read it.</summary>
public sealed record NoteView(SessionRecord Record, SessionNote? Note, string? Text, IReadOnlyList<(int Number, DateTimeOffset At, string Text)> Earlier)
{
    public bool Shared => Note?.SharedWithSupervisor ?? false;
}

/// <summary>
/// The read model of the note page. The text is read only by the clinician, or by the supervisor when it is shared
/// with them; each read of the text is audited.
/// </summary>
public sealed class NoteQuery(AttuneDbContext db, SessionRecordQuery sessions, FreeTextProtector protector, AuditTrail audit)
{
    /// <param name="readText">False when the page only needs to know whether there is a note (on a post).</param>
    public async Task<NoteView?> LoadAsync(StaffUser user, Guid clientId, Guid sessionId, bool readText, CancellationToken ct = default)
    {
        if (await sessions.LoadAsync(user, clientId, sessionId, ct) is not { } record)
            return null;
        var note = await db.Notes.AsNoTracking().Include(n => n.Versions).SingleOrDefaultAsync(n => n.SessionId == sessionId, ct);
        if (note is null || !readText || !(record.CanChange || note.SharedWithSupervisor))
            return new NoteView(record, note, null, []);
        var text = protector.Unprotect(note.Current.ProtectedText);
        var earlier = note.Versions.Where(v => v.Number < note.Current.Number).OrderByDescending(v => v.Number)
            .Select(v => (v.Number, v.At, protector.Unprotect(v.ProtectedText) ?? "")).ToList();
        await audit.ReadAsync(user, "SessionNote", note.Id, clientId, ct);
        return new NoteView(record, note, text, earlier);
    }
}
