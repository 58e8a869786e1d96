using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Endings;
using Attune.Core.Goals;
using Attune.Core.Notes;
using Attune.Core.Reflections;
using Attune.Core.Relationships;
using Attune.Core.Risk;
using Attune.Core.Ruptures;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Privacy;

/// <summary>A piece of free text held on the client, decrypted, with what it belongs to.</summary>
public sealed record HeldText(string Kind, DateTimeOffset At, string Text, Guid RecordId, Guid RelationshipId, Guid? SessionId = null);

/// <summary>Who read or changed the client's record, from the audit trail (ids and names of staff only).</summary>
public sealed record AccessEntry(long? Sequence, DateTimeOffset At, string Who, string Action, string Record);

/// <summary>
/// Everything Attune holds on one client, gathered for a privacy request: the record rows, every free text decrypted,
/// and the audit trail of who read or changed it. The FHIR Bundle and the readable copy are both made from this.
/// </summary>
public sealed class ClientRecordCopy
{
    public required Client Client { get; init; }
    public required Organisation Organisation { get; init; }
    public required IReadOnlyList<TherapeuticRelationship> Relationships { get; init; }
    public required IReadOnlyDictionary<Guid, Clinician> Clinicians { get; init; }
    public required IReadOnlyList<CheckIn> CheckIns { get; init; }
    public required IReadOnlyList<InstrumentResponse> Responses { get; init; }
    public required IReadOnlyList<TreatmentGoal> Goals { get; init; }
    public required IReadOnlyList<GoalLevelRating> GoalRatings { get; init; }
    public required IReadOnlyList<ClinicalAlert> Alerts { get; init; }
    public required IReadOnlyList<RuptureRecord> Ruptures { get; init; }
    public required IReadOnlyList<SessionReflection> Reflections { get; init; }
    public required IReadOnlyList<SessionNote> Notes { get; init; }
    public required IReadOnlyList<IntakeRecord> Intakes { get; init; }
    public required IReadOnlyList<RelationshipEnding> Endings { get; init; }
    public required IReadOnlyList<RiskReview> RiskReviews { get; init; }
    public required IReadOnlyList<SafetyPlanVersion> SafetyPlanVersions { get; init; }
    /// <summary>Questions the client's clinicians brought to supervision about them, and their supervisors' consultation notes about them.</summary>
    public IReadOnlyList<Core.Supervision.SupervisionQuestion> SupervisionQuestions { get; init; } = [];
    public IReadOnlyList<Core.Supervision.ConsultationNote> ConsultationNotes { get; init; } = [];
    public required IReadOnlyList<HeldText> Texts { get; init; }
    public required IReadOnlyList<AccessEntry> Access { get; init; }
    public required int MessagesToClient { get; init; }
    /// <summary>The client's matching preferences (decrypted), when any were recorded, and the stored row.</summary>
    public (Core.Matching.MatchPreferences Preferences, Core.Matching.ClientMatchPreferences Stored)? Preferences { get; init; }
    /// <summary>How the client was matched at intake: the rank chosen and the reasons shown then (decrypted).</summary>
    public (Core.Matching.MatchAssignment Assignment, string? Reasons)? Assignment { get; init; }
    /// <summary>The clinic's problem domains, for the names of the concerns in the preferences.</summary>
    public IReadOnlyList<Core.Matching.ProblemDomain> Domains { get; init; } = Core.Matching.ProblemDomains.BuiltIn;

    public IEnumerable<TherapySession> Sessions => Relationships.SelectMany(r => r.Sessions).OrderBy(s => s.StartsAt);

    /// <summary>How many rows of each kind are held: shown before erasure and counted again after it.</summary>
    public IReadOnlyList<(string What, int Count)> Summary =>
    [
        ("Episodes of care", Relationships.Count),
        ("Sessions", Sessions.Count()),
        ("Phase changes", Relationships.Sum(r => r.PhaseChanges.Count)),
        ("Check-in links", CheckIns.Count),
        ("Questionnaire responses", Responses.Count),
        ("Goals", Goals.Count),
        ("Goal ratings", GoalRatings.Count),
        ("Alerts", Alerts.Count),
        ("Rupture records", Ruptures.Count),
        ("Session reflections", Reflections.Count),
        ("Session notes", Notes.Count),
        ("Questions brought to supervision", SupervisionQuestions.Count),
        ("Consultation notes", ConsultationNotes.Count),
        ("Intake records", Intakes.Count),
        ("Endings", Endings.Count),
        ("Risk reviews", RiskReviews.Count),
        ("Safety plan versions", SafetyPlanVersions.Count),
        ("Messages to the client", MessagesToClient),
        ("Matching preferences", Preferences is null ? 0 : 1),
        ("Matching assignments", Assignment is null ? 0 : 1),
    ];

