using System.Text.Json.Serialization;

namespace Attune.Core.Signals;

[JsonConverter(typeof(JsonStringEnumConverter<AlertStatus>))]
public enum AlertStatus { Open, Acknowledged, Resolved }

/// <summary>What the clinician did about an alert, recorded when they resolve it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertAction>))]
public enum AlertAction
{
    TalkedAboutRelationship, ChangedTaskOrGoal, RiskAssessmentDone, SafetyPlanUpdated, ContactedClient,
    Referred, DiscussedInSupervision, NoActionNeeded, Other,
    /// <summary>A risk alert's only way to be resolved: a structured <see cref="Risk.RiskReview"/>.</summary>
    RiskReview,
}

/// <summary>
/// A signal a clinician must see, kept until they act on it: open → acknowledged → resolved with the action taken.
/// One alert per problem: the signal's key is unique per relationship. A risk alert is urgent: it is stored in the
/// same transaction as the answers that raised it, so it cannot be lost; it cannot be snoozed, and it is resolved only
/// by a risk review (what was done, the level judged, a note, the time). Other alerts are resolved with the action
/// taken, and can be snoozed for a while, then come back.
/// </summary>
public sealed class ClinicalAlert
{
    private ClinicalAlert() { }

    public ClinicalAlert(Guid organisationId, Guid relationshipId, Guid clinicianId, Signal signal, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        RelationshipId = relationshipId;
        ClinicianId = clinicianId;
        Kind = signal.Kind;
        Urgent = signal.Urgent;
        ResponseId = signal.ResponseId;
        Key = Require.Text(signal.Key, "key", 100);
        Explanation = Shorten(signal.Explanation);
        CreatedAt = createdAt;
        Status = AlertStatus.Open;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public SignalKind Kind { get; private set; }
    /// <summary>The problem this alert is about (the signal's key): found again, it is this alert, not a new one.</summary>
    public string Key { get; private set; } = "";
    /// <summary>Why the rule fired, in plain words, from scores only (no free text the client wrote).</summary>
    public string Explanation { get; private set; } = "";
    public bool Urgent { get; private set; }
    /// <summary>The response that raised the alert.</summary>
    public Guid? ResponseId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public AlertStatus Status { get; private set; }
    public DateTimeOffset? AcknowledgedAt { get; private set; }
    public Guid? AcknowledgedBy { get; private set; }

    public DateTimeOffset? ResolvedAt { get; private set; }
    public Guid? ResolvedBy { get; private set; }
    public AlertAction? Action { get; private set; }
    /// <summary>What was done, in the clinician's words, encrypted; optional.</summary>
    public string? ProtectedActionNote { get; private set; }
    /// <summary>When newer evidence of the same problem last refreshed it (null: as first raised).</summary>
    public DateTimeOffset? RefreshedAt { get; private set; }
    /// <summary>Hidden from the caseload until then; it comes back by itself.</summary>
    public DateTimeOffset? SnoozedUntil { get; private set; }

    public const int MaxSnoozeDays = 28;

    /// <summary>An explanation as stored: at most 500 characters.</summary>
    private static string Shorten(string explanation) => explanation.Length > 500 ? explanation[..500] : explanation;

    /// <summary>Not resolved and not snoozed at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => Status != AlertStatus.Resolved && (SnoozedUntil is null || SnoozedUntil <= now);

    public void Acknowledge(Guid staffUserId, DateTimeOffset at)
    {
        if (Status != AlertStatus.Open)
            throw new DomainRuleException(Status == AlertStatus.Resolved ? "This alert has already been resolved." : "This alert has already been acknowledged.");
        Status = AlertStatus.Acknowledged;
        AcknowledgedAt = at;
        AcknowledgedBy = staffUserId;
    }

    public void Resolve(Guid staffUserId, AlertAction action, string? protectedNote, DateTimeOffset at)
    {
        if (Status == AlertStatus.Resolved)
            throw new DomainRuleException("This alert has already been resolved.");
        if (!Enum.IsDefined(action))
            throw new DomainRuleException("Choose the action taken from the list.", "action");
        if (Urgent)
            throw new DomainRuleException(RiskReviewNeeded, "action");
        if (action == AlertAction.RiskReview)
            throw new DomainRuleException("A risk review resolves a risk alert; choose the action you took.", "action");
        if (action == AlertAction.Other && string.IsNullOrEmpty(protectedNote))
            throw new DomainRuleException("Say what you did when you choose “Other”.", "note");
        Close(staffUserId, action, protectedNote, at);
    }

    public const string RiskReviewNeeded = "A risk alert is resolved with a risk review: what was done, the risk level you judged, a note and when.";

    /// <summary>Resolves a risk alert with its review: the review's note is the alert's note.</summary>
    public void Resolve(Risk.RiskReview review)
    {
        if (Status == AlertStatus.Resolved)
            throw new DomainRuleException("This alert has already been resolved.");
        if (!Urgent)
            throw new DomainRuleException("A risk review resolves a risk alert; resolve this one with the action you took.");
        if (review.AlertId != Id)
            throw new DomainRuleException("This review is about another alert.");
        Close(review.RecordedBy, AlertAction.RiskReview, review.ProtectedNote, review.RecordedAt);
    }

    private void Close(Guid staffUserId, AlertAction action, string? protectedNote, DateTimeOffset at)
    {
        if (Status == AlertStatus.Open)
        {
            AcknowledgedAt = at;
            AcknowledgedBy = staffUserId;
        }
        Status = AlertStatus.Resolved;
        ResolvedAt = at;
        ResolvedBy = staffUserId;
        Action = action;
        ProtectedActionNote = string.IsNullOrEmpty(protectedNote) ? null : protectedNote;
        SnoozedUntil = null;
    }

    /// <summary>
    /// One alert per problem: a new signal of the same kind while this one is not resolved refreshes it with the newest
    /// evidence; what it said before is returned to be kept in its history. A risk alert is never refreshed: each risk
    /// answer keeps its own alert and its own review.
    /// </summary>
    public AlertEvidence Refresh(Signal signal, DateTimeOffset at)
    {
        if (Urgent || signal.Urgent)
            throw new DomainRuleException("A risk alert is not refreshed: each risk answer has its own alert.");
        if (Status == AlertStatus.Resolved)
            throw new DomainRuleException("This alert has already been resolved; a new signal opens a new alert.");
        if (signal.Kind != Kind)
            throw new DomainRuleException("Only a signal of the same kind refreshes an alert.");
        var earlier = new AlertEvidence(Id, Key, Explanation, ResponseId, RefreshedAt ?? CreatedAt);
        Key = Require.Text(signal.Key, "key", 100);
        Explanation = Shorten(signal.Explanation);
        ResponseId = signal.ResponseId;
        RefreshedAt = at;
        return earlier;
    }

    public void Snooze(DateTimeOffset until, DateTimeOffset at)
    {
        if (Urgent)
            throw new DomainRuleException("A risk alert cannot be snoozed: contact the client and resolve it with the action taken.");
        if (Status == AlertStatus.Resolved)
            throw new DomainRuleException("This alert has already been resolved.");
        if (until <= at || until > at.AddDays(MaxSnoozeDays))
            throw new DomainRuleException($"Snooze for between one day and {MaxSnoozeDays} days.", "days");
        SnoozedUntil = until;
    }
}

/// <summary>What an alert said before newer evidence of the same problem refreshed it: its history.</summary>
public sealed class AlertEvidence
{
    private AlertEvidence() { }

    internal AlertEvidence(Guid alertId, string key, string explanation, Guid? responseId, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        AlertId = alertId;
        Key = key;
        Explanation = explanation;
        ResponseId = responseId;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid AlertId { get; private set; }
    /// <summary>The problem key it had: found again, it is this alert, not a new one.</summary>
    public string Key { get; private set; } = "";
    public string Explanation { get; private set; } = "";
    public Guid? ResponseId { get; private set; }
    /// <summary>When this evidence was the alert's newest.</summary>
    public DateTimeOffset At { get; private set; }
}
