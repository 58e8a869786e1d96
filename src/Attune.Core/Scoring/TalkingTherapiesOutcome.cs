namespace Attune.Core.Scoring;

/// <summary>Outcome of a course of treatment by the NHS Talking Therapies rules on paired PHQ-9 and GAD-7 scores.</summary>
public sealed record TalkingTherapiesResult
{
    public required bool CaseAtStart { get; init; }
    public required bool CaseAtEnd { get; init; }
    /// <summary>A case at the start, below both cut-offs at the end. Null when not a case at the start.</summary>
    public bool? Recovered { get; init; }
    public required bool ReliableImprovement { get; init; }
    public required bool ReliableDeterioration { get; init; }
    /// <summary>Recovered and reliably improved.</summary>
    public bool? ReliableRecovery { get; init; }
    public required bool Phq9ReliablyImproved { get; init; }
    public required bool Gad7ReliablyImproved { get; init; }
    public required bool Phq9ReliablyDeteriorated { get; init; }
    public required bool Gad7ReliablyDeteriorated { get; init; }
}

public static class TalkingTherapiesOutcome
{
    public const int Phq9Caseness = 10;
    public const int Gad7Caseness = 8;
    public const int Phq9ReliableChange = 6;
    public const int Gad7ReliableChange = 4;

    public static bool IsCase(int phq9, int gad7) => phq9 >= Phq9Caseness || gad7 >= Gad7Caseness;

    public static TalkingTherapiesResult Assess(int phq9Before, int gad7Before, int phq9After, int gad7After)
    {
        Check(phq9Before, 27, nameof(phq9Before));
        Check(phq9After, 27, nameof(phq9After));
        Check(gad7Before, 21, nameof(gad7Before));
        Check(gad7After, 21, nameof(gad7After));

        var phqBetter = phq9Before - phq9After >= Phq9ReliableChange;
        var gadBetter = gad7Before - gad7After >= Gad7ReliableChange;
        var phqWorse = phq9After - phq9Before >= Phq9ReliableChange;
        var gadWorse = gad7After - gad7Before >= Gad7ReliableChange;
        // A reliable change on one measure counts only when the other has not reliably moved the other way.
        var improved = (phqBetter || gadBetter) && !phqWorse && !gadWorse;
        var deteriorated = (phqWorse || gadWorse) && !phqBetter && !gadBetter;
        var caseAtStart = IsCase(phq9Before, gad7Before);
        var caseAtEnd = IsCase(phq9After, gad7After);
        bool? recovered = caseAtStart ? !caseAtEnd : null;

        return new TalkingTherapiesResult
        {
            CaseAtStart = caseAtStart,
            CaseAtEnd = caseAtEnd,
            Recovered = recovered,
            ReliableImprovement = improved,
            ReliableDeterioration = deteriorated,
            ReliableRecovery = recovered is null ? null : recovered.Value && improved,
            Phq9ReliablyImproved = phqBetter,
            Gad7ReliablyImproved = gadBetter,
            Phq9ReliablyDeteriorated = phqWorse,
            Gad7ReliablyDeteriorated = gadWorse,
        };
    }

    private static void Check(int value, int max, string name)
    {
        if (value < 0 || value > max)
            throw new ArgumentOutOfRangeException(name, $"{name} must be 0–{max}; it was {value}.");
    }
}
