using Attune.Core;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Schedules;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Schedules;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.Lifecycle;

/// <summary>What the clinician writes at intake: the concerns, how the client likes to work, and their first impression of fit.</summary>
public sealed record IntakeInput(string? Concerns, IReadOnlyList<string?> Styles, string? Pacing, string? Input, string? Impression, string? ImpressionNote, string? OutcomeMeasure);

/// <summary>The intake record of the client's open relationship: written and revised, and the fit conversation recorded.</summary>
public sealed class IntakeActions(AttuneDbContext db, RecordAuthorization authorization, AuditTrail audit, FreeTextProtector protector, ClinicClock clock, InstrumentCatalog catalog)
{
    public const string WhoMayWrite = "Only the client's own clinician keeps the intake record of an open relationship.";

    public async Task<ActionResult<IntakeRecord>> SaveAsync(Guid clientId, IntakeInput input, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayWrite, ct);
        if (refusal is not null)
            return refusal;
        if (!FormChoice.TryParseAll<WorkingStyle>(input.Styles, out var picked))
            return Refusal.Invalid("styles", "Choose how the client likes to work from the list.");
        if (!FormChoice.TryParse<Pacing>(input.Pacing, out var pacing))
            return Refusal.Invalid("pacing", "Choose the pacing from the list.");
        if (!FormChoice.TryParse<TherapistInput>(input.Input, out var wanted))
            return Refusal.Invalid("input", "Choose the input the client wants from the list.");
        if (!FormChoice.TryParse<FitImpression>(input.Impression, out var impression))
            return Refusal.Invalid("impression", "Choose your impression of fit from the list.");
        var (concerns, concernsProblem) = TextLimits.Check(input.Concerns, TextLimits.LifecycleText, required: false, "the concerns");
        if (concernsProblem is not null)
            return Refusal.Invalid("concerns", concernsProblem);
        var (note, noteProblem) = TextLimits.Check(input.ImpressionNote, TextLimits.LifecycleText, required: false, "the note on fit");
        if (noteProblem is not null)
            return Refusal.Invalid("impressionNote", noteProblem);
        var outcome = input.OutcomeMeasure ?? "";
        if (MeasureChoices.CheckOutcome(catalog, outcome, allowDefault: true) is { } wrong)
            return Refusal.Invalid("outcome", wrong);
        var relationship = await db.Relationships.SingleAsync(r => r.Id == id, ct);
        if (!relationship.IsOpen)
            return Refusal.Conflict("This relationship is closed; its intake record stays as it was.");
        var styles = picked.Aggregate(WorkingStyle.None, (all, s) => all | s);
        var now = clock.Now;
        var record = await RecordAsync(user, clientId, id, now, ct);
        try
        {
            record.Update(protector.Protect(concerns), styles, pacing, wanted, impression, protector.Protect(note), now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        if (outcome != (relationship.Measures.OutcomeMeasure ?? ""))
        {
            relationship.SetMeasures(new MeasurementOverrides(outcome, relationship.Measures.AllianceMeasure, relationship.Measures.AllianceEvery));
            audit.Staff(user, "update", "TherapeuticRelationship", relationship.Id, clientId);
        }
        return await SaveOnceAsync(record, ct);
    }

    /// <summary>Records that the clinician and the client talked about the fit, with an optional note.</summary>
    public async Task<ActionResult<IntakeRecord>> FitDiscussedAsync(Guid clientId, string? note, CancellationToken ct = default)
    {
        var (user, id, refusal) = await authorization.CurrentEpisodeToChangeAsync(clientId, WhoMayWrite, ct);
        if (refusal is not null)
            return refusal;
        var (text, problem) = TextLimits.Check(note, TextLimits.LifecycleText, required: false, "the note");
        if (problem is not null)
            return Refusal.Invalid("note", problem);
        if (!await db.Relationships.AnyAsync(r => r.Id == id && r.ClosedAt == null, ct))
            return Refusal.Conflict("This relationship is closed; its intake record stays as it was.");
        var now = clock.Now;
        var record = await RecordAsync(user, clientId, id, now, ct);
        record.FitDiscussed(protector.Protect(text), now);
        return await SaveOnceAsync(record, ct);
    }

    /// <summary>The relationship's intake record, made on first save; the create or update is audited.</summary>
    private async Task<IntakeRecord> RecordAsync(StaffUser user, Guid clientId, Guid relationshipId, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Intakes.SingleOrDefaultAsync(i => i.RelationshipId == relationshipId, ct) is { } record)
        {
            audit.Staff(user, "update", "IntakeRecord", record.Id, clientId);
            return record;
        }
        var made = new IntakeRecord(relationshipId, now);
        db.Intakes.Add(made);
        audit.Staff(user, "create", "IntakeRecord", made.Id, clientId);
        return made;
    }

    /// <summary>Two first saves racing: the unique index keeps one record; the other is asked to reload.</summary>
    private async Task<ActionResult<IntakeRecord>> SaveOnceAsync(IntakeRecord record, CancellationToken ct)
    {
        if (await db.SaveOrConflictAsync("The intake record was saved elsewhere at the same moment; reload and save again.", ct) is { } conflict)
            return conflict;
        return record;
    }
}
