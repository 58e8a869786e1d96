using System.Text.Json;
using Attune.Core.CheckIns;
using Attune.Core.Relationships;
using Attune.Web.Features.Security;
using Attune.Web.Features.Signals;

namespace Attune.Web.Features.CheckIns;

/// <summary>
/// Storing a client's scored answers however they arrived (a check-in screen, a FHIR QuestionnaireResponse): the written
/// answers encrypted, the urgent alert raised in the same transaction when the answers newly carry a risk answer, and the
/// other signals evaluated once the answers are safe. One way, so that a risk answer reaches the clinician by every door.
/// </summary>
public sealed class ResponseRecording(FreeTextProtector protector, RiskAlerts riskAlerts, SignalEvaluator signals, ILogger<ResponseRecording> logger)
{
    /// <summary>
    /// Adds the written answers and any risk alert to the unit of work, and audits the alert through
    /// <paramref name="audit"/> (action, entity type, id) as the channel's actor. The caller saves, in its transaction.
    /// </summary>
    /// <param name="wasRisk">Whether the stored response already carried a risk answer (a revised screen): its alert stays, and no second one is raised.</param>
    public async Task StageAsync(TherapeuticRelationship relationship, InstrumentResponse response, bool wasRisk, IReadOnlyDictionary<string, string> texts,
        DateTimeOffset now, Action<string, string, Guid> audit, CancellationToken ct)
    {
        response.AttachProtectedText(texts.Count > 0 ? protector.Protect(JsonSerializer.Serialize(texts)) : null);
        if (response.IsRisk && !wasRisk)
        {
            var alert = await riskAlerts.RaiseAsync(relationship, response, now, ct);
            audit("create", "ClinicalAlert", alert.Id);
        }
    }

    /// <summary>Runs the other signals on the stored answers. A failure here must not lose or refuse them: it is logged (ids only).</summary>
    public async Task EvaluateSignalsAsync(Guid relationshipId, CancellationToken ct)
    {
        try
        {
            await signals.EvaluateAsync(relationshipId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("Signal evaluation failed for relationship {RelationshipId}: {ErrorType}", relationshipId, e.GetType().Name);
        }
    }
}
