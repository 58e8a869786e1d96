namespace Attune.Core.Matching;

/// <summary>
/// What a clinician may want from supervision and a supervisor offers (issue 19, point 6): areas in the supervisor's own
/// words, approaches, how they meet and when. Matched by the same filter-and-rank as clients and therapists
/// (<see cref="MatchRanking"/>), without a track record.
/// </summary>
public static class SupervisionCriteria
{
    private static CriterionOption O(string value, string label, string offered) => new(value, label, offered);

    public static readonly MatchCriterion Areas = new("areas", "What would you like help with in supervision (for example trauma work, risk, couples, licensure hours)?",
        "Areas", CriterionKind.Words, [], "supervises {0}");

    public static readonly MatchCriterion Approach = MatchCriteria.Approach with { Question = "Which approaches should your supervisor know well?" };

    public static readonly MatchCriterion Modality = new("modality", "How would you like to meet for supervision?", "In person or online", CriterionKind.Options,
    [
        O("InPerson", "In person", "meets in person"),
        O("Video", "Video", "supervises by video"),
        O("Phone", "Phone", "supervises by phone"),
    ], "{0}");

    public static readonly MatchCriterion Times = new("times", "When can you meet for supervision?", "Times", CriterionKind.Options,
    [
        O("weekday-mornings", "Weekday mornings", "is free on weekday mornings"),
        O("weekday-afternoons", "Weekday afternoons", "is free on weekday afternoons"),
        O("weekday-evenings", "Weekday evenings", "is free on weekday evenings"),
        O("weekends", "Weekends", "is free at weekends"),
    ], "{0}");

    public static readonly IReadOnlyList<MatchCriterion> All = [Areas, Approach, Modality, Times];

    public static MatchCriterion? Find(string key) => All.FirstOrDefault(c => c.Key == key);
}
