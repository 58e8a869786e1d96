namespace Attune.Web.Forms;

/// <summary>Choices are posted as text and parsed here, so an unknown value (or a number) is refused rather than bound to a default.</summary>
public static class FormChoice
{
    public static bool TryParse<T>(string? value, out T result) where T : struct, Enum =>
        Enum.TryParse(value, ignoreCase: false, out result) && Enum.IsDefined(result) && !int.TryParse(value, out _);

    /// <summary>Every posted value parsed, or false when any one is not a choice.</summary>
    public static bool TryParseAll<T>(IEnumerable<string?> values, out List<T> results) where T : struct, Enum
    {
        results = [];
        foreach (var v in values)
        {
            if (!TryParse<T>(v, out var r)) return false;
            results.Add(r);
        }
        return true;
    }
}
