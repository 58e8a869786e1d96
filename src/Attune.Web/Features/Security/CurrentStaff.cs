using System.Security.Claims;
using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Security;

/// <summary>The signed-in staff member for this request, loaded once.</summary>
public sealed class CurrentStaff(IHttpContextAccessor http, AttuneDbContext db)
{
    private StaffUser? _user;

    /// <summary>Who is asking: the signed-in staff member, or the system acting for one through the API.</summary>
    public ClaimsPrincipal Principal => http.HttpContext?.User ?? new ClaimsPrincipal(new ClaimsIdentity());

    public async Task<StaffUser> GetAsync(CancellationToken ct = default)
    {
        if (_user is not null) return _user;
        // Staff sign-ins carry the name identifier; API access tokens carry the staff member as the subject ("sub").
        var principal = http.HttpContext?.User;
        var id = principal?.FindFirstValue(ClaimTypes.NameIdentifier) ?? principal?.FindFirstValue("sub");
        if (!Guid.TryParse(id, out var userId))
            throw new UnauthorizedAccessException("No staff member is signed in.");
        _user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct)
            ?? throw new UnauthorizedAccessException("The signed-in account no longer exists.");
        return _user;
    }

    /// <summary>The signed-in staff member and, when they are not one of the clinic's admins, the refusal to give: every action on the clinic's own settings asks this first.</summary>
    public async Task<(StaffUser User, Actions.Refusal? Refusal)> AdminAsync(string refusal, CancellationToken ct = default)
    {
        var user = await GetAsync(ct);
        return Principal.IsInRole(StaffRoles.Admin) ? (user, null) : (user, Actions.Refusal.Forbidden(refusal));
    }
}
