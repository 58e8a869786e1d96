using System.Security.Claims;
using Attune.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Attune.Web.Features.Integrations;

/// <summary>
/// OAuth 2.0 client credentials for systems (OpenIddict): <c>POST /connect/token</c> gives a short-lived access token
/// for a registered <see cref="ApiClient"/>. Tokens are Data Protection tokens, so they are protected by the same key
/// ring as the rest of Attune (kept in the database, encrypted, rotated) and any node can check them; they are not stored.
/// </summary>
public static class ApiAccess
{
    public const string Policy = "api";
    public const string TokenPath = "/connect/token";
    /// <summary>The registered client a token was issued to; present only on API calls.</summary>
    public const string ClientClaim = "attune_client";
    public const string RateLimit = "token";

    public static IServiceCollection AddAttuneApiAccess(this IServiceCollection services, IConfiguration config)
    {
        var lifetime = TimeSpan.FromMinutes(Math.Clamp(config.GetValue("Api:AccessTokenMinutes", 15), 1, 60));
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<AttuneDbContext>().ReplaceDefaultEntities<Guid>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris(TokenPath.TrimStart('/'));
                o.AllowClientCredentialsFlow();
                o.RegisterScopes([.. ApiScopes.All]);
                o.SetAccessTokenLifetime(lifetime);
                o.DisableTokenStorage();
                o.UseDataProtection();
                // Required by OpenIddict even though Data Protection, not these keys, protects the tokens. Made fresh at
                // each start, and of kinds that take no time to make: ephemeral RSA keys held up the first request of every
                // start by seconds of key generation.
                o.AddEncryptionKey(new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
                o.AddSigningKey(new ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)));
                // Attune speaks plain HTTP behind the reverse proxy that terminates TLS (see the README).
                o.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseDataProtection();
                // The Authorization header only: a token in a query string ends up in logs, and one in a form body
                // would make any form post an API call.
                o.UseAspNetCore().DisableAccessTokenExtractionFromBodyForm().DisableAccessTokenExtractionFromQueryString();
            });
        services.AddScoped<ApiClientRegistry>();
        return services;
    }

    public static AuthorizationBuilder AddApiPolicy(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(ClientClaim)
            // A client removed by an admin, or a staff member locked out, stops at once rather than when the token expires.
            .RequireAssertion(async context =>
            {
                if (context.Resource is not HttpContext http) return false;
                var clientId = context.User.FindFirstValue(ClientClaim);
                if (!Guid.TryParse(context.User.FindFirstValue(Claims.Subject), out var staffId)) return false;
                var db = http.RequestServices.GetRequiredService<AttuneDbContext>();
                var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                // One question to the database, asked at every call; its answer is the staff member the call acts as,
                // whom the request then knows without reading them again (CurrentStaff).
                var staff = await db.Users.AsNoTracking().Where(u => u.Id == staffId && u.ClinicianId != null && (u.LockoutEnd == null || u.LockoutEnd < now)
                    && db.ApiClients.Any(c => c.ClientId == clientId && c.StaffUserId == staffId)).SingleOrDefaultAsync();
                if (staff is null) return false;
                http.RequestServices.GetRequiredService<Security.CurrentStaff>().Know(staff);
                return true;
            }));

    public static bool IsApiCall(HttpContext? http) => http?.User.HasClaim(c => c.Type == ClientClaim) == true;

    public static void MapApiAccessEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(TokenPath, Exchange).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(RateLimit).ExcludeFromDescription();
    }

    /// <summary>
    /// OpenIddict has already checked the client id, the secret and that the scopes asked for are ones the client may
    /// have; this decides who the token speaks for. A client asking for no scope gets all it is allowed.
    /// </summary>
    private static async Task<IResult> Exchange(HttpContext http, AttuneDbContext db, TimeProvider clock, ILogger<ApiClient> logger)
    {
        var request = http.GetOpenIddictServerRequest();
        if (request is null || !request.IsClientCredentialsGrantType())
            return Refuse(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");
        var client = await db.ApiClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == request.ClientId);
        var now = clock.GetUtcNow();
        var staff = client is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == client.StaffUserId);
        if (client is null || staff?.ClinicianId is null || staff.LockoutEnd > now)
            return Refuse(Errors.InvalidClient, "This client is not registered with a staff member who can use the API.");

        var scopes = request.GetScopes();
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, staff.Id.ToString());
        identity.SetClaim(Claims.Name, client.Name);
        identity.SetClaim(ClientClaim, client.ClientId);
        identity.SetScopes(scopes.IsEmpty ? client.Scopes : scopes);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        logger.LogInformation("Access token issued to API client {ApiClientId}", client.ClientId);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
