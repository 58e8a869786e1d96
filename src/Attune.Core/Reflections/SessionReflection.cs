using System.Text.Json.Serialization;

namespace Attune.Core.Reflections;

/// <summary>"I noticed tension or distance": none, withdrawal or confrontation (the 3RS categories).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Tension>))]
public enum Tension { None, Withdrawal, Confrontation }

/// <summary>
/// The clinician's 30-second reflection after a session (PRODUCT.md): how connected they felt (0–10), any tension or
/// distance they noticed, and an optional note (clinical free text: the caller encrypts it). One per session; a
/// second save revises it. It feeds the perception-gap signal: therapists overestimate the alliance.
/// </summary>
public sealed class SessionReflection
{
    public const int MaxNoteLength = TextLimits.Reflection;

    private SessionReflection() { }

    public SessionReflection(Guid relationshipId, Guid sessionId, Guid clinicianId, int connected, Tension tension, string? protectedNote, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        SessionId = sessionId;
        ClinicianId = clinicianId;
        Revise(connected, tension, protectedNote, at);
        RecordedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid SessionId { get; private set; }
    public Guid ClinicianId { get; private set; }
    /// <summary>"I felt connected with this client today", 0–10.</summary>
    public int Connected { get; private set; }
    public Tension Tension { get; private set; }
    public string? ProtectedNote { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public void Revise(int connected, Tension tension, string? protectedNote, DateTimeOffset at)
    {
        if (connected is < 0 or > 10)
            throw new DomainRuleException("Rate how connected you felt from 0 to 10.");
        if (!Enum.IsDefined(tension))
            throw new DomainRuleException("Choose none, withdrawal or confrontation.");
        Connected = connected;
        Tension = tension;
        ProtectedNote = string.IsNullOrEmpty(protectedNote) ? null : protectedNote;
        UpdatedAt = at;
    }
}
