using Attune.Core.Goals;
using Attune.Web.Features.Security;

namespace Attune.Web.Features.Goals;

/// <summary>A goal with its texts decrypted, for showing on a page.</summary>
public sealed record GoalView(TreatmentGoal Goal, string Text, string? ClientWords)
{
    public const int MaxLength = 1000;

    public static GoalView Read(TreatmentGoal goal, FreeTextProtector protector) =>
        new(goal, protector.Unprotect(goal.ProtectedText) ?? "", protector.Unprotect(goal.ProtectedClientWords));

    public static string Describe(GoalAgreement agreement) => agreement switch
    {
        GoalAgreement.Proposed => "waiting for the client",
        GoalAgreement.Agreed => "agreed",
        GoalAgreement.ChangeRequested => "client asked for a change",
        _ => "client disagrees",
    };

    /// <summary>Reads a posted answer; unknown values (and "Proposed") are refused rather than bound to a default.</summary>
    public static bool TryAnswer(string? value, out GoalAgreement answer) =>
        Forms.FormChoice.TryParse(value, out answer) && answer != GoalAgreement.Proposed;
}
