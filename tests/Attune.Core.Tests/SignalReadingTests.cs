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

    /// <summary>
    /// Issue 22: of a long series of scores the evaluator reads only the first and the latest few (a <see cref="SeriesWindow"/>),
    /// and the whole series only when a run of off-track scores reaches back past them
    /// (<see cref="NotOnTrackRule.NeedsWholeSeries"/>). Every rule must find the same signals from that window as from
    /// every response, on long histories with long off-track runs, risk answers inside and outside the window, and
    /// measures of every kind.
    /// </summary>
    [Fact]
    public void Every_rule_finds_the_same_signals_from_the_latest_scores_as_from_the_whole_history()
    {
        const int latest = 8;
        var random = new Random(2222);
        var phq9 = Catalog.Get("phq-9");
        // Expectations from clinic history up to the 60th measurement, so that long off-track runs are possible.
        var tables = new Dictionary<string, ExpectedResponseTable>
        {
            ["phq-9"] = new(phq9, Enumerable.Range(0, 40).Select(c => new ScoreHistory(Enumerable.Range(0, 60).Select(k => (decimal)Math.Clamp(18 - k / 4 + c % 7 - 3, 0, 27)).ToList())).ToList()),
        };
        var (windowed, reread, offTrack) = (0, 0, 0);
        for (var history = 0; history < 200; history++)
        {
            var relationship = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0.AddDays(-1));
            var responses = new List<InstrumentResponse>();
            var weeks = 2 + random.Next(58);
            // Some clients get worse for a long stretch (an off-track run of any length), others improve or wander.
            var worseFrom = random.Next(2) == 0 ? random.Next(weeks) : weeks;
            for (var week = 0; week < weeks; week++)
            {
                var phq = week >= worseFrom ? 20 + random.Next(8) : random.Next(25);
                responses.Add(Phq9(Math.Min(phq, 27), week, item9: random.Next(12) == 0 ? 1 + random.Next(3) : 0));
                if (random.Next(3) > 0)
                    responses.Add(Score("gad-7", Answers.Numbered(Enumerable.Range(0, 7).Select(_ => (decimal?)random.Next(4)).ToArray()), week));
                if (random.Next(2) == 0)
                    responses.Add(Score("srs", Enumerable.Range(1, 4).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => (decimal?)(5 + random.Next(6))), week));
                if (random.Next(2) == 0)
                    responses.Add(CcItems(Enumerable.Range(0, 7).Select(_ => 4 + random.Next(7)).ToArray(), week, moment: random.Next(6) == 0 ? random.Next(3) : 0));
            }
            // What the evaluator reads: whole where a rule reads answers; the rest as scores, a long series as its first and latest.
            var lean = new List<InstrumentResponse>(responses.Where(SignalEngine.ReadsWhole));
            var windows = new Dictionary<string, SeriesWindow>();
            foreach (var series in responses.Where(r => !SignalEngine.AnswersReadFor.Contains(r.Instrument)).GroupBy(r => r.Instrument))
            {
                var ordered = series.OrderBy(r => r.CompletedAt).ToList();
                var kept = ordered.Count > latest + 1 ? [ordered[0], .. ordered.TakeLast(latest)] : ordered;
                if (ordered.Count > latest + 1) windows[series.Key] = new SeriesWindow(ordered.Count, ordered[^latest].CompletedAt);
                lean.AddRange(kept.Where(r => !r.IsRisk).Select(r => InstrumentResponse.ScoreOnly(r.Id, r.RelationshipId, r.SessionId, r.Instrument, r.Score, r.CompletedAt)));
            }
            var now = T0.AddDays(7 * weeks);
            var input = new SignalInput(relationship, lean, [], [], now, tables, [], "Sam Rivera", windows);
            windowed += windows.Count;
            foreach (var instrument in NotOnTrackRule.NeedsWholeSeries(input, Catalog.Find))
            {
                reread++;
                windows.Remove(instrument);
                lean.RemoveAll(r => r.Instrument == instrument && !r.IsRisk);
                lean.AddRange(responses.Where(r => r.Instrument == instrument && !r.IsRisk)
                    .Select(r => InstrumentResponse.ScoreOnly(r.Id, r.RelationshipId, r.SessionId, r.Instrument, r.Score, r.CompletedAt)));
            }
            foreach (var settings in new[] { new SignalSettings(), new SignalSettings { RepairWindowSessions = 2, WaiSrLowBelow = 40, SrsDropAtLeast = 3 } })
            {
                var all = SignalEngine.Evaluate(new SignalInput(relationship, responses, [], [], now, tables, [], "Sam Rivera"), settings, Catalog.Find);
                var fromWindow = SignalEngine.Evaluate(input with { Responses = lean, Windows = windows }, settings, Catalog.Find);
                Assert.Equal(all, fromWindow);
                offTrack += all.Count(s => s.Key.StartsWith("off-track:", StringComparison.Ordinal));
            }
        }
        // Long series were read as windows, some off-track runs reached back past them, and the rule spoke often.
        Assert.True(windowed > 200, $"only {windowed} windowed series");
        Assert.True(reread > 5, $"only {reread} series read whole again");
        Assert.True(offTrack > 30, $"only {offTrack} off-track signals");
    }

    /// <summary>
    /// Issue 22: a long series of Connection Checks is read as its first and latest <see cref="LatestChecks"/> whole, with
    /// the number and sum of all their means that the database keeps (ResponseSeries), those of the sessions the clinician
    /// rated, and the whole series only where <see cref="AllianceBaseline.NeedsWholeSeries"/> says; of the clinician's
    /// ratings, the latest and those of the sessions whose Check was read. Evaluated after
    /// every session as a clinic does, that must raise exactly the alerts that reading every Check raises: at each step,
    /// the signals not raised before are the same, explanations and all. (Signals raised before are known alerts; the
    /// whole history also finds again old repairs that the window leaves behind.)
    /// </summary>
    [Fact]
    public void A_window_of_Connection_Checks_with_their_sum_raises_the_same_alerts_as_every_Check()
    {
        var random = new Random(2223);
        var (steps, windowed, wholeAgain, raised) = (0, 0, 0, new Dictionary<SignalKind, int>());
        for (var history = 0; history < 160; history++)
        {
            var relationship = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), T0.AddDays(-1));
            var responses = new List<InstrumentResponse>();
            var ratings = new List<ClinicianRating>();
            var weeks = 10 + random.Next(50);
            // An alliance that holds at its own level, with dips of a session or a stretch, and clients who drift down or up.
            var level = 7 + random.Next(4);
            var drift = random.Next(3) - 1;
            var settings = (history % 3) switch
            {
                0 => new SignalSettings(),
                1 => new SignalSettings { RepairWindowSessions = 2, PerceptionGapAtLeast = 2 },
                _ => new SignalSettings { RepairWindowSessions = 8, LowAllianceMeanBelow = 6, LowAllianceItemAtOrBelow = 3 },
            };
            var (knownWhole, knownWindow) = (new HashSet<string>(), new HashSet<string>());
            var (unchecked_, sessions) = (new List<Guid>(), new List<Guid>());
            for (var week = 0; week < weeks; week++)
            {
                var session = Guid.NewGuid();
                sessions.Add(session);
                var dip = random.Next(8) == 0 ? 2 + random.Next(4) : 0;
                var at = Math.Clamp(level + drift * week / 12 - dip, 1, 10);
                int[] Items() => Enumerable.Range(0, 7).Select(_ => Math.Clamp(at + random.Next(3) - 1, 0, 10)).ToArray();
                if (random.Next(8) > 0)
                    responses.Add(CcItems(Items(), week, moment: random.Next(8) == 0 ? 1 + random.Next(2) : 0, sessionId: session));
                else
                    unchecked_.Add(session);
                if (random.Next(2) == 0)
                    responses.Add(Phq9(random.Next(25), week));
                // A reflection on this session, or written late on one twelve sessions back (revising any there was).
                if (random.Next(3) == 0)
                {
                    var on = random.Next(4) == 0 && week > 12 ? sessions[week - 12] : session;
                    ratings.RemoveAll(r => r.SessionId == on);
                    ratings.Add(new ClinicianRating(on, 4 + random.Next(7), T0.AddDays(7 * week).AddHours(2), (Reflections.Tension)random.Next(3)));
                }
                // Evaluated as the clinic does, after each arrival: what is new must be the same either way.
                void Step(DateTimeOffset now)
                {
                    var whole = SignalEngine.Evaluate(new SignalInput(relationship, responses, [], ratings, now, null, [], "Sam Rivera"), settings, Catalog.Find);
                    // What the evaluator reads.
                    var checks = responses.Where(r => r.Instrument == AllianceBaseline.Instrument).OrderBy(r => r.CompletedAt).ToList();
                    var input = new SignalInput(relationship, responses, [], ratings, now, null, [], "Sam Rivera");
                    var kept = checks.Count > LatestChecks + 1 ? [checks[0], .. checks.TakeLast(LatestChecks)] : checks;
                    var ratingsRead = ratings.OrderByDescending(r => r.At).Take(LatestChecks).Union(ratings.Where(r => kept.Any(c => c.SessionId == r.SessionId))).ToList();
                    input = input with { ClinicianRatings = ratingsRead };
                    if (checks.Count > LatestChecks + 1)
                    {
                        var rated = ratingsRead.Select(r => (Guid?)r.SessionId).Except(kept.Select(r => r.SessionId)).ToHashSet();
                        var read = kept.Concat(checks.Where(r => rated.Contains(r.SessionId))
                            .Select(r => InstrumentResponse.ScoreOnly(r.Id, r.RelationshipId, r.SessionId, r.Instrument, r.Score, r.CompletedAt)));
                        input = input with
                        {
                            Responses = [.. responses.Where(r => r.Instrument != AllianceBaseline.Instrument), .. read],
                            Windows = new Dictionary<string, SeriesWindow>
                            {
                                [AllianceBaseline.Instrument] = new(checks.Count, checks[^LatestChecks].CompletedAt, checks.Sum(r => r.Score)),
                            },
                        };
                        windowed++;
                        if (AllianceBaseline.NeedsWholeSeries(input, settings, Catalog.Find))
                        {
                            wholeAgain++;
                            input = input with { Responses = responses, Windows = null };
                        }
                    }
                    var fromWindow = SignalEngine.Evaluate(input, settings, Catalog.Find);
                    var newWhole = whole.Where(x => !knownWhole.Contains(x.Key)).OrderBy(x => x.Key, StringComparer.Ordinal).ToList();
                    var newWindow = fromWindow.Where(x => !knownWindow.Contains(x.Key)).OrderBy(x => x.Key, StringComparer.Ordinal).ToList();
                    Assert.Equal(newWhole, newWindow);
                    knownWhole.UnionWith(whole.Select(x => x.Key));
                    knownWindow.UnionWith(fromWindow.Select(x => x.Key));
                    foreach (var x in newWhole) raised[x.Kind] = raised.GetValueOrDefault(x.Kind) + 1;
                    steps++;
                }
                Step(T0.AddDays(7 * week + 1));
                // Now and then the Check of a session half a year past arrives (sent late by the clinic's EHR), after its rating
                // and many others.
                if (unchecked_.Count > 0 && sessions.IndexOf(unchecked_[0]) <= week - 25 && random.Next(2) == 0)
                {
                    var answers = LowAllianceRule.SessionItems.Zip(Items()).ToDictionary(x => x.First, x => (decimal?)x.Second);
                    answers["moment"] = 0;
                    responses.Add(new InstrumentResponse(relationship.Id, null, unchecked_[0], answers,
                        InstrumentScorer.Score(Catalog.Get("connection-check"), answers).Result!, T0.AddDays(7 * week).AddHours(3)));
                    unchecked_.RemoveAt(0);
                    Step(T0.AddDays(7 * week + 1));
                }
            }
        }
        // Most long series were read as windows, some whole again, and every rule that reads the Checks spoke.
        Assert.True(windowed > 2000, $"only {windowed} of {steps} evaluations read a window");
        Assert.True(wholeAgain > 50 && wholeAgain < windowed / 2, $"{wholeAgain} of {windowed} windows read whole again");
        foreach (var kind in new[] { SignalKind.LowAlliance, SignalKind.AllianceDrop, SignalKind.ClientReportedRupture, SignalKind.RuptureRepaired, SignalKind.PerceptionGap })
            Assert.True(raised.GetValueOrDefault(kind) > 20, $"{kind}: {raised.GetValueOrDefault(kind)}");
    }

    /// <summary>The evaluator's window of Connection Checks (SignalEvaluator.LatestScores).</summary>
    private const int LatestChecks = 8;
}
