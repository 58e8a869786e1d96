using System.Globalization;
using System.Text.Json;
using Attune.Core;
using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.CheckIns;

/// <summary>What a client link opens to: the check-in, the instruments it asks for, and the screens already saved.</summary>
public sealed record OpenCheckIn(CheckIn CheckIn, TherapeuticRelationship Relationship, IReadOnlyList<InstrumentDefinition> Instruments, Dictionary<string, InstrumentResponse> Saved)
{
    /// <summary>The first instrument not yet answered, or null when every screen is saved (time for the review).</summary>
    public InstrumentDefinition? NextUnanswered => Instruments.FirstOrDefault(d => !Saved.ContainsKey(d.Id));

    /// <summary>A risk answer was given on a screen already saved: crisis resources stay in view.</summary>
    public bool Risk => Saved.Values.Any(r => r.IsRisk);
}

public enum LinkState { Open, Invalid, Expired, Used, Replaced }

public sealed record ScreenResult(bool Accepted, bool Closed, bool Risk, IReadOnlyList<AnswerError> Errors);

/// <summary>
/// Opens a check-in from its link and stores the client's answers one screen (instrument) at a time, scored,
/// each screen in its own transaction with any risk alert it raises. Sending the reviewed check-in completes it.
/// </summary>
public sealed class CheckInSubmission(AttuneDbContext db, CheckInLinks links, InstrumentCatalog catalog, TimeProvider clock, AuditTrail audit, FreeTextProtector protector, ResponseRecording recording)
{
    public async Task<(LinkState State, OpenCheckIn? CheckIn)> OpenAsync(string? token, CancellationToken ct = default)
    {
        if (links.Read(token) is not { } link)
            return (LinkState.Invalid, null);
        var checkIn = await db.CheckIns.SingleOrDefaultAsync(c => c.Id == link.Id, ct);
        if (checkIn is null)
            return (LinkState.Invalid, null);
        // A link sent again is a new link: the one before it opens nothing, and says nothing about the answers.
        if (link.Version != checkIn.LinkVersion)
            return (LinkState.Replaced, null);
        if (checkIn.Status == CheckInStatus.Completed)
            return (LinkState.Used, null);
        var now = clock.GetUtcNow();
        if (now >= link.ExpiresAt || !checkIn.IsOpenAt(now))
            return (LinkState.Expired, null);
        var relationship = await db.Relationships.SingleAsync(r => r.Id == checkIn.RelationshipId, ct);
        var instruments = checkIn.Instruments.Select(catalog.Find).OfType<InstrumentDefinition>().ToList();
        var saved = await db.Responses.Where(r => r.CheckInId == checkIn.Id).ToDictionaryAsync(r => r.Instrument, ct);
        return (LinkState.Open, new OpenCheckIn(checkIn, relationship, instruments, saved));
    }

    /// <summary>The form field that carries an item's answer.</summary>
    public static string FieldName(InstrumentDefinition d, InstrumentItem item) => $"{d.Id}/{item.Id}";

