using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Attune.Web.Features.Security;

/// <summary>
/// Per-address limits on the doors anyone can knock on: client links (guessing tokens) and staff sign-in
/// (guessing passwords). Numbers are settings under "RateLimits".
/// </summary>
public static class RateLimits
{
    public const string ClientLinks = "client-links";
    public const string SignIn = "sign-in";

    public static IServiceCollection AddAttuneRateLimits(this IServiceCollection services, IConfiguration config)
    {
        var links = config.GetValue("RateLimits:ClientLinksPerMinute", 30);
        var signIn = config.GetValue("RateLimits:SignInPerMinute", 10);
        var tokens = config.GetValue("RateLimits:TokenRequestsPerMinute", 30);
        var perClient = config.GetValue("RateLimits:TokenRequestsPerClientPerMinute", 10);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(ClientLinks, context => PerAddress(context, links));
            // Only attempts count against sign-in: showing the form guesses nothing.
            o.AddPolicy(SignIn, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("showing the form")
                : PerAddress(context, signIn));
            // Systems ask for a token every quarter hour; guessing client secrets needs far more.
            o.AddPolicy(Integrations.ApiAccess.RateLimit, context => PerAddress(context, tokens));
            // And per system, whatever the address: guesses at one system's secret spread over many addresses still meet
            // a limit. (A system asking every quarter hour is far below it.)
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Items[ClientIdItem] is string clientId
                    ? RateLimitPartition.GetFixedWindowLimiter("client:" + clientId, _ => new FixedWindowRateLimiterOptions { PermitLimit = perClient, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    private const string ClientIdItem = "attune.token-client-id";

    /// <summary>
    /// Before the limiter: the client id a token request names (form field or HTTP Basic), read so that the limiter can
    /// count per system. The form is buffered by ASP.NET Core, and OpenIddict reads the same copy.
    /// </summary>
    public static IApplicationBuilder UseTokenClientIdForLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(Integrations.ApiAccess.TokenPath, StringComparison.OrdinalIgnoreCase))
        {
            string? clientId = null;
            if (context.Request.HasFormContentType)
            {
                try
                {
                    clientId = (await context.Request.ReadFormAsync(context.RequestAborted))["client_id"].FirstOrDefault();
                }
                catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
                {
                    // An unreadable form is OpenIddict's to refuse; it is counted per address only.
                }
            }
            var header = context.Request.Headers.Authorization.ToString();
            if (clientId is null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                    clientId = Uri.UnescapeDataString(pair.Split(':')[0]);
                }
                catch (FormatException) { }
            }
            if (!string.IsNullOrEmpty(clientId))
                context.Items[ClientIdItem] = clientId.Length > 200 ? clientId[..200] : clientId;
        }
        await next();
    });

    private static RateLimitPartition<string> PerAddress(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
