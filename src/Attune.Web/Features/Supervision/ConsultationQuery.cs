using Attune.Core.Supervision;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Supervision;

/// <summary>A question brought to supervision, decrypted, with the names of who asked and what it is about.</summary>
public sealed record SupervisionQuestionView(
    Guid Id, Guid ClinicianId, string ClinicianName, Guid? ClientId, string? ClientName, Guid? AlertId, string? AlertName,
    string Question, DateTimeOffset AskedAt, DateTimeOffset? AnsweredAt, DateTimeOffset? WithdrawnAt, Guid? NoteId, bool CanAnswer)
{
    public bool IsOpen => AnsweredAt is null && WithdrawnAt is null;
}

/// <summary>One version of a consultation note, decrypted.</summary>
public sealed record ConsultationVersionView(int Number, DateTimeOffset At, string Text);

/// <summary>A consultation note with every version (the newest first), the question it answers and what it is about.</summary>
public sealed record ConsultationNoteView(
    Guid Id, Guid ClinicianId, string ClinicianName, Guid SupervisorId, string SupervisorName, Guid? ClientId, string? ClientName,
    SupervisionQuestionView? Question, IReadOnlyList<ConsultationVersionView> Versions, bool CanRevise)
{
    public ConsultationVersionView Current => Versions[0];
}

/// <summary>What a supervisor has to answer and has answered; or what a clinician asked and was told.</summary>
public sealed record ConsultationsView(IReadOnlyList<SupervisionQuestionView> Questions, IReadOnlyList<ConsultationNoteView> Notes);

