using System.Globalization;
using System.Text.RegularExpressions;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.WebUtilities;
using Expr = System.Linq.Expressions.Expression;
using Attune.Web.Time;

namespace Attune.Web.Features.Fhir;

/// <summary>A date search value as a range [Start, End) with its prefix.</summary>
public sealed record FhirDateRange(string Prefix, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Narrows a query on an instant (a session's start, a response's completion) to this value.</summary>
    public IQueryable<T> Apply<T>(IQueryable<T> query, System.Linq.Expressions.Expression<Func<T, DateTimeOffset>> at)
    {
        Expr Ge(DateTimeOffset v) => Expr.GreaterThanOrEqual(at.Body, Expr.Constant(v));
        Expr Lt(DateTimeOffset v) => Expr.LessThan(at.Body, Expr.Constant(v));
        var body = Prefix switch
        {
            "eq" => Expr.AndAlso(Ge(Start), Lt(End)),
            "ne" => Expr.OrElse(Lt(Start), Ge(End)),
            "gt" or "sa" => Ge(End),
            "ge" => Ge(Start),
            "lt" or "eb" => Lt(Start),
            "le" => Lt(End),
            _ => throw new InvalidOperationException(Prefix),
        };
        return query.Where(Expr.Lambda<Func<T, bool>>(body, at.Parameters[0]));
    }
}

public sealed record FhirToken(string? System, string? Code);

