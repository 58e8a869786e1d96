using System.Text.Json.Serialization;

namespace Attune.Core.Signals;

[JsonConverter(typeof(JsonStringEnumConverter<AlertStatus>))]
public enum AlertStatus { Open, Acknowledged }

/// <summary>
/// A signal a clinician must see, kept until they act on it. One alert per problem: the signal's key is unique per
/// relationship. A risk alert is urgent: it is stored in the same transaction as the answers that raised it, so it
/// cannot be lost, and it stays open until the clinician acknowledges it.
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
        Explanation = signal.Explanation.Length > 500 ? signal.Explanation[..500] : signal.Explanation;
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

    public void Acknowledge(Guid staffUserId, DateTimeOffset at)
    {
        if (Status != AlertStatus.Open)
            throw new DomainRuleException("This alert has already been acknowledged.");
        Status = AlertStatus.Acknowledged;
        AcknowledgedAt = at;
        AcknowledgedBy = staffUserId;
    }
}
