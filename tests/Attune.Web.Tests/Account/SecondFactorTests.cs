using System.Net;
using System.Text.RegularExpressions;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Account;

/// <summary>
/// Authenticator-app (TOTP) second factor through the real forms, and the rule that admins cannot use Attune without a
/// second factor. Passkeys need a browser's authenticator: see the E2E PasskeyTests.
/// </summary>
public partial class SecondFactorTests
{
    private static Dictionary<string, string> Login(string email, string password) =>
        new() { ["Input.Email"] = email, ["Input.Password"] = password };

    [Theory, AllDatabases]
    public async Task An_admin_without_a_second_factor_must_set_one_up_before_anything_else(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var admin = new StaffClient(StaffClient.Anonymous(app));
        var signedIn = await admin.PostFormAsync("/login", "login", Login(Demo.AdminEmail, Demo.AdminPassword));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // Every page and the API send the admin to the set-up page (or refuse), the admin pages included.
        foreach (var path in new[] { "/", "/admin/audit", "/settings/measures", "/admin/break-glass", "/outbox" })
        {
            var response = await admin.Http.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/security", StaffClient.Target(response));
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Http.GetAsync("/api/instruments/", ct)).StatusCode);
        var page = await admin.Http.GetStringAsync("/account/security", ct);
        Assert.Contains("Set up a second factor to go on", page);

        // Set up the authenticator app: a wrong code is refused and leaves it off.
        var started = await admin.PostFormAsync("/account/security", "totp-start", []);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var setup = await started.Content.ReadAsStringAsync(ct);
        Assert.Contains("data:image/png;base64,", setup);
        var key = KeyOnPage().Match(setup).Groups[1].Value;
        Assert.Equal(await Authenticator.KeyAsync(app, Demo.AdminEmail), key);
        var wrong = await admin.PostFormFromHtmlAsync("/account/security", setup, "totp-confirm", new() { ["Code"] = WrongCode(Authenticator.Peek(key)) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.False(await TwoFactorEnabledAsync(app, Demo.AdminEmail));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.Http.GetAsync("/admin/audit", ct)).StatusCode);

