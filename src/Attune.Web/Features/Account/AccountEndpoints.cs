using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Attune.Web.Features.Account;

public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // Binding a form value makes the endpoint validate the antiforgery token.
        app.MapPost("/logout", async ([FromForm] string? returnUrl, SignInManager<StaffUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/login");
        }).WithName("Logout");

        // WebAuthn options for passkeys.js. The antiforgery token comes in a header, as the body is empty; the state of
        // the ceremony is kept by Identity in an encrypted cookie and checked when the credential comes back.
        app.MapPost("/account/passkey/creation-options", async (HttpContext context, UserManager<StaffUser> users,
            SignInManager<StaffUser> signIn, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
                return Results.Problem("The page's antiforgery token is missing or stale: reload the page.", statusCode: 400);
            var user = await users.GetUserAsync(context.User);
            if (user is null) return Results.NotFound();
            var options = await signIn.MakePasskeyCreationOptionsAsync(new()
            {
                Id = user.Id.ToString(),
                Name = user.UserName ?? user.Email ?? user.Id.ToString(),
                DisplayName = string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName ?? "Attune staff" : user.DisplayName,
            });
            return Results.Content(options, "application/json");
        }).WithName("PasskeyCreationOptions");

        // No user is named: the browser offers any passkey it holds for this site (passkeys are made discoverable), so the
        // answer says nothing about which addresses have accounts.
        app.MapPost("/account/passkey/request-options", async (HttpContext context, SignInManager<StaffUser> signIn, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
                return Results.Problem("The page's antiforgery token is missing or stale: reload the page.", statusCode: 400);
            var options = await signIn.MakePasskeyRequestOptionsAsync(null);
            return Results.Content(options, "application/json");
        }).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).WithName("PasskeyRequestOptions");
    }
}
