using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Attune.Web.Features.Integrations;

/// <summary>
/// The OpenAPI 3.1 document of the REST API (Microsoft.AspNetCore.OpenApi), served at /api/openapi/v1.json and shown
/// by the reference page at /api/reference: only /api/v1, with the OAuth 2.0 client-credentials flow and the scope
/// each operation needs.
/// </summary>
public static class RestApiDocument
{
    public const string Path = "/api/openapi/{documentName}.json";
    public const string ReferencePath = "/api/reference";

    /// <summary>The OpenAPI document and the browsable reference page (Swagger UI, vendored in wwwroot/lib/swagger-ui); no records in either.</summary>
    public static void MapRestApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(Path).AllowAnonymous();
        app.MapGet(ReferencePath, (HttpRequest request) =>
        {
            var root = System.Net.WebUtility.HtmlEncode(request.PathBase.Value ?? "");
            return Results.Content($$"""
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Attune REST API reference</title>
                <link rel="stylesheet" href="{{root}}/lib/swagger-ui/swagger-ui.css">
                </head>
                <body>
                <main id="api-reference" data-document="{{root}}/api/openapi/{{RestApi.DocumentName}}.json" aria-label="Attune REST API reference"></main>
                <script src="{{root}}/lib/swagger-ui/swagger-ui-bundle.js"></script>
                <script src="{{root}}/js/api-reference.js"></script>
                </body>
                </html>
                """, "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription().WithName("RestApiReference");
    }

    public static IServiceCollection AddRestApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(RestApi.DocumentName, options =>
        {
            options.ShouldInclude = d => d.RelativePath?.StartsWith(RestApi.Prefix.TrimStart('/') + "/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, context, ct) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Attune REST API",
                    Version = "v1",
                    Description = "Signals, treatment goals, ruptures and phases: what FHIR does not carry. Scores, responses, clients, " +
                        "sessions and questionnaires are on the FHIR R4 endpoint at /fhir. A system signs in with OAuth 2.0 client " +
                        "credentials at /connect/token (register it with `attune api-client add`) and acts as one staff member: it " +
                        "reaches exactly the clients that person may, and every read and write is in the clinic's audit trail.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["oauth2"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.OAuth2,
                    Description = "OAuth 2.0 client credentials (client_secret_basic or client_secret_post).",
                    Flows = new OpenApiOAuthFlows
                    {
                        ClientCredentials = new OpenApiOAuthFlow
                        {
                            TokenUrl = new Uri(ApiAccess.TokenPath, UriKind.Relative),
                            Scopes = ApiScopes.RestAreas
                                .SelectMany(a => new[] { (ApiScopes.RestRead(a), $"Read {a}"), (ApiScopes.RestWrite(a), $"Change {a}") })
                                .Concat(ApiScopes.RestReadOnlyAreas.Select(a => (ApiScopes.RestRead(a), $"Read {a}")))
                                .ToDictionary(s => s.Item1, s => s.Item2),
                        },
                    },
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, ct) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RestApi.ScopeMetadata>().FirstOrDefault() is { } scope)
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("oauth2", context.Document)] = [scope.Scope] }];
                // JSON is the only body the API reads (see RestApi.AcceptsJson).
                operation.RequestBody?.Content?.Remove(RestApi.AnyContentType);
                return Task.CompletedTask;
            });
        });
}
