using System.Security.Claims;
using Attune.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Attune.Web.Features.Account;

/// <summary>
/// Server-side staff sessions (<see cref="StaffSession"/>) for the sign-in cookie. Each request reads its session with
/// the account's current security stamp: a session whose stamp is not the account's (the password or a second factor
/// changed since; the page that made the change signs its own browser in again) or older than
/// Security:SessionAbsoluteHours (12) is deleted and the request is signed out. Sign-out deletes the session.
/// </summary>
public sealed class StaffSessionStore(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, IOptions<IdentityOptions> identity) : ITicketStore
{
    public TimeSpan AbsoluteLifetime => TimeSpan.FromHours(Math.Clamp(config.GetValue("Security:SessionAbsoluteHours", 12.0), 0.1, 24 * 30));

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var now = clock.GetUtcNow();
        var session = new StaffSession
        {
            Id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            UserId = UserId(ticket) ?? throw new InvalidOperationException("A staff session needs the user's id."),
            Ticket = TicketSerializer.Default.Serialize(ticket),
            CreatedAt = now,
            ExpiresAt = ticket.Properties.ExpiresUtc,
        };
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        db.StaffSessions.Add(session);
        await db.SaveChangesAsync();
        // Sessions that ran out are swept as new ones begin.
        await db.StaffSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();
        return session.Id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var bytes = TicketSerializer.Default.Serialize(ticket);
        var expires = ticket.Properties.ExpiresUtc;
        await db.StaffSessions.Where(s => s.Id == key)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Ticket, bytes).SetProperty(s => s.ExpiresAt, expires));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var found = await (from s in db.StaffSessions
                           join u in db.Users on s.UserId equals u.Id
                           where s.Id == key
                           select new { s.Ticket, s.CreatedAt, u.SecurityStamp }).AsNoTracking().SingleOrDefaultAsync();
        if (found is null)
            return null;
        var ticket = TicketSerializer.Default.Deserialize(found.Ticket);
        var stamp = ticket?.Principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (ticket is null || clock.GetUtcNow() - found.CreatedAt >= AbsoluteLifetime || (found.SecurityStamp is not null && stamp != found.SecurityStamp))
        {
            await db.StaffSessions.Where(s => s.Id == key).ExecuteDeleteAsync();
            return null;
        }
        return ticket;
    }

    public async Task RemoveAsync(string key)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AttuneDbContext>().StaffSessions.Where(s => s.Id == key).ExecuteDeleteAsync();
    }

    private Guid? UserId(AuthenticationTicket ticket) =>
        Guid.TryParse(ticket.Principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType), out var id) ? id : null;
}

public static class StaffSessionSetup
{
    /// <summary>The sign-in cookie keeps its ticket on the server (<see cref="StaffSessionStore"/>).</summary>
    public static IServiceCollection AddStaffSessions(this IServiceCollection services)
    {
        services.AddSingleton<StaffSessionStore>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<StaffSessionStore>((o, store) => o.SessionStore = store);
        return services;
    }
}
