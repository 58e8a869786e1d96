using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Attune.Web.Features.CheckIns;

/// <summary>
/// Signed, expiring check-in links. The token carries only the check-in id and its expiry, encrypted and
/// signed by Data Protection; the expiry is checked against the app's clock, and the database enforces
/// single use and the stored expiry as well.
/// </summary>
public sealed class CheckInLinks(IDataProtectionProvider provider) : SignedLinks(provider, "Attune.CheckInLink.v1", "/c/")
{
    /// <summary>The path of the check-in's current link (its <see cref="Core.CheckIns.CheckIn.LinkVersion"/>).</summary>
    public string PathFor(Core.CheckIns.CheckIn checkIn) => PathFor(CreateToken(checkIn.Id, checkIn.ExpiresAt, checkIn.LinkVersion));
}

/// <summary>
/// A link a client opens without an account: one id, an expiry and a version (a link sent again gets the next one),
/// encrypted and signed by Data Protection under a purpose of its own, so that a token made for one kind of page never
/// opens another.
/// </summary>
public abstract class SignedLinks(IDataProtectionProvider provider, string purpose, string pathPrefix)
{
    private readonly IDataProtector _protector = provider.CreateProtector(purpose);

    public string CreateToken(Guid id, DateTimeOffset expiresAt, int version = 0) =>
        _protector.Protect($"{id:N}.{expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}" +
                           (version == 0 ? "" : "." + version.ToString(CultureInfo.InvariantCulture)));

    public string PathFor(string token) => pathPrefix + token;

    /// <summary>The id, signed expiry and version, or null for a token that is tampered with or not ours.</summary>
    public (Guid Id, DateTimeOffset ExpiresAt, int Version)? Read(string? token)
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
        var version = 0;
        if (parts.Length is < 2 or > 3
            || !Guid.TryParseExact(parts[0], "N", out var id)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || expiry > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out version)))
            return null;
        return (id, DateTimeOffset.FromUnixTimeSeconds(expiry), version);
    }
}
