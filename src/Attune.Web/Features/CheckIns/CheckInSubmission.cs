using System.Globalization;
using System.Text.Json;
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

/// <summary>What a client link opens to: the check-in and the instruments it asks for.</summary>
public sealed record OpenCheckIn(CheckIn CheckIn, TherapeuticRelationship Relationship, IReadOnlyList<InstrumentDefinition> Instruments);

public enum LinkState { Open, Invalid, Expired, Used }

public sealed record SubmissionResult(bool Accepted, bool AlreadyReceived, bool Risk, IReadOnlyDictionary<string, IReadOnlyList<AnswerError>> Errors)
{
    public static SubmissionResult Invalid(Dictionary<string, IReadOnlyList<AnswerError>> errors) => new(false, false, false, errors);
}

/// <summary>Opens a check-in from its link and stores the client's answers, scored, in one transaction.</summary>
public sealed class CheckInSubmission(AttuneDbContext db, CheckInLinks links, InstrumentCatalog catalog, TimeProvider clock, AuditTrail audit, FreeTextProtector protector, IHttpContextAccessor http)
{
    public async Task<(LinkState State, OpenCheckIn? CheckIn)> OpenAsync(string? token, CancellationToken ct = default)
    {
        if (links.Read(token) is not { } link)
            return (LinkState.Invalid, null);
        var checkIn = await db.CheckIns.SingleOrDefaultAsync(c => c.Id == link.CheckInId, ct);
        if (checkIn is null)
            return (LinkState.Invalid, null);
        if (checkIn.Status == CheckInStatus.Completed)
            return (LinkState.Used, null);
        var now = clock.GetUtcNow();
        if (now >= link.ExpiresAt || !checkIn.IsOpenAt(now))
            return (LinkState.Expired, null);
        var relationship = await db.Relationships.SingleAsync(r => r.Id == checkIn.RelationshipId, ct);
        var instruments = checkIn.Instruments.Select(catalog.Find).OfType<InstrumentDefinition>().ToList();
        return (LinkState.Open, new OpenCheckIn(checkIn, relationship, instruments));
    }

    /// <summary>The form field that carries an item's answer.</summary>
    public static string FieldName(InstrumentDefinition d, InstrumentItem item) => $"{d.Id}/{item.Id}";

    public async Task<SubmissionResult> SubmitAsync(OpenCheckIn open, IFormCollection form, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, IReadOnlyList<AnswerError>>();
        var scored = new List<(InstrumentDefinition Definition, Dictionary<string, decimal?> Answers, ScoreResult Result, Dictionary<string, string> Texts)>();
        foreach (var d in open.Instruments)
        {
            var (answers, texts, parseErrors) = ReadAnswers(d, form);
            var outcome = InstrumentScorer.Score(d, answers);
            var all = parseErrors.Concat(outcome.Errors.Where(e => parseErrors.All(p => p.ItemId != e.ItemId))).ToList();
            if (all.Count > 0)
                errors[d.Id] = all;
            else
                scored.Add((d, answers, outcome.Result!, texts));
        }
        if (errors.Count > 0)
            return SubmissionResult.Invalid(errors);

        var now = clock.GetUtcNow();
        var checkIn = open.CheckIn;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            checkIn.Complete(now);
            foreach (var (d, answers, result, texts) in scored)
            {
                var response = new InstrumentResponse(checkIn.RelationshipId, checkIn.Id, checkIn.SessionId, answers, result, now);
                if (texts.Count > 0)
                    response.AttachProtectedText(protector.Protect(JsonSerializer.Serialize(texts)));
                db.Responses.Add(response);
                audit.ClientLink(open.Relationship.OrganisationId, checkIn.Id, "submit", "InstrumentResponse", response.Id, open.Relationship.ClientId);
                if (result.IsRisk)
                    await RaiseRiskAlertAsync(open.Relationship, checkIn, response, now, ct);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another submit of the same link won the race; its answers are the ones kept.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return new SubmissionResult(false, true, false, errors);
        }
        return new SubmissionResult(true, false, scored.Any(s => s.Result.IsRisk), errors);
    }

    /// <summary>
    /// An urgent alert and an email to the clinician, saved with the answers: if the answers are stored,
    /// so is the alert. The email names no client and no answer; it asks the clinician to sign in.
    /// </summary>
    private async Task RaiseRiskAlertAsync(TherapeuticRelationship relationship, CheckIn checkIn, InstrumentResponse response, DateTimeOffset now, CancellationToken ct)
    {
        var alert = new ClinicalAlert(relationship.OrganisationId, relationship.Id, relationship.ClinicianId, AlertKind.Risk, urgent: true, response.Id, now);
        db.Alerts.Add(alert);
        audit.ClientLink(relationship.OrganisationId, checkIn.Id, "create", "ClinicalAlert", alert.Id, relationship.ClientId);
        var recipients = await db.Users.Where(u => u.ClinicianId == relationship.ClinicianId && u.Email != null).Select(u => u.Email!).ToListAsync(ct);
        var request = http.HttpContext?.Request;
        var url = request is null ? $"/clients/{relationship.ClientId}" : $"{request.Scheme}://{request.Host}{request.PathBase}/clients/{relationship.ClientId}";
        foreach (var to in recipients)
            db.Outbox.Add(new OutboxMessage
            {
                OrganisationId = relationship.OrganisationId,
                To = to,
                Subject = "Attune: urgent alert for one of your clients",
                Body = $"A check-in for one of your clients has raised an urgent alert that needs your attention today.\n\nSign in to see it: {url}\n\nThis email holds no clinical details.",
                CreatedAt = now,
            });
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
