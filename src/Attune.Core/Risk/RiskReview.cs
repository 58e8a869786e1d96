using System.Text.Json.Serialization;

namespace Attune.Core.Risk;

/// <summary>
/// The risk level the clinician judged, in the three levels of the Suicide Assessment Five-step Evaluation and Triage
/// (SAFE-T; Suicide Prevention Resource Center and SAMHSA, 2009), step 4: low, moderate, high.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<JudgedRiskLevel>))]
public enum JudgedRiskLevel { Low, Moderate, High }

/// <summary>
/// What a clinician did about a risk answer, recorded when they resolve its alert: which steps were taken (contact
/// made, risk assessed with the level judged, safety plan made or reviewed, emergency services, referred), a note in
/// their words (encrypted by the caller), and when the review took place. One per risk alert; it is never edited:
/// a later review is a later alert's.
/// </summary>
public sealed class RiskReview
{
    private RiskReview() { }

    public RiskReview(Guid organisationId, Guid relationshipId, Guid alertId, DateTimeOffset alertRaisedAt,
        bool contactMade, bool riskAssessed, JudgedRiskLevel? level, bool safetyPlan, bool emergencyServices, bool referred,
        string protectedNote, int? safetyPlanVersion, DateTimeOffset reviewedAt, Guid by, DateTimeOffset at)
    {
        if (!(contactMade || riskAssessed || safetyPlan || emergencyServices || referred))
            throw new DomainRuleException("Tick what was done: contact made, risk assessed, safety plan, emergency services or referred.", "steps");
        if (riskAssessed && level is null)
            throw new DomainRuleException("Give the risk level you judged (low, moderate or high).", "level");
        if (level is { } l && !Enum.IsDefined(l))
            throw new DomainRuleException("Give the risk level you judged (low, moderate or high).", "level");
        if (!riskAssessed && level is not null)
            throw new DomainRuleException("A risk level is given with “risk assessed”: tick it, or leave the level empty.", "level");
        // A few minutes' grace either way for clocks and for a review written while the answer was arriving.
        if (reviewedAt > at.AddMinutes(5))
            throw new DomainRuleException("The time of the review cannot be in the future.", "reviewedAt");
        if (reviewedAt < alertRaisedAt.AddMinutes(-5))
            throw new DomainRuleException("The review took place after the answer it is about: give a time after the alert was raised.", "reviewedAt");
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        RelationshipId = relationshipId;
        AlertId = alertId;
        ContactMade = contactMade;
        RiskAssessed = riskAssessed;
        Level = level;
        SafetyPlanMadeOrReviewed = safetyPlan;
        EmergencyServices = emergencyServices;
        Referred = referred;
        ProtectedNote = Require.Present(protectedNote, "note");
        SafetyPlanVersion = safetyPlan ? safetyPlanVersion : null;
        ReviewedAt = reviewedAt;
        RecordedBy = by;
        RecordedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid AlertId { get; private set; }
    public bool ContactMade { get; private set; }
    public bool RiskAssessed { get; private set; }
    /// <summary>The level judged, given when the risk was assessed.</summary>
    public JudgedRiskLevel? Level { get; private set; }
    public bool SafetyPlanMadeOrReviewed { get; private set; }
    public bool EmergencyServices { get; private set; }
    public bool Referred { get; private set; }
    /// <summary>What was found and done, in the clinician's words, encrypted.</summary>
    public string ProtectedNote { get; private set; } = "";
    /// <summary>The safety plan's version current when the review was recorded, when a plan was made or reviewed.</summary>
    public int? SafetyPlanVersion { get; private set; }
    /// <summary>When the review took place (the clinician says; it may be earlier than it was recorded).</summary>
    public DateTimeOffset ReviewedAt { get; private set; }
    public Guid RecordedBy { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }

    /// <summary>The steps taken, in plain words, in the order the form lists them.</summary>
    public IEnumerable<string> Steps()
    {
        if (ContactMade) yield return "contact made";
        if (RiskAssessed) yield return Level is { } l ? $"risk assessed: {LevelName(l)}" : "risk assessed";
        if (SafetyPlanMadeOrReviewed) yield return SafetyPlanVersion is { } v ? $"safety plan made or reviewed (version {v})" : "safety plan made or reviewed";
        if (EmergencyServices) yield return "emergency services";
        if (Referred) yield return "referred";
    }

    public static string LevelName(JudgedRiskLevel level) => level switch
    {
        JudgedRiskLevel.Low => "low",
        JudgedRiskLevel.Moderate => "moderate",
        _ => "high",
    };
}
