using Attune.Core.Matching;

namespace Attune.Web.Features.Matching;

/// <summary>How the matching pages read their forms and say a track record in words.</summary>
public static class MatchWords
{
    /// <summary>Words typed as a list ("English, Spanish; ASL"): split at commas and semicolons.</summary>
    public static IReadOnlyList<string> Split(IEnumerable<string?> typed) =>
        typed.SelectMany(t => (t ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();

    /// <summary>A form's values for a criterion: ticked options, or typed words split into a list.</summary>
    public static IReadOnlyList<string> Values(MatchCriterion criterion, Microsoft.Extensions.Primitives.StringValues posted) =>
        criterion.Kind == CriterionKind.Words ? Split(posted) : posted.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToList();

    public static string Class(TrackRecordClass c, int cases, int minimum) => c switch
    {
        TrackRecordClass.Effective => "effective: better than the clinic expects",
        TrackRecordClass.Ineffective => "less effective than the clinic expects",
        TrackRecordClass.Neutral => "as effective as the clinic expects",
        _ => $"not enough cases yet (fewer than {minimum})",
    };

    public static string Cases(int n) => n == 1 ? "1 case" : $"{n} cases";
}
