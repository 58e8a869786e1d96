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
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<StaffClient> SignInAsync(AttuneFactory factory, string email, string password)
    {
        var client = new StaffClient(Anonymous(factory));
        var response = await client.PostFormAsync("/login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode}\n{await response.Content.ReadAsStringAsync()}");
        return client;
    }

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

    /// <summary>A second organisation with one clinician, who must see nothing of the demo clinic.</summary>
    public static async Task CreateOtherClinicAsync(AttuneFactory app, string email, string password)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var org = new Organisation("Elsewhere Therapy", app.Clock.GetUtcNow());
        var clinician = new Clinician(org.Id, "Other Clinician", app.Clock.GetUtcNow());
        db.Organisations.Add(org);
        db.Clinicians.Add(clinician);
        await db.SaveChangesAsync();
        var user = new StaffUser { UserName = email, Email = email, OrganisationId = org.Id, ClinicianId = clinician.Id, DisplayName = "Other Clinician" };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        await users.AddToRoleAsync(user, StaffRoles.Clinician);
    }
}
