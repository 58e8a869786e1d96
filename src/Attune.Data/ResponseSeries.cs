namespace Attune.Data;

/// <summary>
/// A relationship's series of one measure, summed: how many responses it has and the sum of their scores. The database
/// keeps it (a trigger on every insert, rescore and delete of a response, whichever way it comes), so that the signal
/// evaluation can read a long series as its latest responses and this summary rather than every response (issue 22):
/// the client's running alliance baseline is the sum of the Connection Check means before the latest over their number.
/// Nothing in the application writes it.
/// </summary>
public sealed class ResponseSeries
{
    public Guid RelationshipId { get; private set; }
    public string Instrument { get; private set; } = "";
    public int Count { get; private set; }

    /// <summary>
    /// The sum of the scores in ten-thousandths, a whole number (scores have at most 4 decimals,
    /// <see cref="Core.Instruments.InstrumentValidator"/>), so that the sum is exact on both databases: SQLite would add
    /// decimal text as floating point.
    /// </summary>
    public long ScoreSumTenThousandths { get; private set; }

    /// <summary>The sum of the scores.</summary>
    public decimal ScoreSum => ScoreSumTenThousandths / 10_000m;
}
