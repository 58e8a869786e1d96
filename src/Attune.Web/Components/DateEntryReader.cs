using System.Globalization;
using System.Text.RegularExpressions;

namespace Attune.Web.Components;

/// <summary>What a <see cref="DateEntry"/> sent: nothing (every part empty), a date (and time), or why it is not one.</summary>
public readonly record struct DateEntryValue(DateTime? Value, string? Problem)
{
    public bool Empty => Value is null && Problem is null;
}

/// <summary>
/// Reads the day, month, year and time of a <see cref="DateEntry"/> from a posted form or a query string. Each
/// problem names the part to fix, in words a clinician reads at a glance; whether a date is required, and which
/// dates make sense (not in the future, not before the answer came), are the action's rules, not the reader's.
/// </summary>
public static partial class DateEntryReader
{
    public static DateEntryValue Read(Func<string, string?> sent, string name, string ofWhat, bool withTime)
    {
        string Part(string part) => (sent($"{name}.{part}") ?? "").Trim();
        var (dayText, monthText, yearText) = (Part("day"), Part("month"), Part("year"));
        var timeText = withTime ? Part("time") : "";
        if (dayText.Length == 0 && monthText.Length == 0 && yearText.Length == 0 && timeText.Length == 0)
            return default;
        if (!int.TryParse(dayText, NumberStyles.None, CultureInfo.InvariantCulture, out var day) || day is < 1 or > 31)
            return new(null, $"Give the day {ofWhat} as a number from 1 to 31.");
        if (!int.TryParse(monthText, NumberStyles.None, CultureInfo.InvariantCulture, out var month) || month is < 1 or > 12)
            return new(null, $"Choose the month {ofWhat}.");
        if (yearText.Length != 4 || !int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year < 1000)
            return new(null, $"Give the year {ofWhat} with four digits, like {DateTime.Today.Year}.");
        if (day > DateTime.DaysInMonth(year, month))
            return new(null, $"{CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month)} {year} has {DateTime.DaysInMonth(year, month)} days; check the day {ofWhat}.");
        var date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
        if (!withTime)
            return new(date, null);
        if (Time(timeText) is not { } time)
            return new(null, $"Give the time {ofWhat} on the 24-hour clock, like 14:30.");
        return new(date + time, null);
    }

    /// <summary>A query string's or form's values by name.</summary>
    public static Func<string, string?> From(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> values)
    {
        var map = values.ToDictionary(v => v.Key, v => v.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return key => map.GetValueOrDefault(key);
    }

    /// <summary>"14:30", "1430", "9:05", "14.30", and "2:30 pm" for those used to a 12-hour clock.</summary>
    private static TimeSpan? Time(string text)
    {
        var m = TimePattern().Match(text);
        if (!m.Success)
            return null;
        var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
        if (m.Groups["half"].Success)
        {
            if (hour is < 1 or > 12)
                return null;
            var pm = m.Groups["half"].Value.StartsWith('p') || m.Groups["half"].Value.StartsWith('P');
            hour = hour % 12 + (pm ? 12 : 0);
        }
        return hour is > 23 || minute > 59 ? null : new TimeSpan(hour, minute, 0);
    }

    [GeneratedRegex(@"^(?<h>\d{1,2})(?:[:.h]?(?<m>\d{2}))\s*(?<half>[ap]\.?m\.?)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TimePattern();
}
