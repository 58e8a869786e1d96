using Attune.Core;
using Attune.Core.Reflections;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Reflections;

/// <summary>The clinician's own reflection on an attended session: how connected they felt, any tension, a note.</summary>
public sealed class ReflectionActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock, SignalEvaluator signals)
{
    public const string WhoMayReflect = "Only the client's own clinician writes a reflection.";

    public async Task<ActionResult<SessionReflection>> SaveAsync(Guid clientId, Guid sessionId, string? connected, string? tension, string? note, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.AttendedSessionToChangeAsync(clientId, sessionId, WhoMayReflect, ct);
        if (refusal is not null)
            return refusal;
        if (!int.TryParse(connected, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rating) || rating is < 0 or > 10)
            return Refusal.Invalid("connected", "Rate how connected you felt, from 0 to 10.");
        if (!FormChoice.TryParse<Tension>(tension, out var felt))
            return Refusal.Invalid("tension", "Choose none, withdrawal or confrontation.");
        var (plain, problem) = TextLimits.Check(note, TextLimits.Reflection, required: false, "the note");
        if (problem is not null)
            return Refusal.Invalid("note", problem);
        var cipher = protector.Protect(plain);
        var reflection = await db.Reflections.SingleOrDefaultAsync(r => r.SessionId == sessionId, ct);
        try
        {
            if (reflection is null)
            {
                reflection = new SessionReflection(id, sessionId, user.ClinicianId!.Value, rating, felt, cipher, clock.Now);
                db.Reflections.Add(reflection);
                audit.Staff(user, "create", "SessionReflection", reflection.Id, clientId);
            }
            else
            {
                reflection.Revise(rating, felt, cipher, clock.Now);
                audit.Staff(user, "update", "SessionReflection", reflection.Id, clientId);
            }
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        // A reflection for this session was saved at the same moment (another tab): that one is kept.
        if (await db.SaveOrConflictAsync("A reflection for this session was just saved elsewhere; reload to see it.", ct) is { } conflict)
            return conflict;
        await signals.EvaluateAsync(id, ct);
        return reflection;
    }
}
