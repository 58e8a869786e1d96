using System.Net.Mail;

namespace Attune.Core;

/// <summary>Argument checks that turn bad input into a <see cref="DomainRuleException"/> with a message a user can act on.</summary>
internal static class Require
{
    public static string Text(string? value, string name, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            throw new DomainRuleException($"{Describe(name)} is required.", name);
        if (trimmed.Length > maxLength)
            throw new DomainRuleException($"{Describe(name)} must be at most {maxLength} characters.", name);
        return trimmed;
    }

    /// <summary>A value that must be there, whose length is checked elsewhere (encrypted text: the plain text was checked).</summary>
    public static string Present(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new DomainRuleException($"{Describe(name)} is required.", name) : value;

    public static string? OptionalText(string? value, string name, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(value, name, maxLength);

    public static string? OptionalEmail(string? value)
    {
        var text = OptionalText(value, "email", 254);
        if (text is not null && (!MailAddress.TryCreate(text, out var parsed) || parsed.Address != text))
            throw new DomainRuleException("Email is not a valid address.", "email");
        return text;
    }

    private static string Describe(string name) => name switch
    {
        "displayName" => "Name",
        _ => char.ToUpperInvariant(name[0]) + name[1..],
    };
}
