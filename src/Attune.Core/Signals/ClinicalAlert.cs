using System.Text.Json.Serialization;

namespace Attune.Core.Signals;

[JsonConverter(typeof(JsonStringEnumConverter<AlertKind>))]
public enum AlertKind { Risk }

[JsonConverter(typeof(JsonStringEnumConverter<AlertStatus>))]
public enum AlertStatus { Open, Acknowledged }

/// <summary>
/// Something a clinician must see. A risk alert is urgent: it is stored in the same transaction as the
/// answers that raised it, so it cannot be lost, and it stays open until the clinician acknowledges it.
/// </summary>
public sealed class ClinicalAlert
{
    private ClinicalAlert() { }

    public ClinicalAlert(Guid organisationId, Guid relationshipId, Guid clinicianId, AlertKind kind, bool urgent, Guid? responseId, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        RelationshipId = relationshipId;
        ClinicianId = clinicianId;
        Kind = kind;
        Urgent = urgent;
        ResponseId = responseId;
        CreatedAt = createdAt;
        Status = AlertStatus.Open;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public AlertKind Kind { get; private set; }
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
