using Attune.Core.Fhir;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Security;
using Hl7.Fhir.Model;
using OpenIddict.Abstractions;
using Attune.Web.Time;

namespace Attune.Web.Features.Fhir;

/// <summary>
/// The FHIR R4 endpoint at /fhir: read, vread and search for every type in <see cref="FhirSupport"/>, create for
/// QuestionnaireResponse, the CapabilityStatement at /fhir/metadata and SMART's discovery document. Systems sign in with
/// OAuth 2.0 client credentials; each call also needs the SMART scope for the type.
/// </summary>
public static class FhirEndpoints
{
    public static void MapFhirEndpoints(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").RequireAuthorization(ApiAccess.Policy).DisableAntiforgery().ExcludeFromDescription();
        fhir.MapGet("/metadata", Metadata).AllowAnonymous();
        fhir.MapGet("/.well-known/smart-configuration", SmartConfiguration).AllowAnonymous();
        foreach (var resource in FhirSupport.Resources)
        {
            var type = resource.Type;
            fhir.MapGet($"/{type}", (HttpContext http, FhirStore store, ClinicClock clock, CancellationToken ct) => SearchAsync(http, store, clock, resource, ct))
                .AddEndpointFilter(Scope(type, write: false)).WithName($"Fhir{type}Search");
            fhir.MapGet($"/{type}/{{id}}", (HttpContext http, string id, FhirStore store, ClinicClock clock, CancellationToken ct) => ReadAsync(http, store, clock, type, id, null, ct))
                .AddEndpointFilter(Scope(type, write: false)).WithName($"Fhir{type}Read");
            fhir.MapGet($"/{type}/{{id}}/_history/{{vid}}", (HttpContext http, string id, string vid, FhirStore store, ClinicClock clock, CancellationToken ct) => ReadAsync(http, store, clock, type, id, vid, ct))
                .AddEndpointFilter(Scope(type, write: false)).WithName($"Fhir{type}Vread");
        }
        fhir.MapPost("/QuestionnaireResponse", (HttpContext http, QuestionnaireResponseIntake intake, CancellationToken ct) => intake.CreateAsync(http, ct))
            .AddEndpointFilter(Scope("QuestionnaireResponse", write: true)).WithName("FhirQuestionnaireResponseCreate");
        // A fallback (any method, tried last), written as Map with the last order: with the request delegate generator,
        // MapFallback(pattern, handler) came out as the route {*path:nonfile} (EndpointAccessTests saw it).
        fhir.Map("{**rest}", Unsupported).WithOrder(int.MaxValue).WithName("FhirUnsupported");
    }

