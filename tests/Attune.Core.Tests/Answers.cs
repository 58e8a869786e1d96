namespace Attune.Core.Tests;

internal static class Answers
{
    /// <summary>Answers "1,2,,3" onto item ids "1".."n" (empty = unanswered).</summary>
    public static Dictionary<string, decimal?> Numbered(params decimal?[] values) =>
        values.Select((v, i) => (Key: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), v))
              .ToDictionary(x => x.Key, x => x.v);
}
