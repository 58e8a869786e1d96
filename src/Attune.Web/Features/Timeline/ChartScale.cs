using System.Globalization;

namespace Attune.Web.Features.Timeline;

/// <summary>Maps time and score onto an SVG drawing area (server-drawn charts: no script, the same under any CSP).</summary>
public sealed record ChartScale(DateTimeOffset From, DateTimeOffset To, decimal Min, decimal Max, double Width, double Height, double Left = 36, double Right = 12, double Top = 10, double Bottom = 24)
{
    public double X(DateTimeOffset at)
    {
        var span = (To - From).TotalSeconds;
        var share = span <= 0 ? 0.5 : Math.Clamp((at - From).TotalSeconds / span, 0, 1);
        return Math.Round(Left + share * (Width - Left - Right), 1);
    }

    public double Y(decimal value)
    {
        var span = (double)(Max - Min);
        var share = span <= 0 ? 0.5 : Math.Clamp((double)(value - Min) / span, 0, 1);
        return Math.Round(Height - Bottom - share * (Height - Top - Bottom), 1);
    }

    /// <summary>An SVG text element (Razor reserves the &lt;text&gt; tag), its content encoded.</summary>
    public static Microsoft.AspNetCore.Components.MarkupString Label(double x, double y, string cls, string content, string anchor = "start") =>
        new($"<text class=\"{cls}\" x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\">{System.Net.WebUtility.HtmlEncode(content)}</text>");

    public static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Round values for the score axis, about five of them from the bottom to the top (steps of 1, 2 or 5 × 10ⁿ).</summary>
    public IReadOnlyList<decimal> ValueTicks()
    {
        var span = (double)(Max - Min);
        if (span <= 0) return [Min];
        var raw = span / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = (decimal)(new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * power).First(s => s >= raw));
        var ticks = new List<decimal>();
        for (var v = Math.Ceiling(Min / step) * step; v <= Max; v += step)
            ticks.Add(v);
        return ticks;
    }

    /// <summary>Dates for the time axis: the first, the last and up to <paramref name="between"/> evenly spaced between.</summary>
    public IReadOnlyList<DateTimeOffset> DateTicks(int between = 3) =>
        [.. Enumerable.Range(0, between + 2).Select(i => From + (To - From) * i / (between + 1))];

    /// <summary>An SVG points list.</summary>
    public string Points(IEnumerable<(DateTimeOffset At, decimal Value)> points) =>
        string.Join(' ', points.Select(p => $"{N(X(p.At))},{N(Y(p.Value))}"));
}
