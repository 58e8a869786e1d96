using Attune.Data;
using Microsoft.AspNetCore.Identity;

namespace Attune.Web.Features.Account;

public static class AccountSetup
{
    /// <summary>Staff accounts: ASP.NET Core Identity with passkeys, the sign-in cookie, and invitations to choose a password.</summary>
    public static IServiceCollection AddStaffAccounts(this IServiceCollection services, IConfiguration config)
    {
        services.AddIdentityCore<StaffUser>(o =>
            {
                o.Password.RequiredLength = 12;
                // Length over composition rules (NIST SP 800-63B).
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
                // Authenticator codes work once (the default provider accepts a code again within its window).
                o.Tokens.AuthenticatorTokenProvider = OneTimeAuthenticatorTokenProvider.Name;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AttuneDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<OneTimeAuthenticatorTokenProvider>(OneTimeAuthenticatorTokenProvider.Name);
        // Passkeys: the browser must verify the person (fingerprint, face or PIN) and keep the key (discoverable), so one
        // passkey is both factors and sign-in needs no email. ServerDomain is the site's host name unless set.
        services.Configure<IdentityPasskeyOptions>(o =>
        {
            o.UserVerificationRequirement = "required";
            o.ResidentKeyRequirement = "required";
            config.GetSection("Passkeys").Bind(o);
        });
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        // Every half hour the cookie's principal is rebuilt from the database (security stamp check); keep how the
        // sign-in was made (the "amr" claims), or the second-factor rule would lose track of it.
        services.Configure<SecurityStampValidatorOptions>(o => o.OnRefreshingPrincipal = context =>
        {
            if (context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity && context.CurrentPrincipal is { } current)
                foreach (var claim in current.FindAll(SecondFactor.MethodClaim))
                    if (!identity.HasClaim(claim.Type, claim.Value))
                        identity.AddClaim(new System.Security.Claims.Claim(claim.Type, claim.Value));
            return Task.CompletedTask;
        });
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/denied";
            o.Cookie.Name = "attune.staff";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // APIs answer 401/403 instead of redirecting to the login page.
            o.Events.OnRedirectToLogin = c => Challenge(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => Challenge(c, StatusCodes.Status403Forbidden);
        });
        services.AddStaffSessions();
        services.AddScoped<StaffInvitations>();
        services.AddScoped<SecondFactorActions>();
        // Invitation (set-password) links last a week.
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromDays(7));
        return services;
    }

    private static Task Challenge(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status) =>
        AttuneHost.Challenge(context, status);
}
