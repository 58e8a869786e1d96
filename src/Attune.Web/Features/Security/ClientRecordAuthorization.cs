using System.Security.Claims;
using Attune.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Security;

/// <summary>
/// A client's record as the thing being authorised; with an episode, that one episode (a relationship with one
/// clinician) of the record. An episode that is not the client's is no part of their record.
/// </summary>
public sealed record ClientRecord(Guid ClientId, Guid? EpisodeId = null);

public static class ClientRecordOperations
{
    /// <summary>Read the record: the treating clinician, and a supervisor of the treating clinician.</summary>
    public static readonly OperationAuthorizationRequirement Read = new() { Name = nameof(Read) };

    /// <summary>Change the record: only the client's own clinician; with an episode, only that episode's clinician.</summary>
    public static readonly OperationAuthorizationRequirement Change = new() { Name = nameof(Change) };

    /// <summary>Answer a privacy request about the client (a copy of the record, erasure): an admin of the client's clinic, who reads nothing else of it.</summary>
    public static readonly OperationAuthorizationRequirement PrivacyRequest = new() { Name = nameof(PrivacyRequest) };
}

/// <summary>
/// The one place that decides who may read or change a client's record (resource-based authorisation, as in
/// ASP.NET Core's <c>AuthorizationHandler&lt;TRequirement, TResource&gt;</c>), on top of <see cref="CaseloadAccess"/>'s
/// queries. A user of another organisation, an admin, or a clinician with no part in the client's care gets nothing.
/// Every action that changes a record asks it (through <see cref="Actions.RecordAuthorization"/>); so do the reads.
/// </summary>
public sealed class ClientRecordAuthorizationHandler(AttuneDbContext db, CaseloadAccess access, CurrentStaff staff)
    : AuthorizationHandler<OperationAuthorizationRequirement, ClientRecord>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement, ClientRecord resource)
    {
        if (context.User.Identity?.IsAuthenticated != true)
            return;
        if (await staff.FindAsync(context.User) is not { } user)
            return;
        var episodes = access.Relationships(user).Where(r => r.ClientId == resource.ClientId);
        var allowed = requirement.Name switch
        {
            nameof(ClientRecordOperations.Read) => resource.EpisodeId is { } episode
                ? await access.Episode(user, resource.ClientId, episode).AnyAsync()
                : await access.Clients(user).AnyAsync(c => c.Id == resource.ClientId),
            nameof(ClientRecordOperations.Change) => user.ClinicianId is { } me && (resource.EpisodeId is { } episode
                ? await episodes.AnyAsync(r => r.Id == episode && r.ClinicianId == me)
                : await episodes.AnyAsync(r => r.ClinicianId == me)),
            nameof(ClientRecordOperations.PrivacyRequest) => context.User.IsInRole(StaffRoles.Admin)
                && await db.Clients.AnyAsync(c => c.Id == resource.ClientId && c.OrganisationId == user.OrganisationId),
            _ => false,
        };
        if (allowed)
            context.Succeed(requirement);
    }
}
