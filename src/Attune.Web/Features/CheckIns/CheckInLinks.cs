using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Attune.Web.Features.CheckIns;

/// <summary>
/// Signed, expiring check-in links. The token carries only the check-in id and its expiry, encrypted and
/// signed by Data Protection; the expiry is checked against the app's clock, and the database enforces
/// single use and the stored expiry as well.
/// </summary>
public sealed class CheckInLinks(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Attune.CheckInLink.v1");

    public string CreateToken(Guid checkInId, DateTimeOffset expiresAt) =>
        _protector.Protect($"{checkInId:N}.{expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}");

    public string PathFor(string token) => $"/c/{token}";

    /// <summary>The check-in id and signed expiry, or null for a token that is tampered with or not ours.</summary>
    public (Guid CheckInId, DateTimeOffset ExpiresAt)? Read(string? token)
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
