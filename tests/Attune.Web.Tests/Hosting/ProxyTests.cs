using System.Net;
using Attune.E2E;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.Hosting;

/// <summary>
/// Issue 17: behind a TLS proxy cookies lost Secure, no HSTS was sent, forwarded headers were not handled, links
/// followed any Host header and Attune started without knowing its own address. The real executable, in Production,
/// as a clinic runs it.
/// </summary>
public class ProxyTests
{
    private const string Host = "attune.test.example";

    [Fact]
    public async Task Behind_a_TLS_proxy_cookies_are_Secure_HSTS_is_sent_and_only_the_clinics_host_is_served()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await AttuneServer.StartInAsync("Production", "--PublicUrl", $"https://{Host}", "--AllowedHosts", $"{Host};localhost",
            "--Proxy:KnownProxies", "127.0.0.1,::1");
        using var http = Client(server);

        // As the proxy sends it: the clinic's host, and the scheme the browser used.
        var login = await http.SendAsync(Proxied(HttpMethod.Get, "/login"), ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.StartsWith("max-age=", login.Headers.GetValues("Strict-Transport-Security").Single());
        var antiforgery = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        // Signing in over the proxy: the staff cookie is Secure, HttpOnly and SameSite=Lax.
        var html = await login.Content.ReadAsStringAsync(ct);
        var staff = new StaffClient(http);
        http.DefaultRequestHeaders.Add("Cookie", antiforgery.Split(';')[0]);
        http.DefaultRequestHeaders.Host = Host;
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var signedIn = await staff.PostFormFromHtmlAsync("/login", html, "login", new() { ["Input.Email"] = Demo.ClinicianEmail, ["Input.Password"] = Demo.ClinicianPassword });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("attune.staff=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", cookie);
        Assert.Contains("; httponly", cookie);
        Assert.Contains("; samesite=lax", cookie);

        // A request that names another host is refused before anything reads it.
        using var forged = Client(server);
        var other = new HttpRequestMessage(HttpMethod.Get, "/login");
        other.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await forged.SendAsync(other, ct)).StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_address_that_is_not_a_configured_proxy_are_ignored_and_plain_HTTP_is_refused_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await AttuneServer.StartInAsync("Production", "--PublicUrl", $"https://{Host}", "--AllowedHosts", $"{Host};localhost",
            "--Proxy:KnownProxies", "10.1.2.3");
        using var http = Client(server);
        var login = await http.SendAsync(Proxied(HttpMethod.Get, "/login"), ct);
        // The claim of HTTPS came from no proxy Attune knows: the request is plain HTTP, refused with the reason (cookies are
        // Secure, so a page over plain HTTP could not keep its sign-in), and no HSTS is sent over it.
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("Proxy:KnownProxies", await login.Content.ReadAsStringAsync(ct));
        Assert.False(login.Headers.Contains("Strict-Transport-Security"));
        Assert.False(login.Headers.Contains("Set-Cookie"));
        // Load balancers still get their health check.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", ct)).StatusCode);
    }

    [Fact]
    public async Task Outside_development_Attune_will_not_start_without_its_public_address()
    {
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => AttuneServer.StartInAsync("Production"));
        Assert.Contains("Attune exited with 1", failed.Message);
        Assert.Contains("set PublicUrl", failed.Message);
    }

    private static HttpClient Client(AttuneServer server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(server.BaseUrl) };

    private static HttpRequestMessage Proxied(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = Host;
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return request;
    }
}
