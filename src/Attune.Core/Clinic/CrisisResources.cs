using System.Text.RegularExpressions;

namespace Attune.Core.Clinic;

/// <summary>
/// The crisis lines every client page, check-in message and safety plan shows: a heading and the services, in order.
/// An installation's defaults (PRODUCT.md's US lines, or its configuration) unless the clinic has its own.
/// </summary>
public sealed partial record CrisisResourceList(string Heading, IReadOnlyList<CrisisLine> Lines)
{
    public const int MaxLines = 12;
    public const int MaxHeading = 100;
    public const int MaxName = 100;
    public const int MaxDetail = 200;
    public const int MaxHref = 300;

    /// <summary>Lists are equal when their heading and lines are (a record's list compares by reference otherwise).</summary>
    public bool Equals(CrisisResourceList? other) =>
        other is not null && Heading == other.Heading && Lines.SequenceEqual(other.Lines);

    public override int GetHashCode() => HashCode.Combine(Heading, Lines.Count);

    /// <summary>
    /// What is wrong, each with the form field it belongs to ("heading", "name-2", "detail-2", "href-2" for the third
    /// line): a heading, at least one line, each line named and described, and a link only to a phone number, a text
    /// message or an https page (a client taps these in a crisis: nothing else may run from them).
    /// </summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        Text(Heading, MaxHeading, "heading", "a heading", problems);
        if (Lines.Count == 0)
            problems.Add(("name-0", "Give at least one crisis line: a client at risk must always see where to turn."));
        if (Lines.Count > MaxLines)
            problems.Add(("name-0", $"Give at most {MaxLines} crisis lines."));
        for (var i = 0; i < Lines.Count; i++)
        {
            var line = Lines[i];
            Text(line.Name, MaxName, $"name-{i}", "the service's name", problems);
            Text(line.Detail, MaxDetail, $"detail-{i}", "how to reach it (for example \"Call or text 988\")", problems);
            if (line.Href is { } href && !IsSafeLink(href))
                problems.Add(($"href-{i}", "A link must be a phone number (tel:988), a text message (sms:741741?body=HOME) or a web page (https://…)."));
        }
        return problems;
    }

    private static void Text(string? value, int limit, string field, string what, List<(string, string)> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
            problems.Add((field, $"Give {what}."));
        else if (value.Length > limit)
            problems.Add((field, $"Keep {what} to {limit} characters (it has {value.Length})."));
    }

    /// <summary>tel: and sms: with a number (an sms: may carry a short message body), or an absolute https address.</summary>
    public static bool IsSafeLink(string href)
    {
        if (href.Length > MaxHref) return false;
        if (PhoneLink().IsMatch(href)) return true;
        return Uri.TryCreate(href, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host)
            && !href.Any(char.IsWhiteSpace);
    }

    [GeneratedRegex(@"^(tel:\+?[0-9]{2,20}|sms:\+?[0-9]{2,20}(\?body=[A-Za-z0-9%+]{1,40})?)$")]
    private static partial Regex PhoneLink();
}

/// <summary>One crisis service: its name, how to reach it, and the link a tap opens (optional).</summary>
public sealed record CrisisLine(string Name, string Detail, string? Href);
