using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Attune.Data;
using Attune.Web.Features.Integrations;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>A system calling Attune's APIs: registered as an API client, then signed in with client credentials.</summary>
public static class ApiSystem
{
    public static async Task<NewApiClient> RegisterAsync(AttuneFactory app, string actsAs, params string[] scopes)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == actsAs);
        return await scope.ServiceProvider.GetRequiredService<ApiClientRegistry>().CreateAsync(null, user.OrganisationId, "Test EHR", user.Id, scopes);
    }

    /// <summary>The token endpoint as an OAuth 2.0 client calls it (client_secret_basic).</summary>
    public static async Task<HttpResponseMessage> TokenResponseAsync(HttpClient http, string clientId, string secret, string? scope = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        var fields = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (scope is not null) fields.Add(new("scope", scope));
        request.Content = new FormUrlEncodedContent(fields);
        return await http.SendAsync(request);
    }

    /// <summary>An HTTP client carrying a fresh access token for the registered system.</summary>
    public static async Task<HttpClient> SignInAsync(AttuneFactory app, NewApiClient client, string? scope = null)
    {
        var http = StaffClient.Anonymous(app);
        var response = await TokenResponseAsync(http, client.Client.ClientId, client.Secret, scope);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"No token: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json.RootElement.GetProperty("access_token").GetString());
        return http;
    }

    /// <summary>A PHQ-9 QuestionnaireResponse answering with the codings the Questionnaire offers (scale[0] is "Not at all").</summary>
    public static string Phq9(Guid client, Coding[] scale, params int[] answers)
    {
        var items = answers.Select((a, i) => $$$"""{"linkId":"{{{i + 1}}}","answer":[{"valueCoding":{"system":"{{{scale[a].System}}}","code":"{{{scale[a].Code}}}"}}]}""");
        return $$$"""{"resourceType":"QuestionnaireResponse","status":"completed","questionnaire":"urn:attune:questionnaire:phq-9","subject":{"reference":"Patient/{{{client}}}"},"item":[{"linkId":"stem","item":[{{{string.Join(",", items)}}}]}]}""";
    }
}
