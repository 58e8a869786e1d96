using System.Net;
using System.Text.RegularExpressions;
using Attune.Core.Clinic;
using Attune.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>An HTTP client that signs in through the real login form and posts forms with their antiforgery token.</summary>
public sealed partial class StaffClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public static HttpClient Anonymous(AttuneFactory factory) =>
        // Over HTTPS, as behind a clinic's TLS proxy: outside Development every cookie is Secure, and a client sends a
        // Secure cookie only over HTTPS.
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });

    /// <summary>
    /// Signs in through the login form. An admin must use a second factor: one without gets an authenticator app set up
    /// first (as they would at their first sign-in), and the code step is answered with the app's current code.
    /// </summary>
    public static async Task<StaffClient> SignInAsync(AttuneFactory factory, string email, string password)
    {
        if (await Authenticator.IsAdminWithoutSecondFactorAsync(factory, email))
            await Authenticator.SetUpAsync(factory, email);
        var client = new StaffClient(Anonymous(factory));
        var response = await client.PostFormAsync("/login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        if (response.StatusCode == HttpStatusCode.Redirect && Target(response).StartsWith("/login/code", StringComparison.Ordinal))
            response = await client.PostFormAsync(Target(response), "login-code", new() { ["Input.Code"] = await Authenticator.CodeAsync(factory, email) });
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode}\n{await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>Where a redirect points, as a path and query (the app may answer with an absolute address).</summary>
    public static string Target(HttpResponseMessage response) => response.Headers.Location is { } location
        ? location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString
        : "";

    /// <summary>GETs the page, then posts the named Blazor form on it with its hidden fields and the given values.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string formName, Dictionary<string, string> values, List<KeyValuePair<string, string>>? extra = null)
    {
        var page = await Http.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        return await PostFormFromHtmlAsync(path, html, formName, values, extra);
    }

    public Task<HttpResponseMessage> PostFormFromHtmlAsync(string path, string html, string formName, Dictionary<string, string> values, List<KeyValuePair<string, string>>? extra = null)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", Token(html)),
            new("_handler", formName),
        };
        fields.AddRange(values);
        if (extra is not null) fields.AddRange(extra);
        return Http.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    public static string Token(string html)
    {
        var match = TokenPattern().Match(html);
        if (!match.Success) throw new InvalidOperationException("The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

public static class Demo
{
    public const string ClinicianEmail = "clinician@riverside.example";
    public const string ClinicianPassword = "demo-clinician-2026";
    public const string SupervisorEmail = "supervisor@riverside.example";
    public const string SupervisorPassword = "demo-supervisor-2026";
    public const string AdminEmail = "admin@riverside.example";
    public const string AdminPassword = "demo-admin-2026";

    /// <summary>The demo clinician, signed in through the login form.</summary>
    public static Task<StaffClient> ClinicianAsync(AttuneFactory app) => StaffClient.SignInAsync(app, ClinicianEmail, ClinicianPassword);

    /// <summary>A second organisation with one clinician, who must see nothing of the demo clinic. Returns its id.</summary>
    public static async Task<Guid> CreateOtherClinicAsync(AttuneFactory app, string email, string password)
    {
        var org = new Organisation("Elsewhere Therapy", app.Clock.GetUtcNow());
        await using (var db = app.CreateDbContext())
        {
            db.Organisations.Add(org);
            await db.SaveChangesAsync();
        }
        await AddStaffAsync(app, org.Id, email, password, StaffRoles.Clinician, "Other Clinician");
        return org.Id;
    }

    /// <summary>
    /// A staff account in the given organisation; clinicians and supervisors get their own clinician record, with no
    /// clients and supervising no one.
    /// </summary>
    public static async Task AddStaffAsync(AttuneFactory app, Guid organisationId, string email, string password, string role, string name)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        Guid? clinicianId = null;
        if (role is StaffRoles.Clinician or StaffRoles.Supervisor)
        {
            var clinician = new Clinician(organisationId, name, app.Clock.GetUtcNow());
            db.Clinicians.Add(clinician);
            await db.SaveChangesAsync();
            clinicianId = clinician.Id;
        }
        var user = new StaffUser { UserName = email, Email = email, OrganisationId = organisationId, ClinicianId = clinicianId, DisplayName = name };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        await users.AddToRoleAsync(user, role);
    }
}
