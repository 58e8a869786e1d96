using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;

namespace Attune.Web.Features.Security;

/// <summary>
/// Safe behind a reverse proxy by default. X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies
/// named in Proxy:KnownProxies (addresses) and Proxy:KnownNetworks (CIDR); from anyone else they are ignored, so a
/// client cannot claim another address (and so dodge the rate limits) or claim HTTPS. Every cookie Attune sets (sign-in,
/// second-factor step, antiforgery) is Secure outside Development; Security:SecureCookies=false turns that off for
/// trying Attune over plain HTTP on a private network, never for a clinic's server.
/// </summary>
public static class ProxySafety
{
    public static IServiceCollection AddProxyAndCookieSafety(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in List(config, "Proxy:KnownProxies"))
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                    : throw new InvalidOperationException($"Proxy:KnownProxies has '{proxy}', which is not an IP address."));
            foreach (var network in List(config, "Proxy:KnownNetworks"))
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
                    : throw new InvalidOperationException($"Proxy:KnownNetworks has '{network}', which is not a network such as 10.0.0.0/8."));
        });
        var secure = SecureCookies(config, env) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.PostConfigureAll<CookieAuthenticationOptions>(o => o.Cookie.SecurePolicy = secure);
        services.PostConfigure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = secure);
        return services;
    }

    public static bool SecureCookies(IConfiguration config, IHostEnvironment env) => config.GetValue("Security:SecureCookies", !env.IsDevelopment());

    /// <summary>
    /// With Secure cookies, a request that reached Attune over plain HTTP (no TLS proxy in front, or one not listed in
    /// Proxy:KnownProxies) is refused with the reason, not served without its cookies. Health checks pass, for load balancers.
    /// </summary>
    public static IApplicationBuilder UseHttpsOnlyWhenCookiesAreSecure(this WebApplication app)
    {
        if (!SecureCookies(app.Configuration, app.Environment))
            return app;
        return app.Use(async (context, next) =>
        {
            if (context.Request.IsHttps || context.Request.Path.StartsWithSegments("/health"))
            {
                await next();
                return;
            }
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("400 Attune is served over HTTPS only. If it runs behind a reverse proxy that ends TLS, name the proxy in " +
                                              "Proxy:KnownProxies (or Proxy:KnownNetworks) so that its X-Forwarded-Proto is believed. To try Attune over plain HTTP " +
                                              "on a private network, set Security:SecureCookies=false.");
        });
    }

    /// <summary>A list setting given as an array (appsettings.json) or as one comma-separated value (command line).</summary>
    private static IEnumerable<string> List(IConfiguration config, string key)
    {
        var section = config.GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (section.Value is { } single)
            values.AddRange(single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return values.Where(v => v.Length > 0);
    }
}
