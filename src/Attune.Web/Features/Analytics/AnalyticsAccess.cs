using Attune.Core.Analytics;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Attune.Web.Features.Analytics;

/// <summary>The analytics settings (section "Analytics"): the smallest number of relationships a figure is shown for.</summary>
public sealed class AnalyticsOptions
{
    public int MinimumCell { get; set; } = 10;
}

/// <summary>
/// The analytics as one person may see them: whose relationships (<see cref="Scope"/>, and <see cref="Whose"/> as a
/// chart's row label), the number closed in the range, the figures, each clinician's label, and, for a clinician or a
/// supervisor, the whole clinic's figures to compare with (no colleague named: <see cref="Clinic"/> has no per-clinician shares).
/// </summary>
public sealed record AnalyticsView(string Scope, string Whose, int Closed, ClinicAnalyticsResult Result, AnalyticsSettings Settings,
    IReadOnlyDictionary<Guid, string> Clinicians, ClinicAnalyticsResult? Clinic, int ClinicClosed);

/// <summary>
/// Who sees which analytics: a clinician their own relationships; a supervisor their own and their supervisees'; an
/// admin the whole clinic's, with clinicians de-identified ("Clinician 1", …). No one else. Each view is audited.
/// </summary>
public sealed class AnalyticsAccess(AttuneDbContext db, CurrentStaff staff, AnalyticsQuery query, AuditTrail audit, IOptions<AnalyticsOptions> options)
{
    public const string WhoMay = "The analytics are for clinicians (their own), supervisors (with their supervisees') and admins (the clinic's).";

    public async Task<ActionResult<AnalyticsView>> ForCurrentAsync(DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        IReadOnlyCollection<Guid>? clinicians;
        string scope, whose;
        Dictionary<Guid, string> labels;
        var names = await db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == user.OrganisationId).ToListAsync(ct);
        if (staff.Principal.IsInRole(StaffRoles.Admin))
        {
            clinicians = null;
            (scope, whose) = ("the clinic's closed relationships", "The clinic");
            labels = names.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Select((c, i) => (c.Id, $"Clinician {i + 1}")).ToDictionary(x => x.Id, x => x.Item2);
        }
        else if (user.ClinicianId is { } me && (staff.Principal.IsInRole(StaffRoles.Clinician) || staff.Principal.IsInRole(StaffRoles.Supervisor)))
        {
            var supervisees = staff.Principal.IsInRole(StaffRoles.Supervisor) ? names.Where(c => c.SupervisorId == me).Select(c => c.Id).ToList() : [];
            clinicians = [me, .. supervisees];
            (scope, whose) = supervisees.Count == 0 ? ("your closed relationships", "Yours") : ("your and your supervisees' closed relationships", "You and your supervisees");
            labels = names.Where(c => clinicians.Contains(c.Id)).ToDictionary(c => c.Id, c => c.Id == me ? $"{c.DisplayName} (you)" : c.DisplayName);
        }
        else
            return Refusal.Forbidden(WhoMay);
        var settings = query.Settings(minimumCell: options.Value.MinimumCell);
        // The figures are made in a method of their own: an async method's locals live until it returns, so the clinic's
        // rows are unreachable only once it has, and the memory they took can then be given back.
        var (figures, clinic, closed, clinicClosed, rows) = await FiguresAsync(user.OrganisationId, clinicians, from, to, settings, ct);
        await Database.LargeReads.DoneAsync(rows);
        audit.Staff(user, "read", "ClinicAnalytics", user.OrganisationId);
        await db.SaveChangesAsync(ct);
        return new AnalyticsView(scope, whose, closed, figures, settings, labels, clinic, clinicClosed);
    }

    /// <summary>The figures of the given clinicians' relationships (null: the clinic's) and, beside them, the clinic's own; with the number of rows read.</summary>
    private async Task<(ClinicAnalyticsResult Figures, ClinicAnalyticsResult? Clinic, int Closed, int ClinicClosed, long Rows)> FiguresAsync(
        Guid organisationId, IReadOnlyCollection<Guid>? clinicians, DateTimeOffset? from, DateTimeOffset? to, AnalyticsSettings settings, CancellationToken ct)
    {
        var all = await query.CasesAsync(organisationId, null, from, to, ct);
        var cases = clinicians is null ? all : all.Where(c => clinicians.Contains(c.ClinicianId)).ToList();
        // The clinic's own figures beside one's own; for an admin they are the same.
        var clinic = clinicians is null ? null : ClinicAnalytics.Compute(all, settings) with { OutcomesByClinician = new Dictionary<Guid, OutcomeShares?>(), ScoredByClinician = new Dictionary<Guid, int>() };
        return (ClinicAnalytics.Compute(cases, settings), clinic, cases.Count, all.Count, AnalyticsQuery.RowsOf(all));
    }
}

public static class AnalyticsSetup
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<AnalyticsOptions>().Bind(config.GetSection("Analytics"))
            .Validate(o => o.MinimumCell >= 1, "Analytics:MinimumCell must be at least 1.").ValidateOnStart();
        services.AddScoped<AnalyticsQuery>();
        services.AddScoped<AnalyticsAccess>();
        services.AddScoped<ResearchExport>();
        return services;
    }

    /// <summary>The de-identified research export, for the clinic's admins: relationships closed from one clinic day to another (both yyyy-MM-dd, both optional, the last included).</summary>
    public static void MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/analytics/research-export.zip", async (string? from, string? to, ResearchExport export, Time.ClinicClock clock, CancellationToken ct) =>
        {
            DateOnly? Day(string? text) => string.IsNullOrWhiteSpace(text) ? null
                : DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d
                : throw new FormatException();
            DateOnly? first, last;
            try { (first, last) = (Day(from), Day(to)); }
            catch (FormatException) { return Results.Problem("Give the days as yyyy-MM-dd, like 2026-01-31.", statusCode: StatusCodes.Status400BadRequest); }
            if (first is not null && last is not null && last < first)
                return Results.Problem("The last day comes before the first.", statusCode: StatusCodes.Status400BadRequest);
            var made = await export.ForCurrentAsync(first is { } f ? clock.FromLocal(f.ToDateTime(TimeOnly.MinValue)) : null,
                last is { } l ? clock.FromLocal(l.AddDays(1).ToDateTime(TimeOnly.MinValue)) : null, ct);
            if (made.Refusal is { } refused)
                return Results.Problem(refused.Message, statusCode: StatusCodes.Status403Forbidden);
            return Results.File(made.Value!.Zip, "application/zip", made.Value.FileName);
        }).RequireAuthorization(Policies.Admin).WithName("ResearchExport");
    }
}
