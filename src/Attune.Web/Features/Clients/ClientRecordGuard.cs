using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Clients;

/// <summary>
/// Only hides: a post to a clinician's page about a client record the caller may not read is answered 404 before the
/// page runs, the same answer as for a client that does not exist (a page answers a read with its own not-found page,
/// which shows nothing of the client). It reads no URL: routing has matched a page whose route has a <c>ClientId</c> (or
/// an <c>AlertId</c>, whose alert names the client), and the resource-based handler decides.
/// </summary>
/// <remarks>
/// Whether the caller may change the record is not decided here but by each action (<see cref="Actions.RecordAuthorization"/>):
/// on a post the pages draw every form, a read-only viewer's too, so that the post reaches its action and is refused there.
/// </remarks>
public sealed class ClientRecordGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IAuthorizationService authorization, AttuneDbContext db)
    {
        if (context.User.Identity?.IsAuthenticated == true && IsClinicianPage(context.GetEndpoint()) && await RecordAsync(context, db) is { } record)
        {
            var reading = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
            if (!reading && !(await authorization.AuthorizeAsync(context.User, record, ClientRecordOperations.Read)).Succeeded)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
        }
        await next(context);
    }

    /// <summary>A page for clinicians (and supervisors), as opposed to an admin's page about a client (privacy requests).</summary>
    private static bool IsClinicianPage(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
        && endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Policies.Clinician);

    /// <summary>The record the matched route is about: its client, or the client of its alert (an unknown alert belongs to no one).</summary>
    private static async Task<ClientRecord?> RecordAsync(HttpContext context, AttuneDbContext db)
    {
        var values = context.Request.RouteValues;
        if (Guid.TryParse(values["ClientId"]?.ToString(), out var clientId))
            return new ClientRecord(clientId);
        if (Guid.TryParse(values["AlertId"]?.ToString(), out var alertId))
            return new ClientRecord(await db.Alerts.Where(a => a.Id == alertId)
                .Join(db.Relationships, a => a.RelationshipId, r => r.Id, (a, r) => r.ClientId).FirstOrDefaultAsync(context.RequestAborted));
        return null;
    }
}
