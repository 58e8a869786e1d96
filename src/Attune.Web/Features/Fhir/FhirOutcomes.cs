using Attune.Core.Fhir;
using Hl7.Fhir.Model;

namespace Attune.Web.Features.Fhir;

/// <summary>
/// Errors on the FHIR endpoint as OperationOutcome resources with the status that fits (as microsoft/fhir-server does):
/// 400 for what cannot be read, 404 for what is not there (or not the caller's), 422 for a resource that breaks a rule.
/// </summary>
public static class FhirOutcomes
{
    public const string ContentType = "application/fhir+json";

    public static IResult Error(int status, OperationOutcome.IssueType code, string diagnostics, params string[] expressions) =>
        Outcome(status, new OperationOutcome
        {
            Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = diagnostics, Expression = expressions }],
        });

    public static IResult Outcome(int status, OperationOutcome outcome) =>
        Results.Text(FhirJson.Serialize(outcome), ContentType, System.Text.Encoding.UTF8, status);

    public static IResult NotFound(string type, string id) =>
        Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"{type}/{id} is not known, or is not yours to see.");

    /// <summary>
    /// An action's refusal, mapped once for FHIR: not found 404, forbidden 403, conflict 409, and an invalid input 422
    /// with one issue per problem, each pointing at its place in the resource (<paramref name="expression"/> maps the
    /// action's field names to FHIRPath).
    /// </summary>
    public static IResult Refused(Actions.Refusal refusal, Func<string, string> expression) => refusal.Outcome switch
    {
        Actions.Outcome.NotFound => Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, refusal.Message),
        Actions.Outcome.Forbidden => Error(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, refusal.Message),
        Actions.Outcome.Conflict => Error(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict, refusal.Message),
        _ => Outcome(StatusCodes.Status422UnprocessableEntity, new OperationOutcome
        {
            Issue = (refusal.Problems.Count > 0 ? refusal.Problems : [new Actions.FieldProblem("", refusal.Message)])
                .Select(p => new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Processing, Diagnostics = p.Message,
                    Expression = p.Field == "" ? [] : [expression(p.Field)],
                }).ToList(),
        }),
    };

    public static IResult Invalid(string diagnostics, params string[] expressions) =>
        Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, diagnostics, expressions);

    /// <summary>Fills in an OperationOutcome for refusals made before a FHIR handler ran (authentication, routing, size).</summary>
    public static IApplicationBuilder UseFhirOutcomes(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next();
        var response = context.Response;
        if (response.HasStarted || response.StatusCode < 400 || response.ContentLength > 0 || response.ContentType is not null)
            return;
        var (code, text) = response.StatusCode switch
        {
            401 => (OperationOutcome.IssueType.Login, "An access token is needed: ask /connect/token with the client credentials grant, then send it as 'Authorization: Bearer …'."),
            403 => (OperationOutcome.IssueType.Forbidden, "This token's scopes or its staff member do not allow this."),
            404 => (OperationOutcome.IssueType.NotSupported, "There is no such FHIR interaction here; see /fhir/metadata for what is supported."),
            405 => (OperationOutcome.IssueType.NotSupported, "This interaction is not supported for this resource; see /fhir/metadata."),
            413 => (OperationOutcome.IssueType.TooCostly, "Attune accepts requests of up to 1 MB."),
            429 => (OperationOutcome.IssueType.Throttled, "Too many requests: wait a minute and try again."),
            >= 500 => (OperationOutcome.IssueType.Exception, "Attune could not complete this request; nothing was changed."),
            _ => (OperationOutcome.IssueType.Invalid, "The request was refused."),
        };
        response.ContentType = ContentType;
        await response.WriteAsync(FhirJson.Serialize(new OperationOutcome
        {
            Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = text }],
        }));
    });
}
