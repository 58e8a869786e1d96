namespace Attune.Web.Features.Notifications;

/// <summary>
/// Sends a text message. Attune ships no SMS provider (each clinic has its own contract); register an
/// implementation and the outbox sender hands it every SMS. Without one, SMS stay in the outbox page.
/// </summary>
public interface ISmsSender
{
    Task SendAsync(string to, string text, CancellationToken ct);
}
