using Attune.Data;
using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace Attune.Web.Features.Account;

/// <summary>
/// Authenticator-app codes (RFC 6238, Otp.NET) that work once. Identity's own provider accepts a code again and again
/// for as long as it is in its window, so a code read over a shoulder or from a phishing page signs in a second time.
/// This one accepts the same window (two 30-second steps either side, for clocks that drift) but remembers the last
/// step it accepted for the account (in Identity's user-token store) and refuses that step and any before it.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider : IUserTwoFactorTokenProvider<StaffUser>
{
    public const string Name = "AttuneAuthenticator";
    private const string Store = "Attune";
    private const string LastStep = "LastAuthenticatorStep";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<StaffUser> manager, StaffUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>Codes come from the person's app, never from Attune.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token.Length != 6 || !token.All(char.IsAsciiDigit))
            return false;
        byte[] secret;
        try
        {
            secret = Base32Encoding.ToBytes(key);
        }
        catch (ArgumentException)
        {
            return false;
        }
        // The wall clock, as the person's phone keeps it (not the app's TimeProvider, which tests move).
        if (!new Totp(secret).VerifyTotp(DateTime.UtcNow, token, out var step, new VerificationWindow(previous: 2, future: 2)))
            return false;
        if (long.TryParse(await manager.GetAuthenticationTokenAsync(user, Store, LastStep), out var last) && step <= last)
            return false;
        // Recorded before the sign-in goes on: of two requests with one code, the store's concurrency stamp lets one win.
        return (await manager.SetAuthenticationTokenAsync(user, Store, LastStep, step.ToString(System.Globalization.CultureInfo.InvariantCulture))).Succeeded;
    }
}
