using System.Net;
using System.Text.RegularExpressions;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Attune.Web.Tests.Account;

/// <summary>
/// Issue 17: a cookie copied before sign-out still opened client records afterwards (8 hours, sliding); one
/// authenticator code signed in twice; login time and the "locked" message told which emails have accounts.
/// </summary>
public partial class SessionTests
{
    [Theory, AllDatabases]
    public async Task Sign_out_ends_the_session_so_a_copied_cookie_opens_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var (browser, jar) = Browser(app);
        await SignInAsync(browser, Demo.ClinicianEmail, Demo.ClinicianPassword);
        var (thief, thiefJar) = Browser(app);
        thiefJar.CopyFrom(jar);
        Assert.Equal(HttpStatusCode.OK, (await thief.Http.GetAsync("/", ct)).StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.Equal(1, await db.StaffSessions.CountAsync(ct));

        var page = await browser.Http.GetStringAsync("/", ct);
        var signedOut = await browser.PostFormFromHtmlAsync("/logout", page, "logout", []);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.Equal(0, await db.StaffSessions.CountAsync(ct));
        // The copy, taken while signed in, now opens nothing.
        var stolen = await thief.Http.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.Redirect, stolen.StatusCode);
        Assert.StartsWith("/login", StaffClient.Target(stolen));
    }

    [Theory, AllDatabases]
    public async Task A_second_factor_change_ends_the_accounts_other_sessions_at_once_and_keeps_this_one(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var (here, _) = Browser(app);
        var (elsewhere, _) = Browser(app);
        await SignInAsync(here, Demo.ClinicianEmail, Demo.ClinicianPassword);
        await SignInAsync(elsewhere, Demo.ClinicianEmail, Demo.ClinicianPassword);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.Http.GetAsync("/", ct)).StatusCode);

        var setup = await (await here.PostFormAsync("/account/security", "totp-start", [])).Content.ReadAsStringAsync(ct);
        var key = KeyOnPage().Match(setup).Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await here.PostFormFromHtmlAsync("/account/security", setup, "totp-confirm", new() { ["Code"] = Authenticator.Code(key) })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await here.Http.GetAsync("/", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.Http.GetAsync("/", ct)).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_at_its_absolute_lifetime_however_active()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite", new Dictionary<string, string> { ["Security:SessionAbsoluteHours"] = "2" });
        var ct = TestContext.Current.CancellationToken;
        var (browser, _) = Browser(app);
        await SignInAsync(browser, Demo.ClinicianEmail, Demo.ClinicianPassword);
        // Busy every twenty minutes: the sliding expiry (8 hours) never comes near.
        for (var minutes = 0; minutes < 110; minutes += 20)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/", ct)).StatusCode);
            app.Clock.Advance(TimeSpan.FromMinutes(20));
        }
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/", ct)).StatusCode);
    }

    [Fact]
    public async Task An_authenticator_code_signs_in_once()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var clinician = await Demo.ClinicianAsync(app);
        var setup = await (await clinician.PostFormAsync("/account/security", "totp-start", [])).Content.ReadAsStringAsync(ct);
        var key = KeyOnPage().Match(setup).Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostFormFromHtmlAsync("/account/security", setup, "totp-confirm", new() { ["Code"] = Authenticator.Code(key) })).StatusCode);

        var code = Authenticator.Code(key);
        var (first, _) = Browser(app);
        Assert.Equal("/", await PasswordThenCodeAsync(first, code));
        // The same code again, as someone who read it over a shoulder: refused; the next code works.
        var (second, _) = Browser(app);
        Assert.StartsWith("/login/code", await PasswordThenCodeAsync(second, code));
        var (third, _) = Browser(app);
        Assert.Equal("/", await PasswordThenCodeAsync(third, Authenticator.Code(key)));

        async Task<string> PasswordThenCodeAsync(StaffClient browser, string totp)
        {
            var step = await browser.PostFormAsync("/login", "login", new() { ["Input.Email"] = Demo.ClinicianEmail, ["Input.Password"] = Demo.ClinicianPassword });
            Assert.StartsWith("/login/code", StaffClient.Target(step));
            var answer = await browser.PostFormAsync(StaffClient.Target(step), "login-code", new() { ["Input.Code"] = totp });
            return answer.StatusCode == HttpStatusCode.Redirect ? StaffClient.Target(answer) : StaffClient.Target(step);
        }
    }

    [Fact]
    public async Task Sign_in_says_and_spends_the_same_for_an_unknown_email_a_wrong_password_and_a_locked_account()
    {
        var hasher = new CountingHasher();
        await using var app = await AttuneFactory.StartAsync("sqlite", services: s =>
        {
            s.AddSingleton(hasher);
            s.Replace(ServiceDescriptor.Scoped<IPasswordHasher<StaffUser>>(sp =>
            {
                hasher.Inner ??= new PasswordHasher<StaffUser>(sp.GetRequiredService<IOptions<PasswordHasherOptions>>());
                return hasher;
            }));
        });
        async Task<(int Hashes, HttpStatusCode Status, string Message)> TryAsync(string email, string password)
        {
            var (browser, _) = Browser(app);
            var html = await browser.Http.GetStringAsync("/login");
            var before = hasher.Verifications;
            var answer = await browser.PostFormFromHtmlAsync("/login", html, "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
            var body = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());
            return (hasher.Verifications - before, answer.StatusCode, Regex.Match(body, "role=\"alert\"[^>]*>([^<]+)<").Groups[1].Value.Trim());
        }

        var unknown = await TryAsync("nobody-here@riverside.example", "some-password-guess");
        var wrong = await TryAsync(Demo.ClinicianEmail, "some-password-guess");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(1, unknown.Hashes);
        Assert.Equal((unknown.Hashes, unknown.Status, unknown.Message), (wrong.Hashes, wrong.Status, wrong.Message));
        Assert.Contains("do not match an account", unknown.Message);

        // Locked after five wrong tries: the right password gets the very same answer.
        for (var i = 0; i < 4; i++)
            await TryAsync(Demo.ClinicianEmail, $"wrong-{i}-password");
        var locked = await TryAsync(Demo.ClinicianEmail, Demo.ClinicianPassword);
        Assert.Equal((unknown.Status, unknown.Message), (locked.Status, locked.Message));
    }

    private sealed class CountingHasher : IPasswordHasher<StaffUser>
    {
        private int _verifications;
        public IPasswordHasher<StaffUser>? Inner { get; set; }
        public int Verifications => Volatile.Read(ref _verifications);
        public string HashPassword(StaffUser user, string password) => Inner!.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(StaffUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return Inner!.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    private static async Task SignInAsync(StaffClient browser, string email, string password)
    {
        var answer = await browser.PostFormAsync("/login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.Equal("/", StaffClient.Target(answer));
    }

    /// <summary>A browser whose cookies the test can read and copy (the factory's cookie handling hides them).</summary>
    private static (StaffClient Client, CookieJar Jar) Browser(AttuneFactory app)
    {
        var jar = new CookieJar();
        return (new StaffClient(app.CreateDefaultClient(new Uri("https://localhost"), jar)), jar);
    }

    private sealed class CookieJar : DelegatingHandler
    {
        private readonly Dictionary<string, string> _cookies = [];

        public void CopyFrom(CookieJar other)
        {
            lock (other._cookies) lock (_cookies)
                foreach (var (k, v) in other._cookies) _cookies[k] = v;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (_cookies)
                if (_cookies.Count > 0)
                    request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
                lock (_cookies)
                    foreach (var cookie in set)
                    {
                        var pair = cookie.Split(';')[0];
                        var at = pair.IndexOf('=');
                        var (name, value) = (pair[..at], pair[(at + 1)..]);
                        if (value.Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) _cookies.Remove(name);
                        else _cookies[name] = value;
                    }
            return response;
        }
    }

    [GeneratedRegex("data-key=\"([A-Z2-7]+)\"")]
    private static partial Regex KeyOnPage();
}
