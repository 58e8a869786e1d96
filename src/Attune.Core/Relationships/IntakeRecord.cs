using System.Text.Json.Serialization;

namespace Attune.Core.Relationships;

/// <summary>How the client likes to work (seed 003): several may apply.</summary>
[Flags]
public enum WorkingStyle
{
    None = 0,
    VerbalDiscussion = 1,
    WrittenReflection = 2,
    Experiential = 4,
    VisualAids = 8,
    PhysicalGrounding = 16,
}

[JsonConverter(typeof(JsonStringEnumConverter<Pacing>))]
public enum Pacing { NotSaid, Gentle, Steady, Brisk }

/// <summary>How much input the client wants from the therapist.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TherapistInput>))]
public enum TherapistInput { NotSaid, MostlyListening, Balanced, ActiveGuidance }

/// <summary>The clinician's own first impression of the fit.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FitImpression>))]
public enum FitImpression { NotYet, Promising, Unsure, Concerned }

/// <summary>
/// The intake record of one relationship: the client's concerns, how they like to work, the clinician's first
/// impression of fit, and when the fit was talked about openly. Free text is encrypted by the caller.
/// </summary>
public sealed class IntakeRecord
{
    private IntakeRecord() { }

    public IntakeRecord(Guid relationshipId, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        CreatedAt = at;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    /// <summary>What brings the client, in the clinician's words, encrypted.</summary>
    public string? ProtectedConcerns { get; private set; }
    public WorkingStyle Styles { get; private set; }
    public Pacing Pacing { get; private set; }
    public TherapistInput Input { get; private set; }
    public FitImpression Impression { get; private set; }
    /// <summary>The clinician's words on their first impression, encrypted.</summary>
    public string? ProtectedImpressionNote { get; private set; }
    /// <summary>When the clinician recorded that fit was discussed with the client (the permission structure, seed 004).</summary>
    public DateTimeOffset? FitDiscussedAt { get; private set; }
    /// <summary>What was said when fit was discussed, encrypted.</summary>
    public string? ProtectedFitDiscussion { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public const WorkingStyle AllStyles = WorkingStyle.VerbalDiscussion | WorkingStyle.WrittenReflection | WorkingStyle.Experiential | WorkingStyle.VisualAids | WorkingStyle.PhysicalGrounding;

    public void Update(string? protectedConcerns, WorkingStyle styles, Pacing pacing, TherapistInput input, FitImpression impression, string? protectedImpressionNote, DateTimeOffset at)
    {
        if ((styles & ~AllStyles) != 0 || !Enum.IsDefined(pacing) || !Enum.IsDefined(input) || !Enum.IsDefined(impression))
            throw new DomainRuleException("Choose the preferences from the lists given.");
        ProtectedConcerns = protectedConcerns;
        Styles = styles;
        Pacing = pacing;
        Input = input;
        Impression = impression;
        ProtectedImpressionNote = protectedImpressionNote;
        UpdatedAt = at;
    }

    /// <summary>Records that fit was talked about with the client; saying it again later keeps the latest words.</summary>
    public void FitDiscussed(string? protectedNote, DateTimeOffset at)
    {
        FitDiscussedAt = at;
        ProtectedFitDiscussion = protectedNote;
        UpdatedAt = at;
    }
}
