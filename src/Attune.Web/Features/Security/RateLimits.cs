using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Attune.Web.Features.Security;

/// <summary>
/// Per-address limits on the doors anyone can knock on: client links (guessing tokens) and staff sign-in
/// (guessing passwords). Numbers are settings under "RateLimits". Counted in memory on one node, or in the database
/// (<see cref="SharedRateLimitStore"/>) where several nodes share it: RateLimits:Store, "memory" or "database"; by default
/// "database" on PostgreSQL, the database that several nodes can share, and "memory" on SQLite.
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
        var shared = SharedStore(config);
        if (shared) services.AddSingleton<SharedRateLimitStore>();
        // A fixed window of a minute per caller: in this node's memory, or counted with every other node's in the database.
        RateLimitPartition<string> PerMinute(HttpContext context, string caller, int limit) => shared
            ? context.RequestServices.GetRequiredService<SharedRateLimitStore>().Partition(caller, limit, TimeSpan.FromMinutes(1))
            : RateLimitPartition.GetFixedWindowLimiter(caller, _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
        RateLimitPartition<string> PerAddress(HttpContext context, string policy, int limit) =>
            PerMinute(context, policy + ":" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"), limit);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(ClientLinks, context => PerAddress(context, ClientLinks, links));
            // Only attempts count against sign-in: showing the form guesses nothing.
            o.AddPolicy(SignIn, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("showing the form")
                : PerAddress(context, SignIn, signIn));
            // Systems ask for a token every quarter hour; guessing client secrets needs far more.
            o.AddPolicy(Integrations.ApiAccess.RateLimit, context => PerAddress(context, Integrations.ApiAccess.RateLimit, tokens));
            // And per system, whatever the address: guesses at one system's secret spread over many addresses still meet
            // a limit. (A system asking every quarter hour is far below it.)
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Items[ClientIdItem] is string clientId
                    ? PerMinute(context, "client:" + clientId, perClient)
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

    /// <summary>Whether the counts are kept in the database (RateLimits:Store), by default where the database is PostgreSQL.</summary>
    public static bool SharedStore(IConfiguration config) =>
        (config["RateLimits:Store"]?.Trim().ToLowerInvariant() ?? (config["Database:Provider"]?.Trim().ToLowerInvariant() == Database.DatabaseSetup.Postgres ? "database" : "memory")) switch
        {
            "database" => true,
            "memory" => false,
            var other => throw new InvalidOperationException($"RateLimits:Store must be 'memory' or 'database', not '{other}'."),
        };
}
