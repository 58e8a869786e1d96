using System.Security.Claims;
using Attune.Data;
using Microsoft.AspNetCore.Identity;

namespace Attune.Web.Features.Account;

/// <summary>
/// Second factors for staff: an authenticator app (TOTP) or a passkey. Admins must use one; a clinic can require one of
/// all staff (<c>Security:RequireSecondFactorForAllStaff</c>). A sign-in made with a code or a passkey carries an
/// "amr" claim that says so (RFC 8176: "mfa", or "pop" for proof of possession of a key); the gate below keeps
/// anyone who must have one and signed in without it on the page where they set one up.
/// </summary>
public static class SecondFactor
{
    public const string MethodClaim = "amr";
    public const string WithCode = "mfa";
    public const string WithPasskey = "pop";
    public const string SetupPath = "/account/security";

    /// <summary>Where to go after signing in: the page asked for, if it is a path on this site, else the caseload.</summary>
    public static string LocalTarget(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") ? url : "/";

    /// <summary>True when this sign-in used an authenticator code or a passkey.</summary>
    public static bool SignedInStrongly(ClaimsPrincipal user) =>
        user.FindAll(MethodClaim).Any(c => c.Value is WithCode or WithPasskey);

    public static bool IsRequiredFor(ClaimsPrincipal user, IConfiguration config) =>
        user.IsInRole(StaffRoles.Admin) || config.GetValue("Security:RequireSecondFactorForAllStaff", false);

    public static async Task<bool> IsRequiredForAsync(StaffUser user, UserManager<StaffUser> users, IConfiguration config) =>
        config.GetValue("Security:RequireSecondFactorForAllStaff", false) || await users.IsInRoleAsync(user, StaffRoles.Admin);

    /// <summary>Whether the account has any second factor: an enabled authenticator app or at least one passkey.</summary>
    public static async Task<bool> HasAnyAsync(StaffUser user, UserManager<StaffUser> users) =>
        await users.GetTwoFactorEnabledAsync(user) || (await users.GetPasskeysAsync(user)).Count > 0;

    /// <summary>
    /// Keeps a signed-in staff member who must use a second factor, and did not sign in with one, on the set-up page;
    /// everything else they ask for is a redirect there (a 403 for the API).
    /// </summary>
    public static IApplicationBuilder UseSecondFactorGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true
            && !SignedInStrongly(user)
            && IsRequiredFor(user, context.RequestServices.GetRequiredService<IConfiguration>())
            && !IsOpenWithoutSecondFactor(context))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
            else
                context.Response.Redirect(SetupPath);
            return;
        }
        await next();
    });

    /// <summary>Whatever anyone may reach (sign-in, static files, client links), the set-up page itself, and signing out.</summary>
    private static bool IsOpenWithoutSecondFactor(HttpContext context)
    {
        var path = context.Request.Path;
        return context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null
            || path.StartsWithSegments(SetupPath) || path.StartsWithSegments("/account/passkey") || path.StartsWithSegments("/logout");
    }
}
