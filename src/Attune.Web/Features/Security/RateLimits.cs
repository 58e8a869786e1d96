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
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
