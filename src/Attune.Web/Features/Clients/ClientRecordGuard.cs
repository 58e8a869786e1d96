using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Clients;

/// <summary>
/// Refuses requests for a client record before any page code runs: 404 when the user may not see the
/// client (the same answer as for a client that does not exist), 403 when they may see but not change it.
/// </summary>
public sealed class ClientRecordGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, CurrentStaff staff, CaseloadAccess access, AttuneDbContext db)
    {
        var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (segments.Length == 2 && segments[0] == "clients" && Guid.TryParse(segments[1], out var clientId)
            && context.User.Identity?.IsAuthenticated == true)
        {
            var user = await staff.GetAsync(context.RequestAborted);
            if (!await access.Clients(user).AnyAsync(c => c.Id == clientId, context.RequestAborted))
            {
                // A GET goes on to the page, which renders the not-found page; a POST stops here.
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                {
                    await next(context);
                    return;
                }
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (HttpMethods.IsPost(context.Request.Method)
                && !await access.Relationships(user).AnyAsync(r => r.ClientId == clientId && r.ClinicianId == user.ClinicianId, context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }
        await next(context);
    }
}