    /// <summary>Loads the whole record of one client of the organisation; null when there is no such client there.</summary>
    public static async Task<ClientRecordCopy?> LoadAsync(AttuneDbContext db, FreeTextProtector protector, Guid organisationId, Guid clientId, CancellationToken ct = default)
    {
        var client = await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.Id == clientId && c.OrganisationId == organisationId, ct);
        if (client is null) return null;
        var organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == organisationId, ct);
        var relationships = await db.Relationships.AsNoTracking().Include(r => r.Sessions).Include(r => r.PhaseChanges)
            .Where(r => r.ClientId == clientId).OrderBy(r => r.OpenedAt).ToListAsync(ct);
        var ids = relationships.Select(r => r.Id).ToList();
        var checkIns = await db.CheckIns.AsNoTracking().Where(c => ids.Contains(c.RelationshipId)).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        var responses = await db.Responses.AsNoTracking().Where(r => ids.Contains(r.RelationshipId)).OrderBy(r => r.CompletedAt).ToListAsync(ct);
        var goals = await db.Goals.AsNoTracking().Where(g => ids.Contains(g.RelationshipId)).OrderBy(g => g.CreatedAt).ToListAsync(ct);
        var goalIds = goals.Select(g => g.Id).ToList();
        var ratings = await db.GoalRatings.AsNoTracking().Where(r => goalIds.Contains(r.GoalId)).OrderBy(r => r.RatedAt).ToListAsync(ct);
        var alerts = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.RelationshipId)).OrderBy(a => a.CreatedAt).ToListAsync(ct);
        var ruptures = await db.Ruptures.AsNoTracking().Where(r => ids.Contains(r.RelationshipId)).OrderBy(r => r.OccurredAt).ToListAsync(ct);
        var reflections = await db.Reflections.AsNoTracking().Where(r => ids.Contains(r.RelationshipId)).OrderBy(r => r.RecordedAt).ToListAsync(ct);
        var notes = await db.Notes.AsNoTracking().Include(n => n.Versions).Where(n => ids.Contains(n.RelationshipId)).OrderBy(n => n.CreatedAt).ToListAsync(ct);
        var questions = await db.SupervisionQuestions.AsNoTracking().Where(q => q.ClientId == clientId).OrderBy(q => q.AskedAt).ToListAsync(ct);
        var consultations = await db.ConsultationNotes.AsNoTracking().Include(n => n.Versions).Where(n => n.ClientId == clientId).OrderBy(n => n.CreatedAt).ToListAsync(ct);
        var intakes = await db.Intakes.AsNoTracking().Where(i => ids.Contains(i.RelationshipId)).ToListAsync(ct);
        var endings = await db.Endings.AsNoTracking().Where(e => ids.Contains(e.RelationshipId)).ToListAsync(ct);
        var riskReviews = await db.RiskReviews.AsNoTracking().Where(r => ids.Contains(r.RelationshipId)).OrderBy(r => r.ReviewedAt).ToListAsync(ct);
        var planVersions = await db.SafetyPlans.AsNoTracking().Where(p => p.ClientId == clientId).SelectMany(p => p.Versions).OrderBy(v => v.Number).ToListAsync(ct);
        var clinicianIds = relationships.Select(r => r.ClinicianId).Distinct().ToList();
        var clinicians = await db.Clinicians.AsNoTracking().Where(c => clinicianIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var messages = client.Email is null ? 0
            : await db.Outbox.AsNoTracking().CountAsync(m => m.OrganisationId == organisationId && m.To == client.Email, ct);

        var storedPreferences = await db.MatchPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.ClientId == clientId, ct);
        var assignment = await db.MatchAssignments.AsNoTracking().SingleOrDefaultAsync(a => a.ClientId == clientId, ct);
        var ownDomains = await db.ClinicProblemDomains.AsNoTracking().Where(d => d.OrganisationId == organisationId).ToListAsync(ct);

        var texts = new List<HeldText>();
        void Add(string kind, DateTimeOffset at, string? cipher, Guid id, Guid relationship, Guid? session = null)
        {
            if (protector.Unprotect(cipher) is { Length: > 0 } text)
                texts.Add(new HeldText(kind, at, text, id, relationship, session));
        }
        foreach (var r in relationships)
        {
            Add("Handover from the previous therapist", r.OpenedAt, r.ProtectedHandover, r.Id, r.Id);
            Add("Why the client came back", r.OpenedAt, r.ProtectedReEngagementReason, r.Id, r.Id);
            foreach (var p in r.PhaseChanges)
                Add($"Reason for moving to {p.To}", p.At, p.ProtectedReason, p.Id, r.Id);
        }
        foreach (var i in intakes)
        {
            Add("Intake: what brings the client", i.CreatedAt, i.ProtectedConcerns, i.Id, i.RelationshipId);
            Add("Intake: first impression", i.UpdatedAt, i.ProtectedImpressionNote, i.Id, i.RelationshipId);
            Add("Fit discussion", i.FitDiscussedAt ?? i.UpdatedAt, i.ProtectedFitDiscussion, i.Id, i.RelationshipId);
        }
        foreach (var g in goals)
        {
            Add(g.Kind.ToString(), g.CreatedAt, g.ProtectedText, g.Id, g.RelationshipId);
            Add("Goal in the client's words", g.RespondedAt ?? g.CreatedAt, g.ProtectedClientWords, g.Id, g.RelationshipId);
            Add("Goal attainment scale", g.RevisedAt ?? g.CreatedAt, g.ProtectedScale, g.Id, g.RelationshipId);
        }
        foreach (var r in responses)
            Add($"Written answers ({r.Instrument.ToUpperInvariant()})", r.CompletedAt, r.ProtectedText, r.Id, r.RelationshipId, r.SessionId);
        foreach (var a in alerts)
            Add($"What was done about the alert ({Signals.Guidance.Name(a.Kind)})", a.ResolvedAt ?? a.AcknowledgedAt ?? a.CreatedAt, a.ProtectedActionNote, a.Id, a.RelationshipId);
        foreach (var r in ruptures)
            Add("Rupture note", r.UpdatedAt, r.ProtectedNote, r.Id, r.RelationshipId, r.SessionId);
        foreach (var r in reflections)
            Add("Therapist's reflection after the session", r.UpdatedAt, r.ProtectedNote, r.Id, r.RelationshipId, r.SessionId);
        foreach (var n in notes)
            foreach (var v in n.Versions.OrderBy(v => v.Number))
                Add(v.Number == 1 ? "Session note" : $"Session note, version {v.Number}", v.At, v.ProtectedText, v.Id, n.RelationshipId, n.SessionId);
        foreach (var q in questions)
            Add("Question the therapist brought to supervision", q.AskedAt, q.ProtectedQuestion, q.Id, q.RelationshipId!.Value);
        foreach (var n in consultations)
            foreach (var v in n.Versions.OrderBy(v => v.Number))
                Add(v.Number == 1 ? "Supervisor's consultation note" : $"Supervisor's consultation note, version {v.Number}", v.At, v.ProtectedText, v.Id, n.RelationshipId!.Value);
        foreach (var v in planVersions)
            foreach (var part in SafetyPlanParts.InOrder)
                Add($"Safety plan, version {v.Number}: {SafetyPlanParts.Name(part)}", v.At, v.Protected(part), v.Id, v.RelationshipId);
        foreach (var e in endings)
        {
            Add($"Closing summary ({(e.Kind == Core.Endings.EndingKind.Planned ? "planned ending" : "unplanned ending")})", e.EndedAt, e.ProtectedSummary, e.Id, e.RelationshipId);
            Add("What to carry forward", e.EndedAt, e.ProtectedCarryForward, e.Id, e.RelationshipId);
        }

        var events = await db.AuditEvents.AsNoTracking().Where(e => e.ClientId == clientId && e.OrganisationId == organisationId)
            .OrderBy(e => e.Sequence == null).ThenBy(e => e.Sequence).ThenBy(e => e.Id).ToListAsync(ct);
        var staffIds = events.Where(e => e.ActorKind is "staff" or "api" && e.ActorId is not null).Select(e => e.ActorId!.Value).Distinct().ToList();
        var staff = await db.Users.AsNoTracking().Where(u => staffIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var access = events.Select(e => new AccessEntry(e.Sequence, e.At, e.ActorKind switch
        {
            "staff" => e.ActorId is { } id && staff.TryGetValue(id, out var name) ? name : "a former staff member",
            "api" => "a system through the API, acting as " + (e.ActorId is { } apiId && staff.TryGetValue(apiId, out var apiName) ? apiName : "a former staff member"),
            "client-link" => "the client, by check-in link",
            "progress-link" => "the client, by progress link",
            _ => "Attune itself",
        }, e.Action, e.EntityType)).ToList();

        return new ClientRecordCopy
        {
            Client = client, Organisation = organisation, Relationships = relationships, Clinicians = clinicians,
            CheckIns = checkIns, Responses = responses, Goals = goals, GoalRatings = ratings, Alerts = alerts,
            Ruptures = ruptures, Reflections = reflections, Notes = notes, SupervisionQuestions = questions, ConsultationNotes = consultations, Intakes = intakes, Endings = endings,
            RiskReviews = riskReviews, SafetyPlanVersions = planVersions, Texts = texts.OrderBy(t => t.At).ToList(), Access = access, MessagesToClient = messages,
            Preferences = storedPreferences is null ? null : (Matching.MatchPreferenceActions.Read(storedPreferences, protector), storedPreferences),
            Assignment = assignment is null ? null : (assignment, protector.Unprotect(assignment.ProtectedReasons)),
            // Named as the clinic named them; the direction does not matter for a name.
            Domains = [.. Core.Matching.ProblemDomains.BuiltIn, .. ownDomains.Select(d => new Core.Matching.ProblemDomain(d.Key, d.Name, d.InstrumentId, Core.Instruments.ScoreDirection.HigherIsWorse))],
        };
    }
}
