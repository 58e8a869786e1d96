using Attune.Core.Matching;
using Attune.Web.Features.Integrations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attune.Web.Features.Matching;

/// <summary>One preference: a criterion (see GET …/preferences for the keys), its values, and MustHave or NiceToHave.</summary>
public sealed record PreferenceDto(string Criterion, IReadOnlyList<string> Values, string Importance);

/// <summary>A client's matching preferences: the problem domains they named, and each preference.</summary>
public sealed record MatchPreferencesDto(Guid ClientId, bool GivenByClient, DateTimeOffset? UpdatedAt, IReadOnlyList<string> Concerns, IReadOnlyList<PreferenceDto> Preferences);

/// <summary>The preferences to store (all of them: what is left out is no longer a preference).</summary>
public sealed record MatchPreferencesBody(IReadOnlyList<string>? Concerns, IReadOnlyList<PreferenceBody>? Preferences);

public sealed record PreferenceBody(string? Criterion, IReadOnlyList<string>? Values, string? Importance);

public sealed record SuggestionDto(int Rank, Guid ClinicianId, string Name, double Score, bool BestMatch, IReadOnlyList<string> Fits, IReadOnlyList<string> NotMet);

public sealed record ExclusionDto(Guid ClinicianId, string Name, IReadOnlyList<string> MustHavesNotMet, bool NoOpenPlaces);

/// <summary>Colleagues ranked for a client, each with its reasons in words, and those a hard limit ruled out.</summary>
public sealed record MatchesDto(Guid ClientId, IReadOnlyList<string> MostElevated, IReadOnlyList<SuggestionDto> Suggestions, IReadOnlyList<ExclusionDto> Excluded,
    IReadOnlyList<string> WithoutProfile, MatchWeights Weights);

/// <summary>
/// Matching on the REST API (scope <c>attune/matching.read</c> / <c>.write</c>): the clinic's track records as the
/// clinician may see them, a client's preferences, and colleagues ranked for a client. The same queries and action as
/// the pages, so the same people may use them and each read is audited.
/// </summary>
public static class MatchingApi
{
    private const string Area = "matching";

    public static void MapMatchingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/matching/track-record", TrackRecordAsync).WithName("GetTrackRecord").WithTags("Matching").RequireScope(Area, write: false)
            .WithSummary("The clinic's track records per problem domain")
            .WithDescription("Each domain's clinic-wide line of change on intake score, the calling clinician's own record and the records of colleagues who share theirs: cases, mean residual, interval and class (Effective, Neutral, Ineffective, NotEnoughCases). The method is in docs/matching.md. Audited.");
        var client = api.MapGroup("/clients/{clientId:guid}").WithTags("Matching");
        client.MapGet("/preferences", PreferencesAsync).WithName("GetMatchPreferences").RequireScope(Area, write: false)
            .WithSummary("The client's matching preferences").WithDescription("Only the client's own clinician. Audited.");
        client.MapPut("/preferences", SavePreferencesAsync).WithName("SaveMatchPreferences").RequireScope(Area, write: true)
            .AcceptsJson<MatchPreferencesBody>()
            .WithSummary("Store the client's matching preferences")
            .WithDescription($"`concerns`: problem domains ({string.Join(", ", ProblemDomains.BuiltIn.Select(d => d.Id))}, and any the clinic added). `preferences`: {{criterion, values, importance}} with criterion one of {string.Join(", ", MatchCriteria.All.Select(c => c.Key))} and importance MustHave or NiceToHave (the default). Replaces what was stored. Only the client's own clinician.");
        client.MapGet("/matches", MatchesAsync).WithName("GetMatches").RequireScope(Area, write: false)
            .WithSummary("Colleagues ranked for the client")
            .WithDescription("For a client who asks for another therapist: hard limits filter, then the track record on the client's most elevated domains and the nice-to-haves rank, each with its reasons in words. The current clinician is not suggested. Only the client's own clinician. Audited.");
    }

    private static MatchPreferencesDto ToDto(Guid clientId, MatchPreferences p, ClientMatchPreferences? stored) => new(
        clientId, stored?.GivenByClient ?? false, stored?.UpdatedAt, p.Concerns,
        p.Preferences.Select(x => new PreferenceDto(x.Criterion, x.Values, x.Importance.ToString())).ToList());

    private static async Task<Results<Ok<TrackRecordReport>, ValidationProblem, ProblemHttpResult>> TrackRecordAsync(TherapistProfileQuery query, CancellationToken ct) =>
        RestApi.Answer(await query.SharedAsync(ct), r => r);

    private static async Task<Results<Ok<MatchPreferencesDto>, ValidationProblem, ProblemHttpResult>> PreferencesAsync(Guid clientId, MatchQuery query, CancellationToken ct) =>
        RestApi.Answer(await query.PreferencesAsync(clientId, ct), p => ToDto(clientId, p.Preferences, p.Stored));

    private static async Task<Results<Ok<MatchPreferencesDto>, ValidationProblem, ProblemHttpResult>> SavePreferencesAsync(
        Guid clientId, HttpRequest request, MatchPreferenceActions actions, CancellationToken ct)
    {
        var (body, invalid) = await RestApi.ReadAsync<MatchPreferencesBody>(request, ct);
        if (invalid is not null) return invalid;
        if (body!.Preferences?.FirstOrDefault(p => string.IsNullOrWhiteSpace(p.Criterion)) is not null)
            return RestApi.Invalid("preferences", "Each preference names its criterion.");
        var input = new MatchPreferencesInput(body.Concerns ?? [],
            (body.Preferences ?? []).Select(p => new PreferenceInput(p.Criterion!, p.Values ?? [], p.Importance)).ToList());
        var saved = await actions.SaveAsync(clientId, input, ct);
        return RestApi.Answer(saved, p => ToDto(clientId, p.Preferences, p.Stored));
    }

    private static async Task<Results<Ok<MatchesDto>, ValidationProblem, ProblemHttpResult>> MatchesAsync(Guid clientId, MatchQuery query, CancellationToken ct) =>
        RestApi.Answer(await query.LoadAsync(clientId, ct), v => new MatchesDto(v.ClientId, v.Elevated.Select(d => d.Id).ToList(),
            v.Result.Suggestions.Select(s => new SuggestionDto(s.Rank, s.ClinicianId, s.Name, s.Score, s.BestMatch, s.Reasons, s.NotMet)).ToList(),
            v.Result.Excluded.Select(e => new ExclusionDto(e.ClinicianId, e.Name, e.Unmet, e.NoOpenPlaces)).ToList(),
            v.WithoutProfile, v.Weights));
}
