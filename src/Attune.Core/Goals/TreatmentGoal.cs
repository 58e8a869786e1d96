using System.Text.Json.Serialization;

namespace Attune.Core.Goals;

[JsonConverter(typeof(JsonStringEnumConverter<GoalKind>))]
public enum GoalKind { Goal, Task }

/// <summary>Where agreement on a goal stands (PRODUCT.md: goals and tasks are mutually agreed).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GoalAgreement>))]
public enum GoalAgreement { Proposed, Agreed, ChangeRequested, Disagreed }

/// <summary>
/// A goal or task the clinician drafts and the client agrees to, asks to change, or disagrees with, in their own
/// words. The texts are clinical free text: the caller encrypts them, and Attune.Core only holds cipher text.
/// </summary>
public sealed class TreatmentGoal
{
    private TreatmentGoal() { }

    public TreatmentGoal(Guid relationshipId, GoalKind kind, string protectedText, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        Kind = kind;
        ProtectedText = Require.Present(protectedText, "text");
        CreatedAt = createdAt;
        Agreement = GoalAgreement.Proposed;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public GoalKind Kind { get; private set; }
    /// <summary>The goal as the clinician worded it, encrypted.</summary>
    public string ProtectedText { get; private set; } = "";
    public GoalAgreement Agreement { get; private set; }
    /// <summary>What the client said about it, in their own words, encrypted; null when they said nothing.</summary>
    public string? ProtectedClientWords { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RespondedAt { get; private set; }
    public DateTimeOffset? RevisedAt { get; private set; }
    /// <summary>
    /// Goal Attainment Scaling: the five level descriptions (−2 … +2, 0 = the expected outcome), encrypted by the
    /// caller as one text; null when the goal has no scale.
    /// </summary>
    public string? ProtectedScale { get; private set; }
    /// <summary>The goal's weight in the T-score (1 unless the clinician and client weight goals).</summary>
    public double Weight { get; private set; } = 1;

    public bool HasScale => ProtectedScale is not null;

    /// <summary>Sets (or rewrites) the attainment levels and the weight.</summary>
    public void SetScale(string protectedScale, double weight)
    {
        if (!(weight is >= GoalAttainment.MinWeight and <= GoalAttainment.MaxWeight))
            throw new DomainRuleException($"A goal's weight is from {GoalAttainment.MinWeight} to {GoalAttainment.MaxWeight}.", "weight");
        ProtectedScale = Require.Present(protectedScale, "levels");
        Weight = weight;
    }

    /// <summary>A rating of where the goal stands now, on its scale.</summary>
    public GoalLevelRating Rate(int level, DateTimeOffset at, Guid? sessionId = null)
    {
        if (!HasScale)
            throw new DomainRuleException("Describe the goal's levels (−2 to +2) before rating it.");
        if (level is < -2 or > 2)
            throw new DomainRuleException("A goal's level is from −2 to +2.", "level");
        return new GoalLevelRating(Id, level, at, sessionId);
    }

    /// <summary>A disagreement, or a request for a change not yet acted on: something to talk about.</summary>
    public bool NeedsConversation => Agreement is GoalAgreement.ChangeRequested or GoalAgreement.Disagreed;

    /// <summary>The client's answer. Agreement is only asked of a proposed goal; an answered one is revised first.</summary>
    public void Respond(GoalAgreement answer, string? protectedWords, DateTimeOffset at)
    {
        if (answer == GoalAgreement.Proposed)
            throw new DomainRuleException("Choose whether you agree, would like a change, or disagree.", "answer");
        if (Agreement != GoalAgreement.Proposed)
            throw new DomainRuleException("You have already answered about this goal; your therapist will talk it through with you.");
        Agreement = answer;
        ProtectedClientWords = protectedWords;
        RespondedAt = at;
    }

    /// <summary>The clinician rewords the goal (after a requested change, say); it goes back to the client to agree.</summary>
    public void Revise(string protectedText, DateTimeOffset at)
    {
        ProtectedText = Require.Present(protectedText, "text");
        Agreement = GoalAgreement.Proposed;
        RevisedAt = at;
    }
}
