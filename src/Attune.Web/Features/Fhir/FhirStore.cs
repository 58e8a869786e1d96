using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

using Attune.Web.Features.Matching;

namespace Attune.Web.Features.Fhir;

/// <summary>One page of a search: the resources, how many match in all, and the client each resource is about.</summary>
public sealed record FhirPage(IReadOnlyList<Resource> Resources, int Total);

/// <summary>
/// The FHIR view of what the staff member behind the token may see (<see cref="CaseloadAccess"/>: their clients, and a
/// supervisor's supervisees' clients, with all of those clients' episodes in the clinic). Every resource about a
/// client that leaves here is audited as a read.
/// </summary>
public sealed class FhirStore(AttuneDbContext db, CaseloadAccess access, CurrentStaff staff, InstrumentCatalog catalog, ClinicClock clock, AuditTrail audit, FreeTextProtector protector,
    ProblemDomainCatalog domains)
{
    private StaffUser? _current;
    private StaffUser _user => _current ?? throw new InvalidOperationException("UserAsync first.");

    public async Task<StaffUser> UserAsync(CancellationToken ct) => _current ??= await staff.GetAsync(ct);

    /// <summary>
    /// Every episode of the clients the user may see (their earlier ones with other clinicians too). Each episode asks
    /// whether its own client is one (EXISTS, by key), not "is its client in the list of the user's clients", which
    /// SQLite built whole for every search (a second for one client's episodes with 100,000 past clients).
    /// </summary>
    private IQueryable<TherapeuticRelationship> Episodes()
    {
        var clients = access.Clients(_user);
        return db.Relationships.AsNoTracking().Where(r => r.OrganisationId == _user.OrganisationId && clients.Any(c => c.Id == r.ClientId));
    }

    public async Task<FhirPage?> SearchAsync(string type, FhirQuery query, Guid? id, CancellationToken ct)
    {
        await UserAsync(ct);
        var page = type switch
        {
            "Patient" => await PatientsAsync(query, id, ct),
            "Practitioner" => await PractitionersAsync(query, id, ct),
            "EpisodeOfCare" => await EpisodesAsync(query, id, ct),
            "Encounter" => await EncountersAsync(query, id, ct),
            "QuestionnaireResponse" => await ResponsesAsync(query, id, ct, asScores: false),
            "Observation" => await ResponsesAsync(query, id, ct, asScores: true),
            _ => null,
        };
        if (page is not null && db.ChangeTracker.HasChanges())
            await db.SaveChangesAsync(ct);
        return page;
    }

    /// <summary>
    /// A measure's Questionnaire, or the matching preferences questionnaire (read by its id; searches list the measures a
    /// system can send). The clinician's own wellbeing instruments (ProQOL) are not clients' measures and are not served.
    /// </summary>
    public async Task<Questionnaire?> QuestionnaireAsync(string id, CancellationToken ct) =>
        id == Core.Fhir.PreferencesQuestionnaire.Id ? Core.Fhir.PreferencesQuestionnaire.Definition(await domains.ForAsync((await UserAsync(ct)).OrganisationId, ct))
        : catalog.Find(id) is { ForClients: true } d ? Core.Fhir.QuestionnaireExport.ToQuestionnaire(d) : null;

    public FhirPage Questionnaires(FhirQuery query)
    {
        IEnumerable<InstrumentDefinition> all = catalog.All.Where(d => d.ForClients).OrderBy(d => d.Id, StringComparer.Ordinal);
        foreach (var ids in query.Alternatives("_id")) all = all.Where(d => ids.Contains(d.Id));
        foreach (var urls in query.Alternatives("url")) all = all.Where(d => urls.Any(u => u.Split('|')[0] == Core.Fhir.QuestionnaireExport.CanonicalFor(d)));
        foreach (var names in query.Alternatives("name"))
            all = all.Where(d => names.Any(n => (Core.Fhir.QuestionnaireExport.ToQuestionnaire(d).Name ?? "").StartsWith(n, StringComparison.OrdinalIgnoreCase)));
        foreach (var statuses in query.Alternatives("status")) all = all.Where(_ => statuses.Any(s => s.Split('|')[^1] == "active"));
        var list = all.ToList();
        return new FhirPage(list.Skip(query.Offset).Take(query.Count).Select(d => (Resource)Core.Fhir.QuestionnaireExport.ToQuestionnaire(d)).ToList(), list.Count);
    }

    private static IQueryable<T> ById<T>(IQueryable<T> q, FhirQuery query, Guid? id, System.Linq.Expressions.Expression<Func<T, Guid>> key)
    {
        if (id is { } one)
            q = q.Where(Equal(key, one));
        foreach (var alternatives in query.Alternatives("_id"))
        {
            var ids = alternatives.Select(a => Guid.TryParse(a, out var g) ? g : (Guid?)null).OfType<Guid>().ToList();
            var parameter = key.Parameters[0];
            var contains = System.Linq.Expressions.Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(Guid)],
                System.Linq.Expressions.Expression.Constant(ids), key.Body);
            q = q.Where(System.Linq.Expressions.Expression.Lambda<Func<T, bool>>(contains, parameter));
        }
        return q;
    }

    private static System.Linq.Expressions.Expression<Func<T, bool>> Equal<T>(System.Linq.Expressions.Expression<Func<T, Guid>> key, Guid value) =>
        System.Linq.Expressions.Expression.Lambda<Func<T, bool>>(
            System.Linq.Expressions.Expression.Equal(key.Body, System.Linq.Expressions.Expression.Constant(value)), key.Parameters[0]);

    private static async Task<(List<T> Items, int Total)> PageAsync<T>(IQueryable<T> q, FhirQuery query, CancellationToken ct) =>
        (await q.Skip(query.Offset).Take(query.Count).ToListAsync(ct), await q.CountAsync(ct));

    private async Task<FhirPage> PatientsAsync(FhirQuery query, Guid? id, CancellationToken ct)
    {
        var q = ById(access.Clients(_user).AsNoTracking(), query, id, c => c.Id);
        foreach (var name in query.Values("name").Select(n => n.Trim().ToLowerInvariant()))
            q = q.Where(c => c.DisplayName.ToLower().Contains(name));
        foreach (var alternatives in query.Alternatives("identifier"))
        {
            var references = alternatives.Select(FhirQuery.ParseToken)
                .Where(t => t.System is null || t.System == FhirResources.ClinicReferenceSystem).Select(t => t.Code).OfType<string>().ToList();
            q = q.Where(c => c.Reference != null && references.Contains(c.Reference));
        }
        var (clients, total) = await PageAsync(q.OrderBy(c => c.DisplayName).ThenBy(c => c.Id), query, ct);
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == _user.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        foreach (var c in clients) audit.Staff(_user, "read", "Client", c.Id, c.Id);
        var ids = clients.Select(c => c.Id).ToList();
        var preferences = await db.MatchPreferences.AsNoTracking().Where(p => ids.Contains(p.ClientId)).ToDictionaryAsync(p => p.ClientId, ct);
        return new FhirPage(clients.Select(c => (Resource)FhirResources.Patient(c, organisation,
            preferences.TryGetValue(c.Id, out var p) ? Core.Fhir.PreferencesQuestionnaire.Languages(MatchPreferenceActions.Read(p, protector)) : null)).ToList(), total);
    }

    private async Task<FhirPage> PractitionersAsync(FhirQuery query, Guid? id, CancellationToken ct)
    {
        var me = _user.ClinicianId;
        var treating = Episodes().Select(r => r.ClinicianId);
        var q = ById(db.Clinicians.AsNoTracking().Where(c => c.OrganisationId == _user.OrganisationId
            && (c.Id == me || c.SupervisorId == me || treating.Contains(c.Id))), query, id, c => c.Id);
        foreach (var name in query.Values("name").Select(n => n.Trim().ToLowerInvariant()))
            q = q.Where(c => c.DisplayName.ToLower().Contains(name));
        var (clinicians, total) = await PageAsync(q.OrderBy(c => c.DisplayName).ThenBy(c => c.Id), query, ct);
        return new FhirPage(clinicians.Select(c => (Resource)FhirResources.Practitioner(c)).ToList(), total);
    }

    private async Task<Dictionary<Guid, string>> ClinicianNamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await db.Clinicians.AsNoTracking().Where(c => list.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
    }

    private async Task<FhirPage> EpisodesAsync(FhirQuery query, Guid? id, CancellationToken ct)
    {
        var q = ById(Episodes(), query, id, r => r.Id);
        if (query.ReferenceIds("patient", "Patient") is { } patients) q = q.Where(r => patients.Contains(r.ClientId));
        foreach (var alternatives in query.Alternatives("status"))
        {
            var phases = Enum.GetValues<RelationshipPhase>()
                .Where(p => alternatives.Any(a => a.Split('|')[^1] == FhirResources.EpisodeStatus(p).ToString().ToLowerInvariant())).ToList();
            q = q.Where(r => phases.Contains(r.Phase));
        }
        var (episodes, total) = await PageAsync(q.OrderBy(r => r.OpenedAt).ThenBy(r => r.Id), query, ct);
        var names = await ClinicianNamesAsync(episodes.Select(e => e.ClinicianId), ct);
        var relationshipIds = episodes.Select(e => e.Id).ToList();
        var changes = await db.PhaseChanges.AsNoTracking().Where(p => relationshipIds.Contains(p.RelationshipId)).ToListAsync(ct);
        foreach (var e in episodes) audit.Staff(_user, "read", "TherapeuticRelationship", e.Id, e.ClientId);
        return new FhirPage(episodes.Select(e => (Resource)FhirResources.Episode(e, names.GetValueOrDefault(e.ClinicianId), null, FhirResources.Relative,
            changes.Where(c => c.RelationshipId == e.Id))).ToList(), total);
    }

    private async Task<FhirPage> EncountersAsync(FhirQuery query, Guid? id, CancellationToken ct)
    {
        var episodes = Episodes();
        if (query.ReferenceIds("patient", "Patient") is { } patients) episodes = episodes.Where(r => patients.Contains(r.ClientId));
        if (query.ReferenceIds("episode-of-care", "EpisodeOfCare") is { } episodeIds) episodes = episodes.Where(r => episodeIds.Contains(r.Id));
        var relationshipIds = episodes.Select(r => r.Id);
        var q = ById(db.Sessions.AsNoTracking().Where(s => relationshipIds.Contains(s.RelationshipId)), query, id, s => s.Id);
        foreach (var range in query.Dates("date", clock)) q = range.Apply(q, s => s.StartsAt);
        var (sessions, total) = await PageAsync(q.OrderBy(s => s.StartsAt).ThenBy(s => s.Id), query, ct);
        var ids = sessions.Select(s => s.RelationshipId).Distinct().ToList();
        var relationships = await db.Relationships.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var names = await ClinicianNamesAsync(relationships.Values.Select(r => r.ClinicianId), ct);
        foreach (var s in sessions) audit.Staff(_user, "read", "TherapySession", s.Id, relationships[s.RelationshipId].ClientId);
        return new FhirPage(sessions.Select(s =>
        {
            var r = relationships[s.RelationshipId];
            return (Resource)FhirResources.Encounter(s, r, names.GetValueOrDefault(r.ClinicianId), FhirResources.Relative);
        }).ToList(), total);
    }

    private async Task<FhirPage> ResponsesAsync(FhirQuery query, Guid? id, CancellationToken ct, bool asScores)
    {
        var episodes = Episodes();
        var patients = query.ReferenceIds("patient", "Patient");
        if (query.ReferenceIds("subject", "Patient") is { } subjects)
            patients = patients is null ? subjects : [.. patients.Intersect(subjects)];
        if (patients is not null) episodes = episodes.Where(r => patients.Contains(r.ClientId));
        var relationshipIds = episodes.Select(r => r.Id);
        if (!asScores && query.Alternatives("questionnaire").Any(alternatives => alternatives.Any(IsPreferences)))
            return await PreferencesAsync(query, id, patients, ct);
        var q = db.Responses.AsNoTracking().Where(r => relationshipIds.Contains(r.RelationshipId));
        if (id is { } one) q = q.Where(r => r.Id == one);
        foreach (var alternatives in query.Alternatives("_id"))
        {
            var ids = alternatives.Select(a => asScores ? FhirResources.ResponseOfScore(a) : Guid.TryParse(a, out var g) ? g : null).OfType<Guid>().ToList();
            q = q.Where(r => ids.Contains(r.Id));
        }
        foreach (var alternatives in query.Alternatives("questionnaire"))
        {
            var instruments = catalog.All.Where(d => alternatives.Any(a =>
                a.Split('|')[0] == Core.Fhir.QuestionnaireExport.CanonicalFor(d) || a == $"Questionnaire/{d.Id}" || a.EndsWith($"/Questionnaire/{d.Id}", StringComparison.Ordinal)))
                .Select(d => d.Id).ToList();
            q = q.Where(r => instruments.Contains(r.Instrument));
        }
        foreach (var alternatives in query.Alternatives("code"))
        {
            var tokens = alternatives.Select(FhirQuery.ParseToken).ToList();
            var instruments = catalog.All.Where(d =>
            {
                var code = FhirResources.ScoreCode(d, d.Id);
                return tokens.Any(t => (t.System is null || t.System == code.System) && (t.Code is null || t.Code == code.Code));
            }).Select(d => d.Id).ToList();
            q = q.Where(r => instruments.Contains(r.Instrument));
        }
        foreach (var range in query.Dates(asScores ? "date" : "authored", clock)) q = range.Apply(q, r => r.CompletedAt);

        var (responses, total) = await PageAsync(q.OrderBy(r => r.CompletedAt).ThenBy(r => r.Id), query, ct);
        if (!asScores && id is not null && responses.Count == 0)
            return await PreferencesAsync(query, id, patients, ct);
        var ids2 = responses.Select(r => r.RelationshipId).Distinct().ToList();
        var clients = await db.Relationships.AsNoTracking().Where(r => ids2.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.ClientId, ct);
        var checkInIds = responses.Select(r => r.CheckInId).OfType<Guid>().Distinct().ToList();
        var pending = await db.CheckIns.AsNoTracking().Where(c => checkInIds.Contains(c.Id) && c.Status != CheckInStatus.Completed).Select(c => c.Id).ToListAsync(ct);
        var resources = new List<Resource>();
        foreach (var response in responses)
        {
            var clientId = clients[response.RelationshipId];
            var d = catalog.Find(response.Instrument);
            var completed = response.CheckInId is not { } checkIn || !pending.Contains(checkIn);
            audit.Staff(_user, "read", "InstrumentResponse", response.Id, clientId);
            resources.Add(asScores
                ? FhirResources.Score(response, clientId, d, completed, FhirResources.Relative)
                : FhirResources.Response(response, clientId, d, completed, FhirResources.ReadTexts(protector.Unprotect(response.ProtectedText)), FhirResources.Relative));
        }
        return new FhirPage(resources, total);
    }

    private static bool IsPreferences(string questionnaire) =>
        questionnaire.Split('|')[0] is Core.Fhir.PreferencesQuestionnaire.Canonical or "Questionnaire/" + Core.Fhir.PreferencesQuestionnaire.Id
        || questionnaire.EndsWith("/Questionnaire/" + Core.Fhir.PreferencesQuestionnaire.Id, StringComparison.Ordinal);

    /// <summary>
    /// Clients' matching preferences as responses to the preferences questionnaire: read by id, or searched with
    /// questionnaire= its canonical URL (with patient/subject and authored), for the clients the user may see.
    /// </summary>
    private async Task<FhirPage> PreferencesAsync(FhirQuery query, Guid? id, IReadOnlyCollection<Guid>? patients, CancellationToken ct)
    {
        var clients = access.Clients(_user);
        var q = ById(db.MatchPreferences.AsNoTracking().Where(p => p.OrganisationId == _user.OrganisationId && clients.Any(c => c.Id == p.ClientId)), query, id, p => p.Id);
        if (patients is not null) q = q.Where(p => patients.Contains(p.ClientId));
        foreach (var range in query.Dates("authored", clock)) q = range.Apply(q, p => p.UpdatedAt);
        var (rows, total) = await PageAsync(q.OrderBy(p => p.ClientId), query, ct);
        foreach (var p in rows) audit.Staff(_user, "read", nameof(Core.Matching.ClientMatchPreferences), p.Id, p.ClientId);
        var named = await domains.ForAsync(_user.OrganisationId, ct);
        return new FhirPage(rows.Select(p => (Resource)Core.Fhir.PreferencesQuestionnaire.Response(MatchPreferenceActions.Read(p, protector), named,
            p.Id, new ResourceReference(FhirResources.Relative("Patient", p.ClientId)), p.UpdatedAt, p.GivenByClient)).ToList(), total);
    }
}
