namespace Attune.Core;

/// <summary>
/// How long each piece of free text a person writes may be, counted in characters of the plain text (never of its
/// encrypted form). Declared once here; every page, API and import checks against these, and the forms show them.
/// </summary>
public static class TextLimits
{
    /// <summary>Why the relationship moved to another phase.</summary>
    public const int PhaseReason = 500;

    /// <summary>What the clinician did about an alert when resolving it.</summary>
    public const int AlertNote = 2000;

    /// <summary>The note of a risk review: what was found and done.</summary>
    public const int RiskReviewNote = 4000;

    /// <summary>One part of a safety plan (its lines, one entry per line).</summary>
    public const int SafetyPlanPart = 2000;

    /// <summary>A rupture's note.</summary>
    public const int RuptureNote = 2000;

    /// <summary>A treatment goal, in the client's words.</summary>
    public const int Goal = 1000;

    /// <summary>One level of a goal-attainment scale.</summary>
    public const int GoalLevel = 500;

    /// <summary>Intake text, closing summaries, carry-forward plans and hand-over notes.</summary>
    public const int LifecycleText = 8000;

    /// <summary>A session note.</summary>
    public const int SessionNote = 20_000;

    /// <summary>The clinic's risk protocol, shown with every risk alert (clinic text, not clinical: not encrypted).</summary>
    public const int RiskProtocol = 4000;

    /// <summary>A question a clinician brings to supervision.</summary>
    public const int SupervisionQuestion = 2000;

    /// <summary>A supervisor's consultation note.</summary>
    public const int ConsultationNote = 8000;

    /// <summary>The topics of a supervision session.</summary>
    public const int SupervisionTopics = 4000;

    /// <summary>A growth goal a clinician and their supervisor agree.</summary>
    public const int GrowthGoal = 1000;

    /// <summary>A clinician's reflection on a session.</summary>
    public const int Reflection = 2000;

    /// <summary>Why an admin opened a client's session notes under break-glass access (at least <see cref="BreakGlassReasonMin"/>).</summary>
    public const int BreakGlassReason = 1000;

    /// <summary>The shortest break-glass reason: a sentence, not a word.</summary>
    public const int BreakGlassReasonMin = 20;

    /// <summary>
    /// Checks a required or optional text: trimmed, then within the limit. Returns the trimmed text (null for an empty
    /// optional one), or the message that says what is wrong.
    /// </summary>
    public static (string? Text, string? Problem) Check(string? value, int limit, bool required, string what)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
            return required ? (null, $"Give {what} (1 to {limit} characters).") : (null, null);
        return text.Length > limit ? (null, $"Keep {what} to {limit} characters (it has {text.Length}).") : (text, null);
    }
}
