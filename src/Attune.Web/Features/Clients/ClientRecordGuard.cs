using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Clients;

/// <summary>
/// Hides client records before a clinician's page runs. It reads no URL: routing has matched a page whose route has a
/// <c>ClientId</c> (or an <c>AlertId</c>, whose alert names the client), and the resource-based handler decides. One who
/// may not read the record gets 404 on a post, the same answer as for a client that does not exist (a page answers a
/// read with its own not-found page, which shows nothing of the client).
/// </summary>
/// <remarks>
/// Every change is authorised again by its action (<see cref="Actions.RecordAuthorization"/>), which is where a refusal's
/// words come from. What stays here besides hiding: a post by one who may read but not change the record gets 403,
/// because the pages do not draw their forms for a read-only viewer, and a form that is not drawn could not reach its
/// action to be refused there (Blazor would answer "no such form" with 400).
/// </remarks>
public sealed class ClientRecordGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IAuthorizationService authorization, AttuneDbContext db)
    {
        if (context.User.Identity?.IsAuthenticated == true && IsClinicianPage(context.GetEndpoint()) && await RecordAsync(context, db) is { } record)
        {
            var reading = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
            if (!reading)
            {
                if (!(await authorization.AuthorizeAsync(context.User, record, ClientRecordOperations.Read)).Succeeded)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                if (!(await authorization.AuthorizeAsync(context.User, record, ClientRecordOperations.Change)).Succeeded)
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }
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
