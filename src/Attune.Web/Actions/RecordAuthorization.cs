using System.Security.Claims;
using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Actions;

/// <summary>
/// How an action asks whether its caller may change a client's record: the resource-based handler
/// (<see cref="ClientRecordAuthorizationHandler"/>) through <see cref="IAuthorizationService"/>, never the URL. One who
/// may not read the record is told it is not there; one who may read but not change it is forbidden.
/// </summary>
public sealed class RecordAuthorization(IAuthorizationService authorization, CurrentStaff staff, CaseloadAccess access, AttuneDbContext db)
{
    public async Task<(StaffUser User, Refusal? Refusal)> ToChangeAsync(ClientRecord record, string what, string whoMayChange, CancellationToken ct = default)
    {
        var principal = staff.Principal;
        var user = await staff.GetAsync(ct);
        // Whoever may change a record may read it (its own clinician treats the client), so the usual case asks once;
        // only a refusal asks whether the record may be read, to say "not found" or "forbidden".
        if ((await authorization.AuthorizeAsync(principal, record, ClientRecordOperations.Change)).Succeeded)
            return (user, null);
        if (!(await authorization.AuthorizeAsync(principal, record, ClientRecordOperations.Read)).Succeeded)
            return (user, Refusal.NotFound(what));
        return (user, Refusal.Forbidden(whoMayChange));
    }

    /// <summary>
    /// The client's current episode (an open one, else the latest) when the caller may change it: the episode most
    /// changes from the client's page are about.
    /// </summary>
    public async Task<(StaffUser User, Guid EpisodeId, Refusal? Refusal)> CurrentEpisodeToChangeAsync(Guid clientId, string whoMayChange, CancellationToken ct = default)
    {
        var (user, episode, refusal) = await CurrentEpisodeRecordToChangeAsync(clientId, whoMayChange, ct);
        return (user, episode?.Id ?? Guid.Empty, refusal);
    }

    /// <summary>
    /// The same, with the episode as it was read (not tracked), for an action that needs more of it than its id: one read
    /// instead of two.
    /// </summary>
    public async Task<(StaffUser User, Core.Relationships.TherapeuticRelationship? Episode, Refusal? Refusal)> CurrentEpisodeRecordToChangeAsync(Guid clientId,
        string whoMayChange, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var episode = await access.CurrentFirst(user, clientId).AsNoTracking().FirstOrDefaultAsync(ct);
        if (episode is null)
            return (user, null, Refusal.NotFound("client"));
        var (_, refusal) = await ToChangeAsync(new ClientRecord(clientId, episode.Id), "client", whoMayChange, ct);
        return (user, episode, refusal);
    }

    /// <summary>The episode of an attended session of the client, when the caller may change that episode.</summary>
    public async Task<(StaffUser User, Guid EpisodeId, Refusal? Refusal)> AttendedSessionToChangeAsync(Guid clientId, Guid sessionId, string whoMayChange, CancellationToken ct = default)
    {
        var episodeId = await db.Sessions.Where(s => s.Id == sessionId && s.Attendance == Core.Relationships.SessionAttendance.Attended)
            .Join(db.Relationships.Where(r => r.ClientId == clientId), s => s.RelationshipId, r => r.Id, (s, r) => (Guid?)r.Id)
            .SingleOrDefaultAsync(ct);
        if (episodeId is not { } id)
            return (await staff.GetAsync(ct), Guid.Empty, Refusal.NotFound("session"));
        var (user, refusal) = await ToChangeAsync(new ClientRecord(clientId, id), "session", whoMayChange, ct);
        return (user, id, refusal);
    }

    public async Task<bool> CanReadAsync(ClientRecord record) =>
        (await authorization.AuthorizeAsync(staff.Principal, record, ClientRecordOperations.Read)).Succeeded;

    public async Task<bool> CanChangeAsync(ClientRecord record) =>
        (await authorization.AuthorizeAsync(staff.Principal, record, ClientRecordOperations.Change)).Succeeded;
}