    /// <summary>The client's own free-text answers on a saved screen, to show them again; the read is audited.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SavedTextsAsync(OpenCheckIn open, InstrumentResponse response, CancellationToken ct = default)
    {
        if (response.ProtectedText is null) return new Dictionary<string, string>();
        audit.ClientLink(open.Relationship.OrganisationId, open.CheckIn.Id, "read", "InstrumentResponse", response.Id, open.Relationship.ClientId);
        await db.SaveChangesAsync(ct);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(response.ProtectedText)!) ?? [];
    }

    /// <summary>
    /// Validates and stores one instrument's answers. Nothing is stored when any answer is invalid. A repeat of the
    /// same screen (a double tap, a retry, a change from the review step) revises the one stored response.
    /// </summary>
    public async Task<ScreenResult> SaveScreenAsync(OpenCheckIn open, InstrumentDefinition d, IFormCollection form, CancellationToken ct = default)
    {
        var (answers, texts, parseErrors) = ReadAnswers(d, form);
        var outcome = InstrumentScorer.Score(d, answers);
        var errors = parseErrors.Concat(outcome.Errors.Where(e => parseErrors.All(p => p.ItemId != e.ItemId))).ToList();
        if (errors.Count > 0)
            return new ScreenResult(false, false, false, errors);
        var result = outcome.Result!;
        var now = clock.GetUtcNow();
        var checkIn = open.CheckIn;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // Touching the check-in makes a screen saved after the check-in was sent fail on its concurrency token.
            checkIn.RecordProgress(now);
            var response = open.Saved.GetValueOrDefault(d.Id);
            var wasRisk = response?.IsRisk ?? false;
            if (response is null)
            {
                response = new InstrumentResponse(checkIn.RelationshipId, checkIn.Id, checkIn.SessionId, answers, result, now);
                db.Responses.Add(response);
                audit.ClientLink(open.Relationship.OrganisationId, checkIn.Id, "submit", "InstrumentResponse", response.Id, open.Relationship.ClientId);
            }
            else
            {
                response.Revise(answers, result, now);
                audit.ClientLink(open.Relationship.OrganisationId, checkIn.Id, "update", "InstrumentResponse", response.Id, open.Relationship.ClientId);
            }
            await recording.StageAsync(open.Relationship, response, wasRisk, texts, now,
                (action, type, id) => audit.ClientLink(open.Relationship.OrganisationId, checkIn.Id, action, type, id, open.Relationship.ClientId), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            open.Saved[d.Id] = response;
        }
        catch (Exception e) when (e is DbUpdateException or DomainRuleException)
        {
            // The check-in was sent or expired meanwhile, or the same screen from another tap won the race:
            // the answers already stored are the ones kept.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var closed = !await db.CheckIns.AnyAsync(c => c.Id == checkIn.Id && c.Status == CheckInStatus.Pending && c.ExpiresAt > now, ct);
            return new ScreenResult(!closed, closed, false, []);
        }
        await recording.EvaluateSignalsAsync(checkIn.RelationshipId, ct);
        return new ScreenResult(true, false, open.Saved[d.Id].IsRisk, []);
    }

    /// <summary>Completes the check-in once every screen is saved; false when another send got there first.</summary>
    public async Task<bool> SendAsync(OpenCheckIn open, CancellationToken ct = default)
    {
        if (open.NextUnanswered is not null)
            throw new InvalidOperationException("Every screen must be saved before the check-in is sent.");
        try
        {
            open.CheckIn.Complete(clock.GetUtcNow());
            audit.ClientLink(open.Relationship.OrganisationId, open.CheckIn.Id, "complete", "CheckIn", open.CheckIn.Id, open.Relationship.ClientId);
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception e) when (e is DbUpdateException or DomainRuleException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static (Dictionary<string, decimal?> Answers, Dictionary<string, string> Texts, List<AnswerError> Errors) ReadAnswers(InstrumentDefinition d, IFormCollection form)
    {
        var answers = new Dictionary<string, decimal?>();
        var texts = new Dictionary<string, string>();
        var errors = new List<AnswerError>();
        foreach (var item in d.Items)
        {
            var raw = form[FieldName(d, item)].ToString().Trim();
            if (item.Kind == ItemKind.Text)
            {
                if (raw.Length > (item.MaxLength ?? 2000))
                    errors.Add(new AnswerError(item.Id, $"Please keep this to {item.MaxLength ?? 2000} characters."));
                else if (raw.Length > 0)
                    texts[item.Id] = raw;
                continue;
            }
            if (raw.Length == 0)
            {
                answers[item.Id] = null;
                continue;
            }
            if (decimal.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                answers[item.Id] = value;
            else
                errors.Add(new AnswerError(item.Id, "Please choose one of the answers."));
        }
        return (answers, texts, errors);
    }
}
