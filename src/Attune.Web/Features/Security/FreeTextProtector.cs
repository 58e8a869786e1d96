using Microsoft.AspNetCore.DataProtection;

namespace Attune.Web.Features.Security;

/// <summary>Encrypts free text (client notes, session notes) before it is stored, with Data Protection keys kept in the database.</summary>
public sealed class FreeTextProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Attune.FreeText.v1");

    public string? Protect(string? text) => string.IsNullOrEmpty(text) ? null : _protector.Protect(text);

    public string? Unprotect(string? cipher) => cipher is null ? null : _protector.Unprotect(cipher);
}
