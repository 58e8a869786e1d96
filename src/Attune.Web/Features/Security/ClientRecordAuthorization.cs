using Attune.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Security;

/// <summary>A client's record as the thing being authorised: everything under /clients/{id}.</summary>
public sealed record ClientRecord(Guid ClientId);

public static class ClientRecordOperations
{
    /// <summary>Read the record: the treating clinician, and a supervisor of the treating clinician.</summary>
    public static readonly OperationAuthorizationRequirement Read = new() { Name = nameof(Read) };

    /// <summary>Change the record: only the client's own clinician.</summary>
    public static readonly OperationAuthorizationRequirement Change = new() { Name = nameof(Change) };
}

/// <summary>
/// The one place that decides who may read or change a client's record (resource-based authorisation, as in
/// ASP.NET Core's <c>AuthorizationHandler&lt;TRequirement, TResource&gt;</c>), on top of <see cref="CaseloadAccess"/>'s
/// queries. A user of another organisation, an admin, or a clinician with no part in the client's care gets nothing.
/// </summary>
public sealed class ClientRecordAuthorizationHandler(CurrentStaff staff, CaseloadAccess access)
    : AuthorizationHandler<OperationAuthorizationRequirement, ClientRecord>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement, ClientRecord resource)
    {
        if (context.User.Identity?.IsAuthenticated != true)
            return;
        var user = await staff.GetAsync();
        var allowed = requirement.Name switch
        {
            nameof(ClientRecordOperations.Read) => await access.Clients(user).AnyAsync(c => c.Id == resource.ClientId),
            nameof(ClientRecordOperations.Change) => user.ClinicianId is { } me
                && await access.Relationships(user).AnyAsync(r => r.ClientId == resource.ClientId && r.ClinicianId == me),
            _ => false,
        };
        if (allowed)
            context.Succeed(requirement);
    }
}
