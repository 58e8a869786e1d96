using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using Attune.Core.Signals;

namespace Attune.Core.Tests;

/// <summary>Scored responses for rule tests, a week apart from <see cref="T0"/>.</summary>
internal static class Responses
{
    internal static readonly InstrumentCatalog Catalog = InstrumentCatalog.BuiltIn();
    internal static readonly DateTimeOffset T0 = new(2026, 9, 1, 10, 0, 0, TimeSpan.Zero);

    internal static InstrumentResponse Score(string id, Dictionary<string, decimal?> answers, int week, Guid? sessionId = null)
    {
        var outcome = InstrumentScorer.Score(Catalog.Find(id)!, answers);
        Assert.True(outcome.IsValid, string.Join("; ", outcome.Errors.Select(e => e.Message)));
        return new InstrumentResponse(Guid.NewGuid(), null, sessionId, answers, outcome.Result!, T0.AddDays(7 * week));
    }

    /// <summary>A Connection Check with every session item at <paramref name="each"/>.</summary>
    internal static InstrumentResponse Cc(int each, int week, int moment = 0, Guid? sessionId = null) =>
        CcItems(Enumerable.Repeat(each, 7).ToArray(), week, moment, sessionId);

    /// <summary>A Connection Check with the seven session items (heard … overall) as given.</summary>
    internal static InstrumentResponse CcItems(int[] items, int week, int moment = 0, Guid? sessionId = null)
    {
        var answers = LowAllianceRule.SessionItems.Select((id, i) => (id, (decimal?)items[i])).ToDictionary(x => x.id, x => x.Item2);
        answers["moment"] = moment;
        return Score("connection-check", answers, week, sessionId);
    }

    internal static InstrumentResponse Phq9(int total, int week, int item9 = 0)
    {
        var items = Enumerable.Range(1, 8).Select(i => (decimal?)Math.Min(3, Math.Max(0, total - item9 - 3 * (i - 1)))).Append(item9).ToArray();
        return Score("phq-9", Answers.Numbered(items), week);
    }
}
