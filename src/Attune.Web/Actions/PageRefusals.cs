namespace Attune.Web.Actions;

/// <summary>An action's refusal on a page: the status that says what kind of refusal it is, and the message to show.</summary>
public static class PageRefusals
{
    public static int StatusCode(Refusal refusal) => refusal.Outcome switch
    {
        Outcome.NotFound => StatusCodes.Status404NotFound,
        Outcome.Forbidden => StatusCodes.Status403Forbidden,
        Outcome.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    /// <summary>Sets the response's status and returns the message for the page's alert.</summary>
    public static string Refuse(this HttpContext http, Refusal refusal)
    {
        http.Response.StatusCode = StatusCode(refusal);
        return refusal.Message;
    }
}
