using System.Buffers.Text;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Identity;

namespace Attune.Web.Features.Account;

/// <summary>Where a staff member's second factors stand, as the security page shows them.</summary>
public sealed record SecondFactorState(StaffUser User, bool IsAdmin, bool Required, bool SignedInStrongly, bool AuthenticatorOn, int RecoveryCodesLeft,
    IList<UserPasskeyInfo> Passkeys, string? PendingKey)
{
    public bool HasAny => AuthenticatorOn || Passkeys.Count > 0;

    /// <summary>
    /// Someone who must use a second factor and has one, but signed in without it, may not add or change factors: that
    /// would let a password alone take over the account.
    /// </summary>
    public bool CanChange => !(Required && HasAny && !SignedInStrongly);
}

/// <summary>
/// The signed-in staff member's own second factors: an authenticator app (with its recovery codes) and passkeys. Each
/// change is audited. Refreshing the sign-in cookie after a change is the page's (it is the browser's sign-in).
/// </summary>
public sealed class SecondFactorActions(UserManager<StaffUser> users, SignInManager<StaffUser> signIn, CurrentStaff staff, AuditTrail audit, AttuneDbContext db,
    IConfiguration config)
{
    public const int MaxPasskeys = 20;
    public const int MaxPasskeyName = 100;
    public const string SignInStronglyFirst = "Sign in with your second factor before changing it.";

    /// <summary>The caller's state; null when the caller is not a signed-in staff member.</summary>
    public async Task<SecondFactorState?> StateAsync()
    {
        if (await users.GetUserAsync(staff.Principal) is not { } user)
            return null;
        var on = await users.GetTwoFactorEnabledAsync(user);
        // A key that is not yet turned on is a set-up under way: it is shown again until it is confirmed.
        return new SecondFactorState(user, await users.IsInRoleAsync(user, StaffRoles.Admin), await SecondFactor.IsRequiredForAsync(user, users, config),
            SecondFactor.SignedInStrongly(staff.Principal), on, on ? await users.CountRecoveryCodesAsync(user) : 0,
            await users.GetPasskeysAsync(user), on ? null : await users.GetAuthenticatorKeyAsync(user));
    }

    /// <summary>Starts (or restarts) setting up an authenticator app: a new key, not yet on.</summary>
    public async Task<ActionResult<string>> StartAuthenticatorAsync()
    {
        var (state, refusal) = await ToChangeAsync();
        if (refusal is not null)
            return refusal;
        if (state!.AuthenticatorOn)
            return Refusal.Conflict("The authenticator app is already on.");
        await users.ResetAuthenticatorKeyAsync(state.User);
        return (await users.GetAuthenticatorKeyAsync(state.User))!;
    }

    /// <summary>Turns the authenticator app on with a code from it; returns the new recovery codes (shown once).</summary>
    public async Task<ActionResult<IReadOnlyList<string>>> ConfirmAuthenticatorAsync(string? code)
    {
        var (state, refusal) = await ToChangeAsync();
        if (refusal is not null)
            return refusal;
        var user = state!.User;
        if (state.AuthenticatorOn)
            return Refusal.Conflict("The authenticator app is already on.");
        if (state.PendingKey is null)
            return Refusal.Conflict("Start the set-up first.");
        var digits = (code ?? "").Replace(" ", "").Replace("-", "");
        if (digits.Length is < 6 or > 8 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits))
            return Refusal.Invalid("Code", "That code does not match. Check the time on your phone is right, and enter the code the app shows now.");
        audit.Staff(user, "enable-authenticator", "StaffAccount", user.Id);
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        await db.SaveChangesAsync();
        return codes;
    }

    /// <summary>Turns the authenticator app off and forgets its key and recovery codes, so neither works again.</summary>
    public async Task<ActionResult<bool>> TurnOffAuthenticatorAsync()
    {
        var (state, refusal) = await ToChangeAsync();
        if (refusal is not null)
            return refusal;
        var user = state!.User;
        if (!state.AuthenticatorOn)
            return Refusal.Conflict("The authenticator app is already off.");
        if (state.Required && state.Passkeys.Count == 0)
            return Refusal.Conflict("Add a passkey first: this account must keep a second factor.");
        audit.Staff(user, "disable-authenticator", "StaffAccount", user.Id);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.RemoveAuthenticationTokenAsync(user, IdentityStoreTokens.Provider, IdentityStoreTokens.AuthenticatorKey);
        await users.RemoveAuthenticationTokenAsync(user, IdentityStoreTokens.Provider, IdentityStoreTokens.RecoveryCodes);
        await db.SaveChangesAsync();
        return true;
    }

    /// <summary>New recovery codes; the old ones stop working.</summary>
    public async Task<ActionResult<IReadOnlyList<string>>> NewRecoveryCodesAsync()
    {
        var (state, refusal) = await ToChangeAsync();
        if (refusal is not null)
            return refusal;
        var user = state!.User;
        if (!state.AuthenticatorOn)
            return Refusal.Conflict("Recovery codes come with the authenticator app; it is off.");
        audit.Staff(user, "new-recovery-codes", "StaffAccount", user.Id);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        await db.SaveChangesAsync();
        return codes;
    }

    /// <summary>Adds the passkey the browser made (its attestation as JSON, or the error the browser gave).</summary>
    public async Task<ActionResult<UserPasskeyInfo>> AddPasskeyAsync(string? credentialJson, string? browserError)
    {
        var (state, refusal) = await ToChangeAsync();
        if (refusal is not null)
            return refusal;
        var user = state!.User;
        if (!string.IsNullOrEmpty(browserError))
            return Refusal.Invalid("Credential", $"No passkey was added: {(browserError.Length > 200 ? browserError[..200] + "…" : browserError)}");
        if (string.IsNullOrEmpty(credentialJson) || credentialJson.Length > 20_000)
            return Refusal.Invalid("Credential", "The browser sent no passkey. Use \"Add a passkey\" with JavaScript turned on.");
        if (state.Passkeys.Count >= MaxPasskeys)
            return Refusal.Conflict($"An account holds at most {MaxPasskeys} passkeys: remove one first.");
        PasskeyAttestationResult attestation;
        try
        {
            attestation = await signIn.PerformPasskeyAttestationAsync(credentialJson);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return Refusal.Invalid("Credential", "That passkey could not be read; nothing was added.");
        }
        if (!attestation.Succeeded)
            return Refusal.Invalid("Credential", $"That passkey was not accepted: {attestation.Failure.Message}");
        var passkey = attestation.Passkey;
        passkey.Name = $"Passkey {state.Passkeys.Count + 1}";
        audit.Staff(user, "add-passkey", "StaffAccount", user.Id);
        if (!(await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded)
            return Refusal.Conflict("The passkey could not be saved.");
        await db.SaveChangesAsync();
        return passkey;
    }

    public async Task<ActionResult<UserPasskeyInfo>> RenamePasskeyAsync(string? credentialId, string? name)
    {
        var (state, passkey, refusal) = await PasskeyToChangeAsync(credentialId);
        if (refusal is not null)
            return refusal;
        var text = (name ?? "").Trim();
        if (text.Length is 0 or > MaxPasskeyName)
            return Refusal.Invalid("Name", $"A passkey's name is 1 to {MaxPasskeyName} characters.");
        passkey!.Name = text;
        audit.Staff(state!.User, "rename-passkey", "StaffAccount", state.User.Id);
        await users.AddOrUpdatePasskeyAsync(state.User, passkey);
        await db.SaveChangesAsync();
        return passkey;
    }

    public async Task<ActionResult<bool>> RemovePasskeyAsync(string? credentialId)
    {
        var (state, passkey, refusal) = await PasskeyToChangeAsync(credentialId);
        if (refusal is not null)
            return refusal;
        if (state!.Required && !state.AuthenticatorOn && state.Passkeys.Count == 1)
            return Refusal.Conflict("This is your only second factor, and this account must keep one: add another passkey or the authenticator app first.");
        audit.Staff(state.User, "remove-passkey", "StaffAccount", state.User.Id);
        await users.RemovePasskeyAsync(state.User, passkey!.CredentialId);
        await db.SaveChangesAsync();
        return true;
    }

    private async Task<(SecondFactorState? State, Refusal? Refusal)> ToChangeAsync()
    {
        var state = await StateAsync();
        if (state is null)
            return (null, Refusal.Forbidden("Sign in first."));
        return state.CanChange ? (state, null) : (state, Refusal.Forbidden(SignInStronglyFirst));
    }

    private async Task<(SecondFactorState? State, UserPasskeyInfo? Passkey, Refusal? Refusal)> PasskeyToChangeAsync(string? credentialId)
    {
        var (state, refusal) = await ToChangeAsync();
        if (refusal is not null)
            return (state, null, refusal);
        byte[] id;
        try { id = Base64Url.DecodeFromChars(credentialId ?? ""); }
        catch (FormatException) { return (state, null, Refusal.Invalid("CredentialId", "That passkey id is not valid.")); }
        var passkey = state!.Passkeys.FirstOrDefault(p => p.CredentialId.AsSpan().SequenceEqual(id));
        return passkey is null ? (state, null, Refusal.NotFound("passkey")) : (state, passkey, null);
    }

    /// <summary>Where Identity's user store keeps the authenticator key and recovery codes (UserStoreBase's names).</summary>
    internal static class IdentityStoreTokens
    {
        public const string Provider = "[AspNetUserStore]";
        public const string AuthenticatorKey = "AuthenticatorKey";
        public const string RecoveryCodes = "RecoveryCodes";
    }
}
