using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Clients;

/// <summary>
/// Authorises every request under /clients/{id}, and for an alert (/alerts/{id}) its client's record, before any page
/// code runs: a user who
/// may not read the record gets 404 (the same answer as for a client that does not exist); one who may read but not
/// change it gets 403 on any form they post.
/// </summary>
public sealed class ClientRecordGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IAuthorizationService authorization, AttuneDbContext db)
    {
        var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (segments.Length >= 2 && segments[0] is "clients" or "alerts" && Guid.TryParse(segments[1], out var id)
            && context.User.Identity?.IsAuthenticated == true)
        {
            // An alert that does not exist belongs to no one: the empty id, which no one may read.
            var clientId = segments[0] == "clients" ? id
                : await db.Alerts.Where(a => a.Id == id).Join(db.Relationships, a => a.RelationshipId, r => r.Id, (a, r) => r.ClientId).FirstOrDefaultAsync(context.RequestAborted);
            var record = new ClientRecord(clientId);
            var reading = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
            if (!(await authorization.AuthorizeAsync(context.User, record, ClientRecordOperations.Read)).Succeeded)
            {
                if (reading)
                {
                    // The page renders the not-found page itself, with its 404 and without the client's data.
                    await next(context);
                    return;
                }
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (!reading && !(await authorization.AuthorizeAsync(context.User, record, ClientRecordOperations.Change)).Succeeded)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }
        // A privacy request's page (/admin/privacy/{client}) acts only on a client of the admin's own clinic: anything
        // posted about another clinic's client, or one that does not exist, is 404 before the page runs.
        else if (segments.Length >= 3 && segments[0] == "admin" && segments[1] == "privacy" && Guid.TryParse(segments[2], out var privacyClient)
            && context.User.Identity?.IsAuthenticated == true && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            var staff = await context.RequestServices.GetRequiredService<CurrentStaff>().GetAsync(context.RequestAborted);
            if (!await db.Clients.AnyAsync(c => c.Id == privacyClient && c.OrganisationId == staff.OrganisationId, context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
        }
        await next(context);
    }
}
