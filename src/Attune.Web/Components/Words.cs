using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Core.Signals;

namespace Attune.Web.Components;

/// <summary>
/// The plain words a person reads for Attune's codes: one place, so that the clinician's pages, the client's record copy
/// and the printouts say the same thing ("In person", never "InPerson").
/// </summary>
public static class Words
{
    public static string Modality(SessionModality m) => m switch
    {
        SessionModality.InPerson => "In person",
        SessionModality.Video => "Video",
        _ => "Phone",
    };

    public static string Attendance(SessionAttendance a) => a switch
    {
        SessionAttendance.Attended => "Attended",
        SessionAttendance.Cancelled => "Cancelled",
        SessionAttendance.NoShow => "No-show",
        _ => "Scheduled",
    };

    public static string Status(AlertStatus s) => s switch
    {
        AlertStatus.Open => "open",
        AlertStatus.Acknowledged => "acknowledged",
        _ => "resolved",
    };

    public static string NoticedBy(Core.Ruptures.NoticedBy n) => n switch
    {
        Core.Ruptures.NoticedBy.ClientReport => "the client said so",
        Core.Ruptures.NoticedBy.ScoreDrop => "a drop in the client's ratings",
        _ => "the clinician noticed it",
    };

    public static string Resolution(RuptureResolution r) => r switch
    {
        RuptureResolution.Ongoing => "still being worked on",
        RuptureResolution.Resolved => "repaired",
        _ => "not repaired",
    };

    /// <summary>An item as a person reads it: its number and its text (its short label, or its number alone, without the clinic's licence file for the text).</summary>
    public static string Item(InstrumentItem item) => $"{item.Id}. {item.Text ?? item.Label ?? "(item text not loaded)"}";

    /// <summary>A response's answers item by item, in the questionnaire's order: the item, and the answer in words with its value.</summary>
    public static IReadOnlyList<(string Item, string Answer)> Answers(InstrumentDefinition? d, IReadOnlyDictionary<string, decimal> answers) =>
        d is null
            ? [.. answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => ($"Item {a.Key}", Number(a.Value)))]
            : [.. d.NumericItems.Where(i => answers.ContainsKey(i.Id)).Select(i => (Item(i), $"{d.AnswerLabel(i, answers[i.Id])} ({Number(answers[i.Id])})"))];

    /// <summary>"1 attended session", "4 attended sessions": a count with its noun, never "session(s)".</summary>
    public static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static string Number(decimal v) => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
