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
        if (IdOf(http.HttpContext?.User) is not { } userId)
            throw new UnauthorizedAccessException("No staff member is signed in.");
        return await FindAsync(userId, ct) ?? throw new UnauthorizedAccessException("The signed-in account no longer exists.");
    }

    /// <summary>
    /// The staff member a principal speaks for (the signed-in one, or the one an API token acts as), or null; read from
    /// the database once per request, however many checks ask.
    /// </summary>
    public async Task<StaffUser?> FindAsync(ClaimsPrincipal principal, CancellationToken ct = default) =>
        IdOf(principal) is { } userId ? await FindAsync(userId, ct) : null;

    private async Task<StaffUser?> FindAsync(Guid userId, CancellationToken ct)
    {
        if (_user?.Id == userId) return _user;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is not null && IdOf(http.HttpContext?.User) == userId) _user = user;
        return user;
    }

    /// <summary>
    /// A staff member a check of this request has just read from the database (the API policy's question): kept as the
    /// request's own, so that it is not read again, when it is the one the request speaks for.
    /// </summary>
    public void Know(StaffUser user)
    {
        if (IdOf(http.HttpContext?.User) == user.Id) _user = user;
    }

    // Staff sign-ins carry the name identifier; API access tokens carry the staff member as the subject ("sub").
    private static Guid? IdOf(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier) ?? principal?.FindFirstValue("sub"), out var id) ? id : null;

    /// <summary>The signed-in staff member and, when they are not one of the clinic's admins, the refusal to give: every action on the clinic's own settings asks this first.</summary>
    public async Task<(StaffUser User, Actions.Refusal? Refusal)> AdminAsync(string refusal, CancellationToken ct = default)
    {
        var user = await GetAsync(ct);
        return Principal.IsInRole(StaffRoles.Admin) ? (user, null) : (user, Actions.Refusal.Forbidden(refusal));
    }
}
