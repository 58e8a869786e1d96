using Attune.Core;
using Attune.Core.Notes;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Notes;

/// <summary>Writing and editing the note on an attended session (each edit a new version), and sharing it with the supervisor.</summary>
public sealed class NoteActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public const string WhoMayWrite = "Only the client's own clinician writes the session note.";

    public async Task<ActionResult<SessionNote>> SaveAsync(Guid clientId, Guid sessionId, string? text, bool shareWithSupervisor, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.AttendedSessionToChangeAsync(clientId, sessionId, WhoMayWrite, ct);
        if (refusal is not null)
            return refusal;
        var (plain, problem) = TextLimits.Check(text, TextLimits.SessionNote, required: true, "the note");
        if (problem is not null)
            return Refusal.Invalid("text", problem);
        var relationship = await db.Relationships.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        var note = await db.Notes.Include(n => n.Versions).SingleOrDefaultAsync(n => n.SessionId == sessionId, ct);
        var cipher = protector.Protect(plain)!;
        if (note is null)
        {
            note = new SessionNote(id, sessionId, relationship.ClinicianId, cipher, shareWithSupervisor, user.Id, clock.Now);
            db.Notes.Add(note);
            audit.Staff(user, "create", "SessionNote", note.Id, clientId);
        }
        else
        {
            note.Revise(cipher, shareWithSupervisor, user.Id, clock.Now);
            audit.Staff(user, "update", "SessionNote", note.Id, clientId);
        }
        if (await db.SaveOrConflictAsync("The note was saved elsewhere at the same moment; reload to see the latest version, then save again.", ct) is { } conflict)
            return conflict;
        return note;
    }
}