    /// <summary>Anything else under /fhir: 404 for a type Attune does not serve, 405 for an interaction it does not offer.</summary>
    private static IResult Unsupported(HttpContext http, string? rest)
    {
        var type = rest?.Split('/', 2)[0] ?? "";
        return FhirSupport.Resources.Any(r => r.Type == type)
            ? FhirOutcomes.Error(StatusCodes.Status405MethodNotAllowed, OperationOutcome.IssueType.NotSupported,
                $"{http.Request.Method} is not supported here for {type}; see /fhir/metadata for what is.")
            : FhirOutcomes.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotSupported,
                $"Attune does not serve '{type}'; see /fhir/metadata for the resource types it does.");
    }

    /// <summary>Refuses (403, OperationOutcome) a token without the SMART scope for this type and interaction.</summary>
    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Scope(string type, bool write) => async (context, next) =>
    {
        if (NotAcceptable(context.HttpContext.Request) is { } refused)
            return refused;
        var scopes = context.HttpContext.User.GetScopes();
        if (!ApiScopes.AllowsFhir(scopes, type, write))
            return FhirOutcomes.Error(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden,
                $"This token does not have the scope {(write ? ApiScopes.Write(type) : ApiScopes.Read(type))} (or {(write ? ApiScopes.AllFhirWrite : ApiScopes.AllFhirRead)}).");
        return await next(context);
    };

    /// <summary>Attune writes FHIR JSON only; a caller that will take only XML is told so (406).</summary>
    private static IResult? NotAcceptable(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (format.Length > 0 && format is not ("json" or "application/json" or "application/fhir+json"))
            return FhirOutcomes.Error(StatusCodes.Status406NotAcceptable, OperationOutcome.IssueType.NotSupported, "Attune speaks FHIR JSON only (_format=json).");
        var accept = request.Headers.Accept.ToString();
        if (accept.Length > 0 && !accept.Contains("json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal))
            return FhirOutcomes.Error(StatusCodes.Status406NotAcceptable, OperationOutcome.IssueType.NotSupported, "Attune speaks FHIR JSON only: accept application/fhir+json.");
        return null;
    }

    /// <summary>The FHIR base as systems are to use it: from the configured public address (PublicUrl), never from the request's own Host header.</summary>
    public static string BaseUrl(HttpRequest request) => PublicRoot(request) + "/fhir";

    private static string PublicRoot(HttpRequest request) => request.HttpContext.RequestServices.GetRequiredService<CheckIns.CheckInDelivery>().PublicUrl;

    private static IResult Metadata(HttpContext http, TimeProvider clock)
    {
        if (NotAcceptable(http.Request) is { } refused) return refused;
        var version = typeof(FhirEndpoints).Assembly.GetName().Version?.ToString(3);
        return Json(http, FhirSupport.Capabilities(BaseUrl(http.Request), clock.GetUtcNow(), version), StatusCodes.Status200OK);
    }

    private static IResult SmartConfiguration(HttpContext http)
    {
        var root = PublicRoot(http.Request);
        return Results.Json(new Dictionary<string, object>
        {
            ["token_endpoint"] = root + ApiAccess.TokenPath,
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
            ["scopes_supported"] = ApiScopes.All,
            ["capabilities"] = new[] { "client-confidential-symmetric" },
        });
    }

    private static async Task<IResult> SearchAsync(HttpContext http, FhirStore store, ClinicClock clock, FhirResourceSupport resource, CancellationToken ct)
    {
        var query = FhirQuery.Parse(http.Request, resource, clock);
        if (query.Problems.Count > 0)
            return FhirOutcomes.Outcome(StatusCodes.Status400BadRequest, new OperationOutcome
            {
                Issue = query.Problems.Select(p => new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Invalid, Diagnostics = p }).ToList(),
            });
        var page = resource.Type == "Questionnaire" ? store.Questionnaires(query) : await store.SearchAsync(resource.Type, query, null, ct);
        var baseUrl = BaseUrl(http.Request);
        var bundle = new Bundle { Id = Guid.NewGuid().ToString(), Type = Bundle.BundleType.Searchset, Total = page!.Total, Timestamp = DateTimeOffset.UtcNow };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = query.Link(baseUrl, resource.Type, query.Offset) });
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "first", Url = query.Link(baseUrl, resource.Type, 0) });
        if (query.Offset > 0 && query.Count > 0)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = query.Link(baseUrl, resource.Type, Math.Max(0, query.Offset - query.Count)) });
        if (query.Count > 0 && query.Offset + query.Count < page.Total)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = query.Link(baseUrl, resource.Type, query.Offset + query.Count) });
        if (query.Count > 0 && page.Total > 0)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "last", Url = query.Link(baseUrl, resource.Type, (page.Total - 1) / query.Count * query.Count) });
        foreach (var r in page.Resources)
        {
            Stamp(r);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{r.TypeName}/{r.Id}",
                Resource = r,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        if (query.Ignored.Count > 0)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                Resource = new OperationOutcome
                {
                    Id = Guid.NewGuid().ToString(),
                    Issue = [new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported,
                        Diagnostics = $"Ignored search parameters not supported for {resource.Type}: {string.Join(", ", query.Ignored.Distinct())}.",
                    }],
                },
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        return Json(http, bundle, StatusCodes.Status200OK);
    }

    private static async Task<IResult> ReadAsync(HttpContext http, FhirStore store, ClinicClock clock, string type, string id, string? vid, CancellationToken ct)
    {
        Resource? resource;
        if (type == "Questionnaire")
            resource = await store.QuestionnaireAsync(id, ct);
        else
        {
            var key = type == "Observation" ? FhirResources.ResponseOfScore(id) : Guid.TryParse(id, out var g) ? g : null;
            resource = key is null ? null : (await store.SearchAsync(type, new FhirQuery(), key, ct))?.Resources.SingleOrDefault();
        }
        if (resource is null)
            return FhirOutcomes.NotFound(type, id);
        var version = Stamp(resource);
        if (vid is not null && vid != version)
            return FhirOutcomes.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"Attune keeps only the current version of {type}/{id}, which is {version}.");
        var etag = $"W/\"{version}\"";
        http.Response.Headers.ETag = etag;
        if (http.Request.Headers.IfNoneMatch.Any(v => v == etag || v == "*"))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Json(http, resource, StatusCodes.Status200OK);
    }

    /// <summary>Gives a resource its version id (a hash of its content) and, where it has one, when it last changed.</summary>
    public static string Stamp(Resource resource)
    {
        var updated = resource switch
        {
            QuestionnaireResponse qr when qr.Authored is { } authored => DateTimeOffset.Parse(authored, System.Globalization.CultureInfo.InvariantCulture),
            Observation o => o.Issued,
            _ => null,
        };
        var version = FhirResources.VersionOf(resource);
        resource.Meta = new Meta { VersionId = version, LastUpdated = updated };
        return version;
    }

    public static IResult Json(HttpContext http, Resource resource, int status)
    {
        var pretty = http.Request.Query["_pretty"] == "true";
        return Results.Text(FhirJson.Serialize(resource, pretty), FhirOutcomes.ContentType, System.Text.Encoding.UTF8, status);
    }
}
