using Attune.Core.Supervision;
using Attune.Web.Features.Integrations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attune.Web.Features.Supervision;

/// <summary>A supervisee at a supervision session and when they signed it (null: not yet).</summary>
public sealed record SessionSuperviseeDto(Guid ClinicianId, string Name, DateTimeOffset? SignedAt);

/// <summary>A supervision session as the REST API gives it: no topics and no clients (those stay in Attune).</summary>
public sealed record SupervisionSessionDto(
    Guid Id, DateTimeOffset StartsAt, int Minutes, SupervisionFormat Format, SupervisionKind Kind,
    Guid SupervisorId, string SupervisorName, DateTimeOffset SupervisorSignedAt, IReadOnlyList<SessionSuperviseeDto> Supervisees);

/// <summary>A supervisee's supervised hours: totals of the sessions both signed, in hours to two decimals, and every session.</summary>
public sealed record SupervisionHoursDto(
    Guid ClinicianId, string Name, decimal Hours, decimal IndividualHours, decimal GroupHours, decimal InPersonHours, decimal OnlineHours,
    decimal UnsignedHours, IReadOnlyList<SupervisionSessionDto> Sessions);

/// <summary>Supervision sessions and supervised hours on the REST API (issue 21, point 7), for clinics that report hours elsewhere.</summary>
public static class SupervisionApi
{
    private const string Area = "supervision";

    public static void MapSupervisionApi(this RouteGroupBuilder api)
    {
        var supervision = api.MapGroup("/supervision").WithTags("Supervision");
        supervision.MapGet("/sessions", SessionsAsync).WithName("ListSupervisionSessions").RequireScope(Area, write: false)
            .WithSummary("Supervision sessions")
            .WithDescription("Every session the staff member the system acts as logged as the supervisor or was at as a supervisee, newest first; " +
                "with `supervisee`, only those with that clinician. Each session carries both signatures. Topics and clients discussed are not given. Each read is audited.");
        supervision.MapGet("/hours/{clinicianId:guid}", HoursAsync).WithName("GetSupervisedHours").RequireScope(Area, write: false)
            .WithSummary("A supervisee's supervised hours")
            .WithDescription("For the supervisee themself, their supervisor, and a supervisor who logged sessions with them. A session counts once the supervisor " +
                "(in logging it) and the supervisee have both signed it. Audited.");
    }

    private static decimal Hours(int minutes) => Math.Round(minutes / 60m, 2);

    private static SupervisionSessionDto ToDto(SupervisionSessionView s) => new(
        s.Id, s.StartsAt, s.Minutes, s.Format, s.Kind, s.SupervisorId, s.SupervisorName, s.SupervisorSignedAt,
        s.Supervisees.Select(a => new SessionSuperviseeDto(a.ClinicianId, a.Name, a.SignedAt)).ToList());

    private static async Task<Ok<List<SupervisionSessionDto>>> SessionsAsync(Guid? supervisee, SupervisionSessionQuery query, CancellationToken ct) =>
        TypedResults.Ok((await query.ForApiAsync(supervisee, ct)).Select(ToDto).ToList());

    private static async Task<Results<Ok<SupervisionHoursDto>, ValidationProblem, ProblemHttpResult>> HoursAsync(Guid clinicianId, SupervisionSessionQuery query, CancellationToken ct) =>
        RestApi.Answer(await query.HoursAsync(clinicianId, ct), h => new SupervisionHoursDto(h.ClinicianId, h.Name, Hours(h.SignedMinutes), Hours(h.IndividualMinutes),
            Hours(h.GroupMinutes), Hours(h.InPersonMinutes), Hours(h.OnlineMinutes), Hours(h.UnsignedMinutes), h.Sessions.Select(ToDto).ToList()));
}
