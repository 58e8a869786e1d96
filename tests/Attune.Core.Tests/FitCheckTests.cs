using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;

namespace Attune.Core.Tests;

public class FitCheckTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.BuiltIn();
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static InstrumentResponse Answer(TherapeuticRelationship r, int fit, int? referral = null, int days = 0)
    {
        var answers = new Dictionary<string, decimal?> { ["heard"] = 7, ["safe"] = 8, ["seen"] = 6, ["fit"] = fit, ["referral"] = referral };
        var outcome = InstrumentScorer.Score(Catalog.Get(FitCheck.InstrumentId), answers);
        Assert.True(outcome.IsValid, string.Join("; ", outcome.Errors.Select(e => e.Message)));
        return new InstrumentResponse(r.Id, null, null, answers, outcome.Result!, T0.AddDays(days));
    }

    [Fact]
    public void The_fit_check_scores_heard_safe_and_seen_as_a_mean()
    {
        var r = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0);
        Assert.Equal(7.0m, Answer(r, fit: 0).Score); // (7 + 8 + 6) / 3
    }

    [Theory]
    [InlineData(0, null, FitAnswer.Yes, false, false)]
    [InlineData(1, null, FitAnswer.NotSureYet, false, true)]
    [InlineData(2, 0, FitAnswer.No, false, true)]
    [InlineData(2, 1, FitAnswer.No, true, true)]
    [InlineData(1, 1, FitAnswer.NotSureYet, true, true)]
    public void Not_sure_or_no_asks_for_a_conversation(int fit, int? referral, FitAnswer expected, bool referralRequested, bool talk)
    {
        var r = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0);
        var result = FitCheck.Read(Answer(r, fit, referral))!;
        Assert.Equal(expected, result.Fit);
        Assert.Equal(referralRequested, result.ReferralRequested);
        Assert.Equal(talk, result.NeedsConversation);
    }

    [Fact]
    public void Due_after_the_third_attended_session_until_answered()
    {
        var r = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0);
        r.RecordSession(T0, SessionModality.InPerson, SessionAttendance.Attended);
        r.RecordSession(T0.AddDays(7), SessionModality.InPerson, SessionAttendance.Attended);
        r.RecordSession(T0.AddDays(14), SessionModality.InPerson, SessionAttendance.NoShow);
        Assert.False(FitCheck.IsDue(r, []));
        r.RecordSession(T0.AddDays(21), SessionModality.InPerson, SessionAttendance.Attended);
        Assert.True(FitCheck.IsDue(r, []));
        var answered = Answer(r, fit: 1, days: 22);
        Assert.False(FitCheck.IsDue(r, [answered]));
        Assert.Equal(FitAnswer.NotSureYet, FitCheck.Latest([answered, Answer(r, 0, days: 1)])!.Fit);
    }
}
