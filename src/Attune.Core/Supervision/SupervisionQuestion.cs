namespace Attune.Core.Supervision;

/// <summary>
/// A question a clinician brings to supervision: about their practice in general, one of their clients, or one alert
/// of a client. It sits on their supervisor's agenda until the supervisor answers it in a
/// <see cref="ConsultationNote"/>, or the clinician withdraws it. The question is clinical free text, so Attune.Core
/// holds only its cipher text.
/// </summary>
public sealed class SupervisionQuestion
{
    private SupervisionQuestion() { }

    /// <param name="clinicianId">The clinician who asks (the supervisee).</param>
    /// <param name="supervisorId">Their supervisor when they asked: whose agenda it is on.</param>
    /// <param name="clientId">The client it is about (with <paramref name="relationshipId"/>, the client's episode with this clinician), or null.</param>
    /// <param name="alertId">The alert it is about (of that episode), or null.</param>
    public SupervisionQuestion(Guid organisationId, Guid clinicianId, Guid supervisorId, Guid? clientId, Guid? relationshipId, Guid? alertId,
        string protectedQuestion, Guid by, DateTimeOffset at)
    {
        if ((clientId is null) != (relationshipId is null))
            throw new DomainRuleException("A question about a client names the client's episode too.");
        if (alertId is not null && relationshipId is null)
            throw new DomainRuleException("A question about an alert is about that alert's client.");
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClinicianId = clinicianId;
        SupervisorId = supervisorId;
        ClientId = clientId;
        RelationshipId = relationshipId;
        AlertId = alertId;
        ProtectedQuestion = Require.Present(protectedQuestion, "question");
        AskedBy = by;
        AskedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public Guid SupervisorId { get; private set; }
    public Guid? ClientId { get; private set; }
    public Guid? RelationshipId { get; private set; }
    public Guid? AlertId { get; private set; }
    public string ProtectedQuestion { get; private set; } = "";
    public Guid AskedBy { get; private set; }
    public DateTimeOffset AskedAt { get; private set; }
    /// <summary>When the supervisor first answered it (the consultation note about it was written).</summary>
    public DateTimeOffset? AnsweredAt { get; private set; }
    public DateTimeOffset? WithdrawnAt { get; private set; }

    public bool IsOpen => AnsweredAt is null && WithdrawnAt is null;

    /// <summary>The clinician takes the question off the agenda before it is answered.</summary>
    public void Withdraw(DateTimeOffset at)
    {
        if (AnsweredAt is not null)
            throw new DomainRuleException("The question is already answered; it stays with its consultation note.");
        if (WithdrawnAt is not null)
            throw new DomainRuleException("The question is already withdrawn.");
        WithdrawnAt = at;
    }

    internal void Answer(DateTimeOffset at)
    {
        if (WithdrawnAt is not null)
            throw new DomainRuleException("The clinician withdrew this question; write a consultation note without it.");
        AnsweredAt ??= at;
    }
}