/// <summary>
/// Reading questions brought to supervision and consultation notes. A question is the asker's and the supervisor's it
/// was brought to; a note is the supervisee's and its author's. Nobody else sees either (an admin neither). Every read
/// of their text is audited.
/// </summary>
public sealed class ConsultationQuery(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, FreeTextProtector protector)
{
    /// <summary>The supervisor's agenda: open questions brought to them, oldest first, and the notes they wrote, newest first; for one supervisee or all.</summary>
    /// <param name="latestNotes">Only so many of the latest notes (null: all).</param>
    public async Task<ActionResult<ConsultationsView>> AgendaAsync(Guid? supervisee = null, int? latestNotes = null, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Supervisor) || user.ClinicianId is not { } me)
            return Refusal.Forbidden(SupervisionQuery.WhoMay);
        var questions = await db.SupervisionQuestions.AsNoTracking()
            .Where(q => q.SupervisorId == me && q.OrganisationId == user.OrganisationId && q.AnsweredAt == null && q.WithdrawnAt == null
                && (supervisee == null || q.ClinicianId == supervisee))
            .ToListAsync(ct);
        var notes = await db.ConsultationNotes.AsNoTracking().Include(n => n.Versions)
            .Where(n => n.SupervisorId == me && n.OrganisationId == user.OrganisationId && (supervisee == null || n.ClinicianId == supervisee))
            .OrderByDescending(n => n.Versions.Max(v => v.At)).Take(latestNotes ?? int.MaxValue)
            .ToListAsync(ct);
        return await ViewAsync(user, questions.OrderBy(q => q.AskedAt).ToList(), notes, ct);
    }

    /// <summary>The clinician's own: every question they asked (newest first) and every consultation note written for them.</summary>
    public async Task<ActionResult<ConsultationsView>> MineAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return Refusal.Forbidden(ConsultationActions.WhoMayAsk);
        var questions = await db.SupervisionQuestions.AsNoTracking().Where(q => q.ClinicianId == me && q.OrganisationId == user.OrganisationId).ToListAsync(ct);
        var notes = await db.ConsultationNotes.AsNoTracking().Include(n => n.Versions)
            .Where(n => n.ClinicianId == me && n.OrganisationId == user.OrganisationId).ToListAsync(ct);
        return await ViewAsync(user, questions.OrderByDescending(q => q.AskedAt).ToList(), notes, ct);
    }

    /// <summary>The questions and notes about one client that the caller may see (theirs as the asker or supervisee, or as the supervisor).</summary>
    public async Task<ConsultationsView> AboutClientAsync(Guid clientId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return new ConsultationsView([], []);
        var questions = await db.SupervisionQuestions.AsNoTracking()
            .Where(q => q.ClientId == clientId && q.OrganisationId == user.OrganisationId && (q.ClinicianId == me || q.SupervisorId == me)).ToListAsync(ct);
        var notes = await db.ConsultationNotes.AsNoTracking().Include(n => n.Versions)
            .Where(n => n.ClientId == clientId && n.OrganisationId == user.OrganisationId && (n.ClinicianId == me || n.SupervisorId == me)).ToListAsync(ct);
        var view = await ViewAsync(user, questions.Where(q => q.IsOpen).OrderByDescending(q => q.AskedAt).ToList(), notes, ct);
        return view.Value!;
    }

    /// <summary>One question, for the supervisor it was brought to or the clinician who asked.</summary>
    public async Task<ActionResult<SupervisionQuestionView>> QuestionAsync(Guid questionId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var question = await db.SupervisionQuestions.AsNoTracking()
            .SingleOrDefaultAsync(q => q.Id == questionId && q.OrganisationId == user.OrganisationId && (q.ClinicianId == user.ClinicianId || q.SupervisorId == user.ClinicianId), ct);
        if (question is null || user.ClinicianId is null)
            return Refusal.NotFound("question");
        return (await ViewAsync(user, [question], [], ct)).Value!.Questions[0];
    }

    /// <summary>One consultation note with its versions, for the supervisee and the supervisor who wrote it.</summary>
    public async Task<ActionResult<ConsultationNoteView>> NoteAsync(Guid noteId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var note = await db.ConsultationNotes.AsNoTracking().Include(n => n.Versions)
            .SingleOrDefaultAsync(n => n.Id == noteId && n.OrganisationId == user.OrganisationId && (n.ClinicianId == user.ClinicianId || n.SupervisorId == user.ClinicianId), ct);
        if (note is null || user.ClinicianId is null)
            return Refusal.NotFound("consultation note");
        var question = note.QuestionId is { } id ? await db.SupervisionQuestions.AsNoTracking().SingleAsync(q => q.Id == id, ct) : null;
        return (await ViewAsync(user, question is null ? [] : [question], [note], ct)).Value!.Notes[0];
    }

    /// <summary>
    /// For the page that asks: the clinician's supervisor (null with none) and, when it is one of the clinician's own
    /// clients, the client's name and the alert's (names only; the action decides whether the question may be asked).
    /// </summary>
    public async Task<(string? Supervisor, string? Client, string? Alert)> AskingAsync(Guid? clientId, Guid? alertId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var supervisor = await db.Clinicians.Where(c => c.Id == user.ClinicianId)
            .Join(db.Clinicians, c => c.SupervisorId, s => s.Id, (c, s) => s.DisplayName).SingleOrDefaultAsync(ct);
        var mine = db.Relationships.Where(r => r.ClinicianId == user.ClinicianId && r.ClientId == clientId);
        var client = await db.Clients.Where(c => mine.Select(r => r.ClientId).Contains(c.Id)).Select(c => c.DisplayName).FirstOrDefaultAsync(ct);
        var alert = client is null || alertId is null ? null
            : await db.Alerts.Where(a => a.Id == alertId && mine.Select(r => r.Id).Contains(a.RelationshipId)).Select(a => (Core.Signals.SignalKind?)a.Kind).SingleOrDefaultAsync(ct);
        return (supervisor, client, alert is { } kind ? Signals.Guidance.Name(kind) : null);
    }

    /// <summary>For the supervisor writing a note for a supervisee: the supervisee's name and their clients in active relationships (null when not theirs).</summary>
    public async Task<(string Name, IReadOnlyList<(Guid Id, string Name)> Clients)?> SuperviseeAsync(Guid superviseeId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var name = await db.Clinicians.Where(c => c.Id == superviseeId && c.SupervisorId == user.ClinicianId && c.OrganisationId == user.OrganisationId)
            .Select(c => c.DisplayName).SingleOrDefaultAsync(ct);
        if (name is null || !staff.Principal.IsInRole(StaffRoles.Supervisor))
            return null;
        var active = db.Relationships.Where(r => r.ClinicianId == superviseeId && r.Phase != Core.Relationships.RelationshipPhase.Closed).Select(r => r.ClientId);
        var clients = await db.Clients.Where(c => active.Contains(c.Id)).Select(c => new { c.Id, c.DisplayName }).ToListAsync(ct);
        return (name, clients.OrderBy(c => c.DisplayName, StringComparer.CurrentCultureIgnoreCase).Select(c => (c.Id, c.DisplayName)).ToList());
    }

    private async Task<ActionResult<ConsultationsView>> ViewAsync(StaffUser user, List<SupervisionQuestion> questions, List<ConsultationNote> notes, CancellationToken ct)
    {
        var questionIds = questions.Select(q => q.Id).ToList();
        // The questions the notes answer, when not among the questions asked for.
        var answered = notes.Where(n => n.QuestionId is { } id && !questionIds.Contains(id)).Select(n => n.QuestionId!.Value).ToList();
        var more = answered.Count == 0 ? [] : await db.SupervisionQuestions.AsNoTracking().Where(q => answered.Contains(q.Id)).ToListAsync(ct);
        var all = questions.Concat(more).ToList();
        var clinicianIds = all.Select(q => q.ClinicianId).Concat(notes.SelectMany(n => new[] { n.ClinicianId, n.SupervisorId })).Distinct().ToList();
        var clinicians = await db.Clinicians.AsNoTracking().Where(c => clinicianIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var clientIds = all.Select(q => q.ClientId).Concat(notes.Select(n => n.ClientId)).OfType<Guid>().Distinct().ToList();
        var clients = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var alertIds = all.Select(q => q.AlertId).OfType<Guid>().Distinct().ToList();
        var alerts = await db.Alerts.AsNoTracking().Where(a => alertIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => Signals.Guidance.Name(a.Kind), ct);
        var answers = await db.ConsultationNotes.AsNoTracking().Where(n => n.QuestionId != null && questionIds.Contains(n.QuestionId.Value))
            .ToDictionaryAsync(n => n.QuestionId!.Value, n => n.Id, ct);

        SupervisionQuestionView Question(SupervisionQuestion q, Guid? noteId)
        {
            audit.Staff(user, "read", "SupervisionQuestion", q.Id, q.ClientId);
            return new SupervisionQuestionView(q.Id, q.ClinicianId, clinicians.GetValueOrDefault(q.ClinicianId, "a former clinician"),
                q.ClientId, q.ClientId is { } c ? clients.GetValueOrDefault(c) : null, q.AlertId, q.AlertId is { } a ? alerts.GetValueOrDefault(a) : null,
                protector.Unprotect(q.ProtectedQuestion) ?? "", q.AskedAt, q.AnsweredAt, q.WithdrawnAt, noteId,
                q.IsOpen && q.SupervisorId == user.ClinicianId && staff.Principal.IsInRole(StaffRoles.Supervisor));
        }
        var questionViews = questions.Select(q => Question(q, answers.TryGetValue(q.Id, out var n) ? n : null)).ToList();
        var byId = all.ToDictionary(q => q.Id);
        var noteViews = notes.OrderByDescending(n => n.Versions.Max(v => v.At)).Select(n =>
        {
            audit.Staff(user, "read", "ConsultationNote", n.Id, n.ClientId);
            var question = n.QuestionId is { } id && byId.TryGetValue(id, out var q)
                ? questionViews.FirstOrDefault(v => v.Id == id) ?? Question(q, n.Id) : null;
            return new ConsultationNoteView(n.Id, n.ClinicianId, clinicians.GetValueOrDefault(n.ClinicianId, "a former clinician"),
                n.SupervisorId, clinicians.GetValueOrDefault(n.SupervisorId, "a former supervisor"),
                n.ClientId, n.ClientId is { } c ? clients.GetValueOrDefault(c) : null, question,
                n.Versions.OrderByDescending(v => v.Number).Select(v => new ConsultationVersionView(v.Number, v.At, protector.Unprotect(v.ProtectedText) ?? "")).ToList(),
                n.SupervisorId == user.ClinicianId && staff.Principal.IsInRole(StaffRoles.Supervisor));
        }).ToList();
        if (questionViews.Count + noteViews.Count > 0)
            await db.SaveChangesAsync(ct);
        return new ConsultationsView(questionViews, noteViews);
    }
}
