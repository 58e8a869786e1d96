namespace Attune.Core.Notes;

/// <summary>
/// The clinician's note on one session. Versioned: an edit adds a version and keeps every earlier one. The text is
/// clinical free text, so the caller encrypts it and Attune.Core holds only cipher text. Only the clinician reads it,
/// and their supervisor when the clinician shares it.
/// </summary>
public sealed class SessionNote
{
    public const int MaxLength = TextLimits.SessionNote;

    private readonly List<SessionNoteVersion> _versions = [];

    private SessionNote() { }

    public SessionNote(Guid relationshipId, Guid sessionId, Guid clinicianId, string protectedText, bool sharedWithSupervisor, Guid by, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        SessionId = sessionId;
        ClinicianId = clinicianId;
        CreatedAt = at;
        Revise(protectedText, sharedWithSupervisor, by, at);
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid SessionId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public bool SharedWithSupervisor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public IReadOnlyList<SessionNoteVersion> Versions => _versions;
    public SessionNoteVersion Current => _versions.MaxBy(v => v.Number)!;

    /// <summary>A new version; the earlier ones stay as they were.</summary>
    public SessionNoteVersion Revise(string protectedText, bool sharedWithSupervisor, Guid by, DateTimeOffset at)
    {
        var version = new SessionNoteVersion(Id, _versions.Count + 1, Require.Present(protectedText, "note"), by, at);
        _versions.Add(version);
        SharedWithSupervisor = sharedWithSupervisor;
        return version;
    }
}

/// <summary>
/// One version of a versioned clinical text (a session note, a consultation note): its number, the cipher text, who
/// wrote it and when. Each kind of note keeps its versions in its own table.
/// </summary>
public abstract class NoteVersion
{
    protected NoteVersion() { }

    protected NoteVersion(Guid noteId, int number, string protectedText, Guid by, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        NoteId = noteId;
        Number = number;
        ProtectedText = protectedText;
        By = by;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid NoteId { get; private set; }
    public int Number { get; private set; }
    public string ProtectedText { get; private set; } = "";
    public Guid By { get; private set; }
    public DateTimeOffset At { get; private set; }
}

public sealed class SessionNoteVersion : NoteVersion
{
    private SessionNoteVersion() { }

    internal SessionNoteVersion(Guid noteId, int number, string protectedText, Guid by, DateTimeOffset at) : base(noteId, number, protectedText, by, at) { }
}