        var confirmed = await admin.PostFormFromHtmlAsync("/account/security", await wrong.Content.ReadAsStringAsync(ct), "totp-confirm", new() { ["Code"] = Authenticator.Code(key) });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var done = await confirmed.Content.ReadAsStringAsync(ct);
        Assert.Contains("Your recovery codes", done);
        var recoveryCodes = RecoveryCode().Matches(done).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, recoveryCodes.Count);
        Assert.True(await TwoFactorEnabledAsync(app, Demo.AdminEmail));
        // The set-up proved the factor: this session goes on, into the admin pages.
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/admin/audit", ct)).StatusCode);

        // The change is in the audit trail, with ids only.
        await using (var db = app.CreateDbContext())
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "enable-authenticator" && e.EntityType == "StaffAccount", ct));

        // From now on the password alone is not enough: it leads to the code step, which refuses a wrong code and
        // accepts the app's code or, once each, a recovery code.
        var next = new StaffClient(StaffClient.Anonymous(app));
        var password = await next.PostFormAsync("/login", "login", Login(Demo.AdminEmail, Demo.AdminPassword));
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        var codeStep = StaffClient.Target(password);
        Assert.StartsWith("/login/code", codeStep);
        Assert.Equal(HttpStatusCode.Redirect, (await next.Http.GetAsync("/admin/audit", ct)).StatusCode);
        Assert.StartsWith("/login", StaffClient.Target(await next.Http.GetAsync("/admin/audit", ct)));
        var bad = await next.PostFormAsync(codeStep, "login-code", new() { ["Input.Code"] = WrongCode(Authenticator.Peek(key)) });
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        var good = await next.PostFormAsync(codeStep, "login-code", new() { ["Input.Code"] = Authenticator.Code(key) });
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await next.Http.GetAsync("/admin/audit", ct)).StatusCode);
        // The sign-in keeps counting as made with the code after the half-hourly security-stamp check rebuilds it.
        app.Clock.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal(HttpStatusCode.OK, (await next.Http.GetAsync("/admin/audit", ct)).StatusCode);

        var withRecovery = new StaffClient(StaffClient.Anonymous(app));
        await withRecovery.PostFormAsync("/login", "login", Login(Demo.AdminEmail, Demo.AdminPassword));
        var recovered = await withRecovery.PostFormAsync("/login/code", "login-code", new() { ["Input.Code"] = recoveryCodes[0], ["Input.IsRecoveryCode"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withRecovery.Http.GetAsync("/admin/audit", ct)).StatusCode);
        var again = new StaffClient(StaffClient.Anonymous(app));
        await again.PostFormAsync("/login", "login", Login(Demo.AdminEmail, Demo.AdminPassword));
        var reused = await again.PostFormAsync("/login/code", "login-code", new() { ["Input.Code"] = recoveryCodes[0], ["Input.IsRecoveryCode"] = "true" });
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);

        // The admin's only factor cannot be turned off.
        var off = await next.PostFormAsync("/account/security", "totp-off", []);
        Assert.Equal(HttpStatusCode.Conflict, off.StatusCode);
        Assert.True(await TwoFactorEnabledAsync(app, Demo.AdminEmail));
    }

    [Theory, AllDatabases]
    public async Task A_clinician_may_use_an_authenticator_and_the_code_step_cannot_be_skipped(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        // Clinicians are not made to, but may.
        var clinician = await Demo.ClinicianAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await clinician.Http.GetAsync("/", ct)).StatusCode);
        var setup = await (await clinician.PostFormAsync("/account/security", "totp-start", [])).Content.ReadAsStringAsync(ct);
        var key = KeyOnPage().Match(setup).Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostFormFromHtmlAsync("/account/security", setup, "totp-confirm", new() { ["Code"] = Authenticator.Code(key) })).StatusCode);

        // The code step without the password step, or a code for someone else's pending sign-in, gets nowhere.
        var stranger = new StaffClient(StaffClient.Anonymous(app));
        var page = await stranger.Http.GetStringAsync("/login/code", ct);
        Assert.Contains("Sign in with your email and password first", page);
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.Http.GetAsync("/", ct)).StatusCode);

        // A wrong password never reaches the code step.
        var wrongPassword = await stranger.PostFormAsync("/login", "login", Login(Demo.ClinicianEmail, "not-the-password"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);

        // The clinician can turn it off again (their own choice), and then the password alone signs in.
        var off = await clinician.PostFormAsync("/account/security", "totp-off", []);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.False(await TwoFactorEnabledAsync(app, Demo.ClinicianEmail));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Authenticator.KeyAsync(app, Demo.ClinicianEmail));
        Assert.Contains("Set up an authenticator app", await off.Content.ReadAsStringAsync(ct));
        var plain = new StaffClient(StaffClient.Anonymous(app));
        var signedIn = await plain.PostFormAsync("/login", "login", Login(Demo.ClinicianEmail, Demo.ClinicianPassword));
        Assert.Equal("/", StaffClient.Target(signedIn));
    }

    [Theory, AllDatabases]
    public async Task A_clinic_can_require_a_second_factor_of_all_staff(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["Security:RequireSecondFactorForAllStaff"] = "true" });
        var ct = TestContext.Current.CancellationToken;
        var clinician = new StaffClient(StaffClient.Anonymous(app));
        await clinician.PostFormAsync("/login", "login", Login(Demo.ClinicianEmail, Demo.ClinicianPassword));
        var caseload = await clinician.Http.GetAsync("/", ct);
        Assert.Equal("/account/security", StaffClient.Target(caseload));
        Assert.Contains("All staff of this clinic", await clinician.Http.GetStringAsync("/account/security", ct));
    }

    private static async Task<bool> TwoFactorEnabledAsync(AttuneFactory app, string email)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        return await users.GetTwoFactorEnabledAsync((await users.FindByEmailAsync(email))!);
    }

    /// <summary>A six-digit code that is not the right one (nor the one either side of it, which the server also accepts).</summary>
    private static string WrongCode(string right) => ((int.Parse(right) + 500_000) % 1_000_000).ToString("D6");

    [GeneratedRegex("data-key=\"([A-Z2-7]+)\"")]
    private static partial Regex KeyOnPage();

    [GeneratedRegex("<li><code>([A-Z0-9-]+)</code></li>")]
    private static partial Regex RecoveryCode();
}
