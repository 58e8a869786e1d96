namespace Attune.Core.Supervision;

/// <summary>
/// A supervisor's consultation note for one supervisee: the answer to a question they brought, or a note of its own;
/// about one of the supervisee's clients or about their practice. Versioned like a session note: a revision adds a
/// version and keeps the earlier ones. The supervisee reads it. The text is clinical free text, so Attune.Core holds
/// only cipher text.
/// </summary>
public sealed class ConsultationNote
{
    private readonly List<ConsultationNoteVersion> _versions = [];

    private ConsultationNote() { }

    /// <summary>A note answering <paramref name="question"/>: about what the question is about.</summary>
    public static ConsultationNote Answering(SupervisionQuestion question, Guid supervisorId, string protectedText, Guid by, DateTimeOffset at)
    {
        if (question.SupervisorId != supervisorId)
            throw new DomainRuleException("Only the supervisor the question was brought to answers it.");
        question.Answer(at);
        return new ConsultationNote(question.OrganisationId, question.ClinicianId, supervisorId, question.Id, question.ClientId, question.RelationshipId, protectedText, by, at);
    }

    /// <param name="clinicianId">The supervisee the note is for.</param>
    /// <param name="supervisorId">The supervisor who writes it.</param>
    /// <param name="clientId">The client it is about (with the client's episode with the supervisee), or null.</param>
    public ConsultationNote(Guid organisationId, Guid clinicianId, Guid supervisorId, Guid? questionId, Guid? clientId, Guid? relationshipId,
        string protectedText, Guid by, DateTimeOffset at)
    {
        if ((clientId is null) != (relationshipId is null))
            throw new DomainRuleException("A note about a client names the client's episode too.");
        if (clinicianId == supervisorId)
            throw new DomainRuleException("A consultation note is written by the supervisor for a supervisee.");
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClinicianId = clinicianId;
        SupervisorId = supervisorId;
        QuestionId = questionId;
        ClientId = clientId;
        RelationshipId = relationshipId;
        CreatedAt = at;
        Revise(protectedText, by, at);
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public Guid SupervisorId { get; private set; }
    public Guid? QuestionId { get; private set; }
    public Guid? ClientId { get; private set; }
    public Guid? RelationshipId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public IReadOnlyList<ConsultationNoteVersion> Versions => _versions;
    public ConsultationNoteVersion Current => _versions.MaxBy(v => v.Number)!;

    /// <summary>A new version; the earlier ones stay as they were.</summary>
    public ConsultationNoteVersion Revise(string protectedText, Guid by, DateTimeOffset at)
    {
        var version = new ConsultationNoteVersion(Id, _versions.Count + 1, Require.Present(protectedText, "note"), by, at);
        _versions.Add(version);
        return version;
    }
}

public sealed class ConsultationNoteVersion : Notes.NoteVersion
{
    private ConsultationNoteVersion() { }

    internal ConsultationNoteVersion(Guid noteId, int number, string protectedText, Guid by, DateTimeOffset at) : base(noteId, number, protectedText, by, at) { }
}
