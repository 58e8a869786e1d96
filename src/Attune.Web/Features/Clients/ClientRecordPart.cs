using Attune.Web.Actions;
using Microsoft.AspNetCore.Components;

namespace Attune.Web.Features.Clients;

/// <summary>
/// One part of the client's page (alerts, check-ins, sessions, plan, phase): the record it shows, and the one way each
/// part answers its forms — post/redirect/get when the action is done, or the refusal with its status, its message at
/// the top of the part and beside its field.
/// </summary>
public abstract class ClientRecordPart : ComponentBase
{
    [Parameter, EditorRequired] public ClientRecordView View { get; set; } = null!;
    [CascadingParameter] protected HttpContext HttpContext { get; set; } = null!;
    [Inject] protected NavigationManager Nav { get; set; } = null!;

    /// <summary>On a post every form is drawn, so that the post reaches its action and is refused there, in its words.</summary>
    protected bool Posting => HttpMethods.IsPost(HttpContext.Request.Method);

    protected string? Error { get; private set; }
    protected Refusal? Refusal { get; private set; }

    protected bool Refused<T>(ActionResult<T> result)
    {
        if (result.Refusal is not { } refused) return false;
        Refusal = refused;
        Error = HttpContext.Refuse(refused);
        return true;
    }

    protected void Saved(string done) => Nav.NavigateTo($"/clients/{View.Client.Id}?done={done}");

    /// <summary>A form that fails validation is shown again with its messages, answered 422: nothing was stored.</summary>
    protected void RefuseInvalid() => HttpContext.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
}
