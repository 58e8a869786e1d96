using Attune.Core;
using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Ruptures;

/// <summary>
/// A rupture as a clinician gives it, values as the names in the lists. <see cref="SessionId"/>: an attended session of
/// the open episode ("" or null for none); <see cref="SignalId"/>: the signal that showed it. Who noticed it, the session
/// and the signal are given when it is logged and stay as logged.
/// </summary>
public sealed record RuptureInput(
    string? Marker, IReadOnlyList<string?>? Strategies, string? Resolution, string? Note,
    string? NoticedBy = null, string? SessionId = null, Guid? SignalId = null);

/// <summary>Logging a rupture and updating its repair: called by the rupture page and the REST API.</summary>
public sealed class RuptureActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock, SignalEvaluator signals)
{
    public const string WhoMayLog = "Only the client's own clinician logs or changes a rupture.";

    public async Task<ActionResult<RuptureRecord>> LogAsync(Guid clientId, RuptureInput input, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayLog, ct);
        if (refusal is not null)
            return refusal;
        var episode = await db.Relationships.AsNoTracking().Include(r => r.Sessions).SingleAsync(r => r.Id == id, ct);
        if (!episode.IsOpen)
            return Refusal.Conflict("The client's episode is closed; ruptures are logged in an open one.");
        TherapySession? session = null;
        if (!string.IsNullOrEmpty(input.SessionId)
            && (!Guid.TryParse(input.SessionId, out var sid) || (session = episode.Sessions.SingleOrDefault(s => s.Id == sid && s.Attendance == SessionAttendance.Attended)) is null))
            return Refusal.Invalid("sessionId", "Choose an attended session of the client's current episode, or none.");
        if (!FormChoice.TryParse<NoticedBy>(input.NoticedBy, out var noticedBy))
            return Refusal.Invalid("noticedBy", $"Choose who noticed it, one of: {Choices<NoticedBy>()}.");
        if (Check(input, resolutionRequired: false) is { } invalid)
            return invalid;
        if (input.SignalId is { } signalId && !await db.Alerts.AnyAsync(a => a.Id == signalId && a.RelationshipId == id, ct))
            return Refusal.Invalid("signalId", "Give a signal of the client's current episode, or none.");
        var (marker, strategies, resolution, note) = Parse(input);
        var now = clock.Now;
        RuptureRecord rupture;
        try
        {
            rupture = new RuptureRecord(id, session?.Id, session?.StartsAt ?? now, marker, noticedBy, strategies, resolution, protector.Protect(note), input.SignalId, user.Id, now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.Ruptures.Add(rupture);
        audit.Staff(user, "create", "RuptureRecord", rupture.Id, clientId);
        await db.SaveChangesAsync(ct);
        await signals.EvaluateAsync(id, ct);
        return rupture;
    }

    /// <summary>Changes a logged rupture's marker, the repair tried, whether it resolved, and the note; all given again.</summary>
    public async Task<ActionResult<RuptureRecord>> UpdateAsync(Guid clientId, Guid ruptureId, RuptureInput input, CancellationToken ct = default)
    {
        var episodeId = await db.Ruptures.Where(r => r.Id == ruptureId)
            .Join(db.Relationships.Where(e => e.ClientId == clientId), r => r.RelationshipId, e => e.Id, (r, e) => (Guid?)e.Id)
            .SingleOrDefaultAsync(ct);
        if (episodeId is not { } id)
            return Refusal.NotFound("rupture");
        var (user, refusal) = await authorization.ToChangeAsync(new ClientRecord(clientId, id), "rupture", WhoMayLog, ct);
        if (refusal is not null)
            return refusal;
        if (Check(input, resolutionRequired: true) is { } invalid)
            return invalid;
        var (marker, strategies, resolution, note) = Parse(input);
        var rupture = await db.Ruptures.SingleAsync(r => r.Id == ruptureId, ct);
        try
        {
            rupture.Update(marker, strategies, resolution, protector.Protect(note), clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, "update", "RuptureRecord", rupture.Id, clientId);
        await db.SaveChangesAsync(ct);
        await signals.EvaluateAsync(id, ct);
        return rupture;
    }

    private static Refusal? Check(RuptureInput input, bool resolutionRequired)
    {
        if (!FormChoice.TryParse<RuptureMarker>(input.Marker, out _))
            return Refusal.Invalid("marker", $"Choose a marker, a kind of withdrawal or confrontation: {Choices<RuptureMarker>()}.");
        if (!FormChoice.TryParseAll<RepairStrategy>(input.Strategies ?? [], out _))
            return Refusal.Invalid("strategies", $"Choose repair strategies from the list: {Choices<RepairStrategy>()}.");
        if ((input.Resolution is not null || resolutionRequired) && !FormChoice.TryParse<RuptureResolution>(input.Resolution, out _))
            return Refusal.Invalid("resolution", $"Choose whether it resolved, one of: {Choices<RuptureResolution>()}.");
        var (_, problem) = TextLimits.Check(input.Note, TextLimits.RuptureNote, required: false, "the note");
        return problem is null ? null : Refusal.Invalid("note", problem);
    }

    private static (RuptureMarker Marker, List<RepairStrategy> Strategies, RuptureResolution Resolution, string? Note) Parse(RuptureInput input)
    {
        FormChoice.TryParse<RuptureMarker>(input.Marker, out var marker);
        FormChoice.TryParseAll<RepairStrategy>(input.Strategies ?? [], out var strategies);
        var resolution = input.Resolution is null ? RuptureResolution.Ongoing : Enum.Parse<RuptureResolution>(input.Resolution);
        return (marker, strategies, resolution, TextLimits.Check(input.Note, TextLimits.RuptureNote, required: false, "the note").Text);
    }

    private static string Choices<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>());
}
