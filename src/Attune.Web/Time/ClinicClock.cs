namespace Attune.Web.Time;

/// <summary>The clinic's wall clock: times are stored in UTC and shown and entered in the clinic's time zone (Clinic:TimeZone).</summary>
public sealed class ClinicClock
{
    public ClinicClock(IConfiguration config, TimeProvider time)
    {
        Time = time;
        var id = config["Clinic:TimeZone"];
        Zone = string.IsNullOrWhiteSpace(id) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(id);
    }

    public TimeProvider Time { get; }
    public TimeZoneInfo Zone { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public DateTime ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    public string Format(DateTimeOffset at) => ToLocal(at).ToString("d MMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public string FormatDate(DateTimeOffset at) => ToLocal(at).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public DateTimeOffset FromLocal(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, Zone), TimeSpan.Zero);
    }
}
