using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Attune.Web.Features.CheckIns;

/// <summary>
/// Signed, expiring check-in links. The token carries only the check-in id and its expiry, encrypted and
/// signed by Data Protection; the expiry is checked against the app's clock, and the database enforces
/// single use and the stored expiry as well.
/// </summary>
public sealed class CheckInLinks(IDataProtectionProvider provider) : SignedLinks(provider, "Attune.CheckInLink.v1", "/c/");

/// <summary>
/// A link a client opens without an account: one id and an expiry, encrypted and signed by Data Protection
/// under a purpose of its own, so that a token made for one kind of page never opens another.
/// </summary>
public abstract class SignedLinks(IDataProtectionProvider provider, string purpose, string pathPrefix)
{
    private readonly IDataProtector _protector = provider.CreateProtector(purpose);

    public string CreateToken(Guid id, DateTimeOffset expiresAt) =>
        _protector.Protect($"{id:N}.{expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}");

    public string PathFor(string token) => pathPrefix + token;

    /// <summary>The id and signed expiry, or null for a token that is tampered with or not ours.</summary>
    public (Guid Id, DateTimeOffset ExpiresAt)? Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000)
            return null;
        string payload;
        try
        {
            payload = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = payload.Split('.');
        if (parts.Length != 2
            || !Guid.TryParseExact(parts[0], "N", out var id)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
            return null;
        return (id, DateTimeOffset.FromUnixTimeSeconds(expiry));
    }
}
