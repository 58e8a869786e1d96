using Attune.Core.CheckIns;

namespace Attune.Core.Relationships;

public enum FitAnswer { Yes, NotSureYet, No }

/// <summary>What the client said at the fit check.</summary>
public sealed record FitCheckResult(FitAnswer Fit, bool ReferralRequested, DateTimeOffset At)
{
    /// <summary>"Not sure yet" or "No": the clinician should talk about fit.</summary>
    public bool NeedsConversation => Fit != FitAnswer.Yes || ReferralRequested;
}

/// <summary>The fit check after session 3 (PRODUCT.md, "The relationship lifecycle").</summary>
public static class FitCheck
{
    public const string InstrumentId = "fit-check";
    public const int AfterSession = 3;

    public static FitCheckResult? Read(InstrumentResponse response)
    {
        if (response.Instrument != InstrumentId || !response.Answers.TryGetValue("fit", out var fit))
            return null;
        var answer = fit switch { 0 => FitAnswer.Yes, 1 => FitAnswer.NotSureYet, _ => FitAnswer.No };
        var referral = response.Answers.TryGetValue("referral", out var r) && r == 1;
        return new FitCheckResult(answer, referral, response.CompletedAt);
    }

    /// <summary>The latest fit check the client answered, if any.</summary>
    public static FitCheckResult? Latest(IEnumerable<InstrumentResponse> responses) =>
        responses.Where(r => r.Instrument == InstrumentId).OrderByDescending(r => r.CompletedAt).Select(Read).FirstOrDefault(r => r is not null);

    /// <summary>Due once the third session has taken place and no fit check has been answered in this relationship.</summary>
    public static bool IsDue(TherapeuticRelationship relationship, IEnumerable<InstrumentResponse> responses) =>
        relationship.IsOpen
        && relationship.AttendedSessionCount >= AfterSession
        && !responses.Any(r => r.RelationshipId == relationship.Id && r.Instrument == InstrumentId);
}
