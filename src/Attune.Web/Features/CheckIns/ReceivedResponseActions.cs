using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.CheckIns;

/// <summary>
/// A completed measure sent by another system (a kiosk, a patient portal, an EHR), already read into Attune's answers
/// by its channel. Field names are the channel's neutral ones: subject, questionnaire, status, encounter, authored, and
/// <c>item:{id}</c> or <c>item</c>.
/// </summary>
/// <param name="Authored">When the client answered; null for now.</param>
public sealed record ReceivedResponse(Guid ClientId, InstrumentDefinition Instrument, bool Completed, Guid? SessionId, DateTimeOffset? Authored,
    IReadOnlyDictionary<string, decimal?> Answers, IReadOnlyDictionary<string, string> Texts);

/// <summary>
/// Records a received response: scored on arrival exactly as a check-in screen is, stored in the client's open episode
/// with the acting clinician, and run through the same signals (a risk answer raises the urgent alert and notifies the
/// clinician at once, in the same transaction).
/// </summary>
public sealed class ReceivedResponseActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, ResponseRecording recording, TimeProvider clock)
{
    public const string WhoMayRecord = "Only the client's own clinician records their answers.";

    public async Task<ActionResult<InstrumentResponse>> RecordAsync(ReceivedResponse received, CancellationToken ct = default)
    {
        // The subject must be a client in the caller's own open episode. A client who is not there, not theirs, or not
        // theirs to change is refused alike, as a subject that does not fit: the refusal tells nothing about the client.
        // (The current episode is an open one when the client has one.)
        var (user, episode, refusal) = await authorization.CurrentEpisodeRecordToChangeAsync(received.ClientId, WhoMayRecord, ct);
        var relationship = refusal is null && episode is { ClosedAt: null } ? episode : null;
        if (relationship is null)
            return Refusal.Invalid("subject", "The subject must be a client in an open episode of care with the clinician this system acts as.");

        var problems = new List<FieldProblem>();
        var definition = received.Instrument;
        if (!received.Completed)
            problems.Add(new("status", "Attune stores completed responses: status must be 'completed'."));
        if (definition.ItemTextMissing)
            problems.Add(new("questionnaire", $"{definition.ShortName}'s licensed item text is not installed at this clinic, so it cannot be recorded here."));
        if (received.SessionId is { } sessionId && !await db.Sessions.AnyAsync(s => s.Id == sessionId && s.RelationshipId == relationship.Id, ct))
            problems.Add(new("encounter", "The session must be one of the client's open episode."));
        var now = clock.GetUtcNow();
        var authored = received.Authored?.ToUniversalTime() ?? now;
        if (authored > now.AddMinutes(5))
            problems.Add(new("authored", "The answers cannot have been given in the future."));
        foreach (var (item, text) in received.Texts)
            if (definition.FindItem(item) is { } textItem && text.Length > (textItem.MaxLength ?? 2000))
                problems.Add(new($"item:{item}", $"Keep this answer to {textItem.MaxLength ?? 2000} characters."));
        ScoreResult? result = null;
        if (problems.Count == 0)
        {
            var outcome = InstrumentScorer.Score(definition, received.Answers);
            problems.AddRange(outcome.Errors.Select(e => new FieldProblem(e.ItemId is null ? "item" : $"item:{e.ItemId}", e.Message)));
            result = outcome.Result;
        }
        if (problems.Count > 0 || result is null)
            return Refusal.Invalid(problems.Count > 0 ? problems : [new FieldProblem("item", "The answers could not be scored.")]);

        var response = new InstrumentResponse(relationship.Id, null, received.SessionId, received.Answers.ToDictionary(), result, authored);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Responses.Add(response);
        audit.Staff(user, "create", "InstrumentResponse", response.Id, relationship.ClientId);
        await recording.StageAsync(relationship, response, wasRisk: false, received.Texts, now,
            (action, type, id) => audit.Staff(user, action, type, id, relationship.ClientId), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await recording.EvaluateSignalsAsync(relationship.Id, ct);
        return response;
    }
}
