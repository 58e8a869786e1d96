using Attune.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>An authenticator app, as a staff member's phone runs it: RFC 6238 codes (Otp.NET) from the account's key.</summary>
public static class Authenticator
{
    public static async Task<bool> IsAdminWithoutSecondFactorAsync(AttuneFactory app, string email)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = await users.FindByEmailAsync(email);
        return user is not null && await users.IsInRoleAsync(user, StaffRoles.Admin)
            && !await users.GetTwoFactorEnabledAsync(user) && (await users.GetPasskeysAsync(user)).Count == 0;
    }

    /// <summary>Turns on the authenticator app for the account directly in the store, as the set-up page would.</summary>
    public static async Task SetUpAsync(AttuneFactory app, string email)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account {email}.");
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
    }

    public static async Task<string> KeyAsync(AttuneFactory app, string email)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account {email}.");
        return await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException($"{email} has no authenticator key.");
    }

    public static async Task<string> CodeAsync(AttuneFactory app, string email) => Code(await KeyAsync(app, email));

    private static readonly Dictionary<string, long> LastStep = [];

    /// <summary>The code of this moment, without using it up (to make a wrong code from).</summary>
    public static string Peek(string key) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);

    /// <summary>
    /// The code an authenticator app shows now for this key; Attune takes each code once, so a second sign-in within the
    /// same 30 seconds gets the next step's code (still inside Attune's window), as a person would wait for the next one.
    /// </summary>
    public static string Code(string key)
    {
        var now = DateTime.UtcNow;
        var step = (long)(now - DateTime.UnixEpoch).TotalSeconds / 30;
        lock (LastStep)
        {
            if (LastStep.TryGetValue(key, out var last) && step <= last)
                step = last + 1;
            LastStep[key] = step;
        }
        return new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UnixEpoch.AddSeconds(step * 30));
    }
}
