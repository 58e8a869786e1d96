using System.Text.Json;
using Attune.Core.Clinic;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Goals;
using Attune.Web.Features.Lifecycle;
using Attune.Web.Features.Matching;
using Attune.Web.Features.Ruptures;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;
using Attune.Web.Features.Supervision;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Attune.Web.Features.Integrations;

/// <summary>
/// The REST API at /api/v1 for what FHIR does not carry: signals (alerts), treatment goals, ruptures, phases, matching
/// and supervision (sessions and supervised hours). The
/// same systems as the FHIR endpoint call it, with the same tokens; each area needs its own scope
/// (<c>attune/ruptures.read</c>, <c>attune/ruptures.write</c>, …), and the staff member the system acts as must be
/// allowed the record, exactly as in the web app. Errors are RFC 9457 problem details. Each area's endpoints live
/// with its feature (<see cref="RuptureApi"/>, …).
/// </summary>
public static class RestApi
{
    public const string Prefix = "/api/v1";
    public const string DocumentName = "v1";

    public static void MapRestApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup(Prefix).RequireAuthorization(ApiAccess.Policy).DisableAntiforgery();
        v1.MapSignalApi();
        v1.MapGoalApi();
        v1.MapRuptureApi();
        v1.MapPhaseApi();
        v1.MapMatchingApi();
        v1.MapSupervisionApi();
    }

    /// <summary>Refuses (403, problem details) a token without this area's scope.</summary>
    public static RouteHandlerBuilder RequireScope(this RouteHandlerBuilder endpoint, string area, bool write)
    {
        var scope = write ? ApiScopes.RestWrite(area) : ApiScopes.RestRead(area);
        return endpoint
            .AddEndpointFilter(async (context, next) => ApiScopes.AllowsRest(context.HttpContext.User.GetScopes(), area, write)
                ? await next(context)
                : TypedResults.Problem($"This token does not have the scope {scope}.", statusCode: StatusCodes.Status403Forbidden, title: "Scope missing"))
            .WithMetadata(new ScopeMetadata(scope))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    /// <summary>
    /// Documents a JSON body. Any content type still reaches the handler, which reads the body itself and says what is
    /// wrong (routing would otherwise answer another content type before the token is even looked at).
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder endpoint) where T : notnull =>
        endpoint.Accepts<T>("application/json", AnyContentType);

    public const string AnyContentType = "*/*";

    /// <summary>The scope an endpoint needs, for the OpenAPI document.</summary>
    public sealed record ScopeMetadata(string Scope);

    public static ProblemHttpResult NoSuchClient() =>
        TypedResults.Problem("There is no such client, or the staff member this system acts as may not see them.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem($"There is no such {what} for this client.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult OnlyTheirClinician(string what) =>
        TypedResults.Problem($"Only the client's own clinician {what}; the staff member this system acts as may read but not change this record.",
            statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    /// <summary>A change the record's current state does not allow (its own rules said no; nothing was changed).</summary>
    public static ProblemHttpResult Conflict(string why) =>
        TypedResults.Problem(why, statusCode: StatusCodes.Status409Conflict, title: "Not possible now");

    /// <summary>
    /// An action's result as the REST API answers it: 200 with the record, or the refusal as problem details (404, 403,
    /// 409, or 400 naming the field).
    /// </summary>
    public static Results<Ok<TDto>, ValidationProblem, ProblemHttpResult> Answer<T, TDto>(Actions.ActionResult<T> result, Func<T, TDto> map) =>
        result.Refusal switch
        {
            null => TypedResults.Ok(map(result.Value!)),
            { Outcome: Actions.Outcome.Invalid } r => TypedResults.ValidationProblem(
                r.Problems.Count == 0 ? new Dictionary<string, string[]> { ["body"] = [r.Message] }
                    : r.Problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
                title: "The request is not valid"),
            { Outcome: Actions.Outcome.NotFound } r => TypedResults.Problem(r.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            { Outcome: Actions.Outcome.Forbidden } r => TypedResults.Problem(r.Message, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed"),
            var r => Conflict(r.Message),
        };

    public static ValidationProblem Invalid(string field, string why) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [why] }, title: "The request is not valid");

    public static string Choices<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>());

    private static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    /// <summary>
    /// Reads a JSON body, with an error that says what is wrong and where (the framework's own binding answers a bare
    /// 400). Values are strings; the handler checks each against its list.
    /// </summary>
    public static async Task<(T? Body, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Invalid("body", "Send the body as JSON (Content-Type: application/json)."));
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, BodyOptions, ct);
            return body is null ? (null, Invalid("body", "The body is empty.")) : (body, null);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, Invalid(where, e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "This member is not part of the request; see the API reference."
                : "This is not valid JSON of the expected shape (see the API reference)."));
        }
    }
}

/// <summary>The record a REST call is about, as the staff member behind the token may see it.</summary>
public sealed class ApiCaller(CurrentStaff staff, CaseloadAccess access)
{
    private StaffUser? _user;

    public async Task<StaffUser> UserAsync(CancellationToken ct) => _user ??= await staff.GetAsync(ct);

    /// <summary>The client's current episode (an open one, else the latest) if the user may see the client; tracked.</summary>
    public async Task<TherapeuticRelationship?> EpisodeAsync(Guid clientId, CancellationToken ct) =>
        await access.CurrentFirst(await UserAsync(ct), clientId).FirstOrDefaultAsync(ct);

    /// <summary>Every episode of the client the user may see, oldest first.</summary>
    public async Task<List<TherapeuticRelationship>> EpisodesAsync(AttuneDbContext db, Guid clientId, CancellationToken ct)
    {
        var user = await UserAsync(ct);
        var visible = access.Clients(user).Where(c => c.Id == clientId).Select(c => c.Id);
        return await db.Relationships.Include(r => r.PhaseChanges)
            .Where(r => r.ClientId == clientId && r.OrganisationId == user.OrganisationId && visible.Contains(r.ClientId))
            .OrderBy(r => r.OpenedAt).ToListAsync(ct);
    }
}
