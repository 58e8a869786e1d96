using Attune.Core.CheckIns;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Core.Signals;

using static Attune.Core.Tests.Responses;

namespace Attune.Core.Tests;

/// <summary>
/// Issue 22: the evaluator reads a relationship's responses whole only where a rule reads their answers
/// (<see cref="SignalEngine.ReadsWhole"/>); every other response is read as its score and time. Every rule must find
/// exactly the same signals either way, on many varied histories; a rule that starts reading the answers of another
/// measure fails here until that measure is added to <see cref="SignalEngine.AnswersReadFor"/>.
/// </summary>
public class SignalReadingTests
{
    [Fact]
    public void Every_rule_finds_the_same_signals_from_scores_as_from_whole_responses()
    {
        var random = new Random(22);
        var phq9 = Catalog.Get("phq-9");
        var tables = new Dictionary<string, ExpectedResponseTable>
        {
            ["phq-9"] = new(phq9, Enumerable.Range(0, 60).Select(c => new ScoreHistory(Enumerable.Range(0, 12).Select(k => (decimal)Math.Clamp(18 - k + c % 7 - 3, 0, 27)).ToList())).ToList()),
        };
        var fired = new HashSet<SignalKind>();
        var compared = 0;
        for (var history = 0; history < 300; history++)
        {
            var relationship = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0.AddDays(-1));
            var responses = new List<InstrumentResponse>();
            var ratings = new List<ClinicianRating>();
            var weeks = 2 + random.Next(20);
            for (var week = 0; week < weeks; week++)
            {
                var session = Guid.NewGuid();
                responses.Add(Phq9(random.Next(25), week, item9: random.Next(15) == 0 ? 1 + random.Next(3) : 0));
                if (random.Next(3) > 0)
                    responses.Add(Score("gad-7", Answers.Numbered(Enumerable.Range(0, 7).Select(_ => (decimal?)random.Next(4)).ToArray()), week));
                if (random.Next(4) > 0)
                    responses.Add(CcItems(Enumerable.Range(0, 7).Select(_ => 4 + random.Next(7)).ToArray(), week, moment: random.Next(6) == 0 ? random.Next(3) : 0, sessionId: session));
                if (random.Next(3) == 0)
                    responses.Add(Score("srs", Enumerable.Range(1, 4).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => (decimal?)(5 + random.Next(6))), week));
                if (random.Next(3) == 0)
                    responses.Add(Score("core-10", Answers.Numbered(Enumerable.Range(0, 10).Select(i => (decimal?)(i == 5 && random.Next(10) == 0 ? 1 : random.Next(5))).ToArray()), week));
                if (week == 2)
                    responses.Add(Score(FitCheck.InstrumentId, new() { ["heard"] = 7, ["safe"] = 8, ["seen"] = 6, ["fit"] = random.Next(3), ["referral"] = random.Next(2) }, week));
                if (random.Next(3) == 0)
                    ratings.Add(new ClinicianRating(session, 5 + random.Next(6), T0.AddDays(7 * week).AddHours(2), (Reflections.Tension)random.Next(3)));
            }
            var lean = responses.Select(r => SignalEngine.ReadsWhole(r) ? r
                : InstrumentResponse.ScoreOnly(r.Id, r.RelationshipId, r.SessionId, r.Instrument, r.Score, r.CompletedAt)).ToList();
            Assert.Contains(lean, r => r.Answers.Count == 0); // some read as scores
            foreach (var settings in new[] { new SignalSettings(), new SignalSettings { RepairWindowSessions = 2, WaiSrLowBelow = 40, PerceptionGapAtLeast = 2, SrsDropAtLeast = 3 } })
            {
                var now = T0.AddDays(7 * weeks);
                var whole = SignalEngine.Evaluate(new SignalInput(relationship, responses, [], ratings, now, tables, [], "Sam Rivera"), settings, Catalog.Find);
                var scores = SignalEngine.Evaluate(new SignalInput(relationship, lean, [], ratings, now, tables, [], "Sam Rivera"), settings, Catalog.Find);
                Assert.Equal(whole, scores);
                fired.UnionWith(whole.Select(s => s.Kind));
                compared += whole.Count;
            }
        }
        // The histories were varied enough to make the rules that read responses speak.
        Assert.Superset(new HashSet<SignalKind> { SignalKind.Risk, SignalKind.LowAlliance, SignalKind.AllianceDrop, SignalKind.ClientReportedRupture,
            SignalKind.RuptureRepaired, SignalKind.NotOnTrack, SignalKind.FitCheck, SignalKind.PerceptionGap }, fired);
        Assert.True(compared > 1000, $"only {compared} signals compared");
    }

}
