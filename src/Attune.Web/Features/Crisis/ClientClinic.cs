using Attune.Core.Clinic;
using Attune.Data;
using Attune.Web.Features.CheckIns;
using Attune.Web.Features.Progress;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Crisis;

/// <summary>What every client page shows around its content: the clinic's and the therapist's names, and the clinic's crisis lines.</summary>
/// <param name="ClinicName">Null on a page whose link names no relationship (mistyped or tampered with).</param>
public sealed record ClientClinicView(string? ClinicName, string? TherapistName, CrisisResourceList Crisis);

/// <summary>
/// The clinic a client page belongs to, read from the signed link in its address (/c/{token}: a check-in; /p/{token}:
/// a progress link and the pages under it; /m/{token}: a client's preferences at intake; /m/choose/{token}: their choice of therapist), once per request. The layout's header and footer and the page share it.
/// It reads through a scope of its own, so it never runs a query on the page's database context at the same time as
/// the page. An expired link still names its clinic, so that its crisis lines show; a link that names nothing, or a
/// failure to read, gets the installation's lines: a client page never shows no crisis lines.
/// </summary>
public sealed class ClientClinic(IHttpContextAccessor http, IServiceScopeFactory scopes, CheckInLinks checkIns, ProgressLinks progress,
    Matching.PreferenceLinks preferences, Matching.ChoiceLinks choices, ClinicCrisisResources crisis, ILogger<ClientClinic> logger)
{
    private Task<ClientClinicView>? _view;

    public Task<ClientClinicView> CurrentAsync() => _view ??= LoadAsync();

    private async Task<ClientClinicView> LoadAsync()
    {
        var fallback = new ClientClinicView(null, null, crisis.Installation);
        var context = http.HttpContext;
        if (context?.GetRouteValue("Token") is not string token)
            return fallback;
        var path = context.Request.Path.Value ?? "";
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            Guid? relationshipId = null;
            if (path.StartsWith("/c/", StringComparison.Ordinal) && checkIns.Read(token) is { } checkIn)
                relationshipId = await db.CheckIns.AsNoTracking().Where(c => c.Id == checkIn.Id).Select(c => (Guid?)c.RelationshipId).SingleOrDefaultAsync(context.RequestAborted);
            else if (path.StartsWith("/p/", StringComparison.Ordinal) && progress.Read(token) is { } link)
                relationshipId = link.Id;
            Guid? waitingClientId = null;
            if (path.StartsWith("/m/choose/", StringComparison.Ordinal) && choices.Read(token) is { } choice)
                waitingClientId = await db.MatchOffers.AsNoTracking().Where(o => o.Id == choice.Id).Select(o => (Guid?)o.ClientId).SingleOrDefaultAsync(context.RequestAborted);
            else if (path.StartsWith("/m/", StringComparison.Ordinal) && preferences.Read(token) is { } asked)
                waitingClientId = asked.Id;
            if (waitingClientId is { } waiting)
            {
                // A client at intake: the clinic is known, a therapist not yet.
                var clinic = await (
                    from c in db.Clients.AsNoTracking()
                    where c.Id == waiting
                    join o in db.Organisations on c.OrganisationId equals o.Id
                    select new { o.Name, o.CrisisResources }).SingleOrDefaultAsync(context.RequestAborted);
                return clinic is null ? fallback : new(clinic.Name, null, clinic.CrisisResources ?? crisis.Installation);
            }
            if (relationshipId is not { } id)
                return fallback;
            var found = await (
                from r in db.Relationships.AsNoTracking()
                where r.Id == id
                join o in db.Organisations on r.OrganisationId equals o.Id
                join c in db.Clinicians on r.ClinicianId equals c.Id
                select new { Clinic = o.Name, Therapist = c.DisplayName, o.CrisisResources }).SingleOrDefaultAsync(context.RequestAborted);
            return found is null ? fallback : new(found.Clinic, found.Therapist, found.CrisisResources ?? crisis.Installation);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or OperationCanceledException)
        {
            logger.LogWarning("The clinic of a client page could not be read ({Error}); the installation's crisis lines are shown", e.GetType().Name);
            return fallback;
        }
    }
}
