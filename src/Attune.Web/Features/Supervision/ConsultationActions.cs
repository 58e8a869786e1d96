using Attune.Core;
using Attune.Core.Supervision;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Supervision;

/// <summary>A question to bring to supervision: about the clinician's practice, one of their clients, or one alert of a client.</summary>
public sealed record QuestionInput(string? Question, Guid? ClientId = null, Guid? AlertId = null);

/// <summary>A consultation note: answering a question (<see cref="QuestionId"/>), or for a supervisee, about one of their clients or none.</summary>
public sealed record ConsultationInput(string? Text, Guid? QuestionId = null, Guid? SuperviseeId = null, Guid? ClientId = null);

/// <summary>
/// Bringing a question to supervision and answering it (issue 21, point 2): the clinician asks, about a client or an
/// alert of one of their own clients or about their practice; it goes on their supervisor's agenda; the supervisor
/// answers in a consultation note (encrypted, versioned, audited) that the clinician reads. Called by the pages.
/// </summary>
public sealed class ConsultationActions(AttuneDbContext db, CurrentStaff staff, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    public const string WhoMayAsk = "Only a clinician brings a question about their own clients to supervision.";
    public const string WhoMayAnswer = "Only the clinician's supervisor writes a consultation note.";
    public const string NoSupervisor = "You have no supervisor yet; an admin assigns one on the Staff page.";

    public async Task<ActionResult<SupervisionQuestion>> AskAsync(QuestionInput input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return Refusal.Forbidden(WhoMayAsk);
        Guid? clientId = input.ClientId, episodeId = null;
        if (input.AlertId is { } alertId)
        {
            var alert = await db.Alerts.Where(a => a.Id == alertId)
                .Join(db.Relationships, a => a.RelationshipId, r => r.Id, (a, r) => new { r.Id, r.ClientId }).SingleOrDefaultAsync(ct);
            if (alert is null || (clientId is not null && clientId != alert.ClientId))
                return Refusal.NotFound("alert");
            (clientId, episodeId) = (alert.ClientId, alert.Id);
            var (_, refusal) = await authorization.ToChangeAsync(new ClientRecord(alert.ClientId, alert.Id), "alert", WhoMayAsk, ct);
            if (refusal is not null)
                return refusal;
        }
        else if (clientId is { } client)
        {
            var (_, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(client, WhoMayAsk, ct);
            if (refusal is not null)
                return refusal;
            episodeId = id;
        }
        var (text, problem) = TextLimits.Check(input.Question, TextLimits.SupervisionQuestion, required: true, "your question");
        if (problem is not null)
            return Refusal.Invalid("question", problem);
        var clinician = await db.Clinicians.AsNoTracking().SingleAsync(c => c.Id == me, ct);
        if (clinician.SupervisorId is not { } supervisor)
            return Refusal.Conflict(NoSupervisor);
        var question = new SupervisionQuestion(user.OrganisationId, me, supervisor, clientId, episodeId, input.AlertId, protector.Protect(text)!, user.Id, clock.Now);
        db.SupervisionQuestions.Add(question);
        audit.Staff(user, "create", "SupervisionQuestion", question.Id, clientId);
        await db.SaveChangesAsync(ct);
        return question;
    }

    /// <summary>The clinician who asked takes an unanswered question off the agenda.</summary>
    public async Task<ActionResult<SupervisionQuestion>> WithdrawAsync(Guid questionId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var question = await db.SupervisionQuestions.SingleOrDefaultAsync(q => q.Id == questionId && q.OrganisationId == user.OrganisationId, ct);
        if (question is null || (question.ClinicianId != user.ClinicianId && question.SupervisorId != user.ClinicianId))
            return Refusal.NotFound("question");
        if (question.ClinicianId != user.ClinicianId)
            return Refusal.Forbidden("Only the clinician who asked withdraws a question; answer it in a consultation note.");
        try
        {
            question.Withdraw(clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, "update", "SupervisionQuestion", question.Id, question.ClientId);
        return await db.SaveOrConflictAsync("The question changed at the same moment; reload and try again.", ct) is { } conflict ? conflict : question;
    }

    /// <summary>The supervisor writes a consultation note: the answer to a question on their agenda, or for one of their supervisees.</summary>
    public async Task<ActionResult<ConsultationNote>> WriteAsync(ConsultationInput input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Supervisor) || user.ClinicianId is not { } me)
            return Refusal.Forbidden(WhoMayAnswer);
        var (text, problem) = TextLimits.Check(input.Text, TextLimits.ConsultationNote, required: true, "the note");
        ConsultationNote note;
        if (input.QuestionId is { } questionId)
        {
            var question = await db.SupervisionQuestions.SingleOrDefaultAsync(q => q.Id == questionId && q.SupervisorId == me && q.OrganisationId == user.OrganisationId, ct);
            if (question is null)
                return Refusal.NotFound("question");
            if (problem is not null)
                return Refusal.Invalid("text", problem);
            if (await db.ConsultationNotes.AnyAsync(n => n.QuestionId == questionId, ct))
                return Refusal.Conflict("The question is answered already; revise that consultation note instead.");
            try
            {
                note = ConsultationNote.Answering(question, me, protector.Protect(text)!, user.Id, clock.Now);
            }
            catch (DomainRuleException e)
            {
                return Refusal.From(e);
            }
            audit.Staff(user, "update", "SupervisionQuestion", question.Id, question.ClientId);
        }
        else
        {
            var supervisee = await db.Clinicians.AsNoTracking()
                .SingleOrDefaultAsync(c => c.Id == input.SuperviseeId && c.SupervisorId == me && c.OrganisationId == user.OrganisationId, ct);
            if (supervisee is null)
                return Refusal.NotFound("supervisee");
            Guid? episodeId = null;
            if (input.ClientId is { } clientId)
            {
                // The supervisee's own episode with the client (an open one first), and the supervisor may read it.
                episodeId = await db.Relationships.Where(r => r.ClientId == clientId && r.ClinicianId == supervisee.Id)
                    .OrderBy(r => r.Phase == Core.Relationships.RelationshipPhase.Closed).ThenByDescending(r => r.OpenedAt)
                    .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);
                if (episodeId is null || !await authorization.CanReadAsync(new ClientRecord(clientId, episodeId)))
                    return Refusal.Invalid("clientId", $"Choose one of {supervisee.DisplayName}'s clients, or none.");
            }
            if (problem is not null)
                return Refusal.Invalid("text", problem);
            note = new ConsultationNote(user.OrganisationId, supervisee.Id, me, null, input.ClientId, episodeId, protector.Protect(text)!, user.Id, clock.Now);
        }
        db.ConsultationNotes.Add(note);
        audit.Staff(user, "create", "ConsultationNote", note.Id, note.ClientId);
        return await db.SaveOrConflictAsync("The question was answered at the same moment; reload to see that note.", ct) is { } conflict ? conflict : note;
    }

    /// <summary>The supervisor who wrote a consultation note revises it: a new version, the earlier ones kept.</summary>
    public async Task<ActionResult<ConsultationNote>> ReviseAsync(Guid noteId, string? text, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var note = await db.ConsultationNotes.Include(n => n.Versions)
            .SingleOrDefaultAsync(n => n.Id == noteId && n.OrganisationId == user.OrganisationId, ct);
        if (note is null || user.ClinicianId is not { } me || (note.SupervisorId != me && note.ClinicianId != me))
            return Refusal.NotFound("consultation note");
        if (note.SupervisorId != me || !staff.Principal.IsInRole(StaffRoles.Supervisor))
            return Refusal.Forbidden("Only the supervisor who wrote a consultation note revises it.");
        var (plain, problem) = TextLimits.Check(text, TextLimits.ConsultationNote, required: true, "the note");
        if (problem is not null)
            return Refusal.Invalid("text", problem);
        note.Revise(protector.Protect(plain)!, user.Id, clock.Now);
        audit.Staff(user, "update", "ConsultationNote", note.Id, note.ClientId);
        return await db.SaveOrConflictAsync("The note was revised elsewhere at the same moment; reload to see the latest version, then save again.", ct) is { } conflict ? conflict : note;
    }
}
