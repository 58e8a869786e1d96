using Attune.Web.Components;

namespace Attune.Web.Tests.Components;

/// <summary>A date typed as day, month, year and time: what is read, and the words for what is not a date.</summary>
public class DateEntryReaderTests
{
    private static DateEntryValue Read(string day, string month, string year, string? time = null) =>
        DateEntryReader.Read(new Dictionary<string, string?> { ["d.day"] = day, ["d.month"] = month, ["d.year"] = year, ["d.time"] = time }.GetValueOrDefault,
            "d", "of the session", withTime: time is not null);

    [Theory]
    [InlineData("14:30", 14, 30)]
    [InlineData("1430", 14, 30)]
    [InlineData("9:05", 9, 5)]
    [InlineData("09.05", 9, 5)]
    [InlineData("2:30 pm", 14, 30)]
    [InlineData("12:15am", 0, 15)]
    [InlineData("12:15 PM", 12, 15)]
    [InlineData(" 23:59 ", 23, 59)]
    public void Times_are_read_on_the_24_hour_clock_or_with_am_and_pm(string time, int hour, int minute) =>
        Assert.Equal(new DateTime(2026, 11, 20, hour, minute, 0), Read("20", "11", "2026", time).Value);

    [Theory]
    [InlineData("", "", "", null, null)]
    [InlineData("", "", "", "", null)]
    [InlineData("0", "11", "2026", null, "Give the day of the session as a number from 1 to 31.")]
    [InlineData("first", "11", "2026", null, "Give the day of the session as a number from 1 to 31.")]
    [InlineData("-3", "11", "2026", null, "Give the day of the session as a number from 1 to 31.")]
    [InlineData("3", "", "2026", null, "Choose the month of the session.")]
    [InlineData("3", "Nov", "2026", null, "Choose the month of the session.")]
    [InlineData("3", "11", "26", null, "Give the year of the session with four digits")]
    [InlineData("29", "2", "2027", null, "February 2027 has 28 days; check the day of the session.")]
    [InlineData("31", "4", "2026", null, "April 2026 has 30 days; check the day of the session.")]
    [InlineData("3", "11", "2026", "", "Give the time of the session on the 24-hour clock, like 14:30.")]
    [InlineData("3", "11", "2026", "24:00", "Give the time of the session on the 24-hour clock, like 14:30.")]
    [InlineData("3", "11", "2026", "13:00 pm", "Give the time of the session on the 24-hour clock, like 14:30.")]
    [InlineData("3", "11", "2026", "10:60", "Give the time of the session on the 24-hour clock, like 14:30.")]
    public void What_is_not_a_date_is_named_part_by_part_and_nothing_is_nothing(string day, string month, string year, string? time, string? problem)
    {
        var read = Read(day, month, year, time);
        Assert.Null(read.Value);
        if (problem is null)
            Assert.True(read.Empty);
        else
            Assert.StartsWith(problem, read.Problem);
    }

    [Fact]
    public void A_leap_day_and_a_date_without_time_are_dates()
    {
        Assert.Equal(new DateTime(2028, 2, 29), Read("29", "2", "2028").Value);
        Assert.Equal(new DateTime(1990, 4, 2), Read("02", "04", "1990").Value);
    }
}
