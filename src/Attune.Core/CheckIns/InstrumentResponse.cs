using Attune.Core.Scoring;

namespace Attune.Core.CheckIns;

/// <summary>One completed instrument with its answers and the score worked out when it arrived.</summary>
public sealed class InstrumentResponse
{
    private InstrumentResponse() { }

    public InstrumentResponse(Guid relationshipId, Guid? checkInId, Guid? sessionId, IReadOnlyDictionary<string, decimal?> answers, ScoreResult result, DateTimeOffset completedAt)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        CheckInId = checkInId;
        SessionId = sessionId;
        Instrument = result.Instrument;
        Answers = answers.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value!.Value);
        Score = result.Score;
        Band = result.Band;
        Clinical = result.Clinical;
        IsRisk = result.IsRisk;
        Result = result;
        CompletedAt = completedAt;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid? CheckInId { get; private set; }
    public Guid? SessionId { get; private set; }
    public string Instrument { get; private set; } = "";
    public Dictionary<string, decimal> Answers { get; private set; } = [];
    public decimal Score { get; private set; }
    public string? Band { get; private set; }
    public bool? Clinical { get; private set; }
    public bool IsRisk { get; private set; }
    public ScoreResult Result { get; private set; } = null!;
    /// <summary>Free-text answers, already encrypted by the caller; Attune.Core never sees the plain text stored.</summary>
    public string? ProtectedText { get; private set; }
    public DateTimeOffset CompletedAt { get; private set; }

    public void AttachProtectedText(string? cipherText) => ProtectedText = cipherText;
}