/// <summary>
/// A search request: its recognised parameters, paging, and the problems found reading it. Values that are
/// malformed are problems (400); parameters Attune does not support are ignored unless the client asks for strict handling.
/// </summary>
public sealed partial class FhirQuery
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public int Count { get; private set; } = FhirSupport.DefaultCount;
    public int Offset { get; private set; }
    public List<string> Problems { get; } = [];
    public List<string> Ignored { get; } = [];

    public static FhirQuery Parse(HttpRequest request, FhirResourceSupport support, ClinicClock clock)
    {
        var query = new FhirQuery();
        var strict = request.Headers["Prefer"].Any(p => p?.Replace(" ", "").Contains("handling=strict", StringComparison.OrdinalIgnoreCase) == true);
        foreach (var (key, values) in request.Query)
        {
            var name = key.Split(':')[0];
            if (key.Contains(':'))
            {
                // Modifiers (:exact, :missing, …) are not supported; a search that used one would match the wrong set.
                query.Problems.Add($"The modifier in '{key}' is not supported.");
                continue;
            }
            if (name == "_count") query.Count = query.Number(values, "_count", 0, FhirSupport.MaxCount) ?? query.Count;
            else if (name == "_offset") query.Offset = query.Number(values, "_offset", 0, 1_000_000) ?? 0;
            else if (FhirSupport.CommonParameters.Contains(name)) { }
            else if (support.Search.FirstOrDefault(p => p.Name == name) is { } parameter)
            {
                query._values[name] = [.. values.OfType<string>()];
                if (parameter.Type == Hl7.Fhir.Model.SearchParamType.Date) query.Dates(name, clock);
            }
            else if (strict) query.Problems.Add($"'{name}' is not a search parameter of {support.Type}; see /fhir/metadata.");
            else query.Ignored.Add(name);
        }
        return query;
    }

    public IReadOnlyList<string> Values(string name) => _values.GetValueOrDefault(name) ?? [];

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Every value given for a parameter (repeats are ANDed by the caller), each split at commas (ORed).</summary>
    public IEnumerable<string[]> Alternatives(string name) => Values(name).Select(v => v.Split(',', StringSplitOptions.TrimEntries));

    public IEnumerable<FhirToken> Tokens(string name) => Alternatives(name).SelectMany(a => a).Select(ParseToken);

    public static FhirToken ParseToken(string value)
    {
        var bar = value.IndexOf('|');
        if (bar < 0) return new FhirToken(null, value);
        var system = value[..bar];
        var code = value[(bar + 1)..];
        return new FhirToken(system, code.Length == 0 ? null : code);
    }

    /// <summary>
    /// The ids a reference parameter names for a resource type ("Patient/…", a bare id, or an absolute URL ending so).
    /// An id that is not one of Attune's can match nothing, so it is left out (an empty set means no match).
    /// </summary>
    public HashSet<Guid>? ReferenceIds(string name, string type)
    {
        if (!Has(name)) return null;
        HashSet<Guid>? result = null;
        foreach (var alternatives in Alternatives(name))
        {
            var ids = alternatives.Select(v => ReferenceId(v, type)).OfType<Guid>().ToHashSet();
            if (result is null) result = ids; else result.IntersectWith(ids);
        }
        return result;
    }

    public static Guid? ReferenceId(string? value, string type)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var marker = type + "/";
        var at = value.LastIndexOf(marker, StringComparison.Ordinal);
        var id = at >= 0 ? value[(at + marker.Length)..] : value;
        var history = id.IndexOf("/_history", StringComparison.Ordinal);
        if (history >= 0) id = id[..history];
        return (at >= 0 || !value.Contains('/')) && Guid.TryParse(id, out var guid) ? guid : null;
    }

    public List<FhirDateRange> Dates(string name, ClinicClock clock)
    {
        var ranges = new List<FhirDateRange>();
        foreach (var value in Values(name))
        {
            if (ParseDate(value, clock) is { } range) ranges.Add(range);
            else Problems.Add($"'{name}={value}' is not a FHIR date: use a prefix (eq, ne, gt, lt, ge, le, sa, eb) and YYYY, YYYY-MM, YYYY-MM-DD or a full date and time.");
        }
        return ranges;
    }

    [GeneratedRegex(@"^(eq|ne|gt|lt|ge|le|sa|eb)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")]
    private static partial Regex DatePattern();

    public static FhirDateRange? ParseDate(string value, ClinicClock clock)
    {
        var m = DatePattern().Match(value);
        if (!m.Success) return null;
        var prefix = m.Groups[1].Success ? m.Groups[1].Value : "eq";
        int Part(int group, int fallback) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : fallback;
        try
        {
            var year = Part(2, 1);
            if (year < 1) return null;
            if (!m.Groups[5].Success)
            {
                // A date without a time is a day (or month, or year) in the clinic's time zone.
                var start = new DateTime(year, Part(3, 1), Part(4, 1));
                var end = m.Groups[4].Success ? start.AddDays(1) : m.Groups[3].Success ? start.AddMonths(1) : start.AddYears(1);
                return new FhirDateRange(prefix, clock.FromLocal(start), clock.FromLocal(end));
            }
            var local = new DateTime(year, Part(3, 1), Part(4, 1), Part(5, 0), Part(6, 0), Part(7, 0));
            var fraction = m.Groups[8].Success ? decimal.Parse(m.Groups[8].Value, CultureInfo.InvariantCulture) : 0m;
            local = local.AddTicks((long)(fraction * TimeSpan.TicksPerSecond));
            var at = !m.Groups[9].Success ? clock.FromLocal(local)
                : m.Groups[9].Value == "Z" ? new DateTimeOffset(local, TimeSpan.Zero)
                : ZoneOffset(m.Groups[9].Value) is { } offset ? new DateTimeOffset(local, offset) : (DateTimeOffset?)null;
            if (at is null) return null;
            var precision = m.Groups[8].Success ? TimeSpan.FromTicks(1) : m.Groups[7].Success ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1);
            return new FhirDateRange(prefix, at.Value.ToUniversalTime(), at.Value.ToUniversalTime() + precision);
        }
        catch (ArgumentException)
        {
            // A day or time out of range (2026-02-30, 25:00), or a date whose range runs past year 9999.
            return null;
        }
    }

    /// <summary>A zone offset of ±hh:mm with real minutes, within the ±14:00 a DateTimeOffset can hold; else null.</summary>
    private static TimeSpan? ZoneOffset(string value)
    {
        var hours = int.Parse(value.AsSpan(1, 2), CultureInfo.InvariantCulture);
        var minutes = int.Parse(value.AsSpan(4, 2), CultureInfo.InvariantCulture);
        if (minutes > 59 || hours * 60 + minutes > 14 * 60) return null;
        var offset = new TimeSpan(hours, minutes, 0);
        return value[0] == '-' ? -offset : offset;
    }

    private int? Number(Microsoft.Extensions.Primitives.StringValues values, string name, int min, int max)
    {
        if (values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min)
            return Math.Min(n, max);
        Problems.Add($"{name} must be one whole number from {min}.");
        return null;
    }

    /// <summary>The same search at another offset, for the Bundle's paging links.</summary>
    public string Link(string baseUrl, string type, int offset)
    {
        var parameters = _values.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))).ToList();
        parameters.Add(new("_count", Count.ToString(CultureInfo.InvariantCulture)));
        parameters.Add(new("_offset", offset.ToString(CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString($"{baseUrl}/{type}", parameters);
    }
}
