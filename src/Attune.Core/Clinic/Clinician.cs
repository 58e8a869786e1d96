namespace Attune.Core.Clinic;

/// <summary>A therapist in an organisation. Staff log-in accounts point at one of these.</summary>
public sealed class Clinician
{
    private Clinician() { }

    public Clinician(Guid organisationId, string displayName, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        DisplayName = Require.Text(displayName, nameof(displayName), 200);
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string DisplayName { get; private set; } = "";
    /// <summary>The clinician's supervisor, when they have one.</summary>
    public Guid? SupervisorId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public void AssignSupervisor(Clinician supervisor)
    {
        if (supervisor.OrganisationId != OrganisationId)
            throw new DomainRuleException("A supervisor must belong to the same organisation.");
        if (supervisor.Id == Id)
            throw new DomainRuleException("A clinician cannot supervise themselves.");
        SupervisorId = supervisor.Id;
    }

    public void RemoveSupervisor() => SupervisorId = null;

    public void Rename(string displayName) => DisplayName = Require.Text(displayName, nameof(displayName), 200);
}
