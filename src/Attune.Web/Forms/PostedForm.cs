namespace Attune.Web.Forms;

/// <summary>What a posted form sent, for drawing a refused form again with the values as sent (nothing on a GET).</summary>
public static class PostedForm
{
    public static bool IsPost(this HttpContext http) => HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType;

    /// <summary>The posted value of one field, or null when this is not a post or the field was not sent.</summary>
    public static string? Posted(this HttpContext http, string name) =>
        http.IsPost() && http.Request.Form.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>Every posted value of a field sent several times (checkboxes), or none.</summary>
    public static IReadOnlyList<string> PostedAll(this HttpContext http, string name) =>
        http.IsPost() ? http.Request.Form[name].OfType<string>().ToList() : [];
}
