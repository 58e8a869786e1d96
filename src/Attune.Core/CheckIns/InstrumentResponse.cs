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

    /// <summary>
    /// A stored response as the signal rules read a measure whose answers none of them reads: its id, instrument,
    /// session, score and time, without the answers (empty) or the scoring result (not loaded). Only for responses that
    /// <see cref="Signals.SignalEngine.ReadsWhole"/> says need not be read whole.
    /// </summary>
    public static InstrumentResponse ScoreOnly(Guid id, Guid relationshipId, Guid? sessionId, string instrument, decimal score, DateTimeOffset completedAt) => new()
    {
        Id = id, RelationshipId = relationshipId, SessionId = sessionId, Instrument = instrument, Score = score, CompletedAt = completedAt,
    };

    /// <summary>
    /// The client changed their answers before sending the check-in. A risk answer once given stays flagged
    /// with what was answered, even if it is changed later: the clinician must still see that it was given.
    /// </summary>
    public void Revise(IReadOnlyDictionary<string, decimal?> answers, ScoreResult result, DateTimeOffset at)
    {
        if (result.Instrument != Instrument)
            throw new DomainRuleException("A response can only be revised with answers to the same instrument.");
        var earlier = Result.CriticalFlags.Where(f => result.CriticalFlags.All(n => n.ItemId != f.ItemId));
        Answers = answers.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value!.Value);
        Score = result.Score;
        Band = result.Band;
        Clinical = result.Clinical;
        Result = result with { CriticalFlags = [.. result.CriticalFlags, .. earlier] };
        IsRisk = Result.CriticalFlags.Count > 0;
        CompletedAt = at;
    }
}
