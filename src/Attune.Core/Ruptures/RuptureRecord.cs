using System.Text.Json.Serialization;
using Attune.Core.CheckIns;
using Attune.Core.Reflections;

namespace Attune.Core.Ruptures;

/// <summary>
/// Rupture markers by the 3RS categories' names (Eubanks, Muran &amp; Safran). Withdrawal: shutting down, avoiding,
/// masking. Confrontation: complaints about the therapist, the activities, the parameters or the progress; rejecting an
/// intervention; defending self; controlling or pressuring.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuptureMarker>))]
public enum RuptureMarker
{
    ShuttingDown, Avoiding, Masking,
    ComplaintAboutTherapist, ComplaintAboutActivities, ComplaintAboutParameters, ComplaintAboutProgress,
    RejectingIntervention, DefendingSelf, ControllingOrPressuring,
}

/// <summary>Who noticed the rupture first.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NoticedBy>))]
public enum NoticedBy { ClientReport, ScoreDrop, Clinician }

/// <summary>The repair strategies PRODUCT.md lists.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RepairStrategy>))]
public enum RepairStrategy
{
    ClarifyMisunderstanding, ChangeTaskOrGoal, GiveRationale, InviteDiscussion, AcknowledgeOwnContribution,
    SelfDisclose, LinkToPatterns, ValidateDefence, Redirect, ContinueTask,
}

[JsonConverter(typeof(JsonStringEnumConverter<RuptureResolution>))]
public enum RuptureResolution { Ongoing, Resolved, NotResolved }

/// <summary>
/// One rupture in the alliance and its repair, as the clinician logs it: when (a session), its marker category, who
/// noticed it, the repair strategies used, and whether it resolved. Attune links a later recovery of the client's
/// Connection Check to it by itself (<see cref="RuptureRecovery"/>). The note is clinical free text: the caller
/// encrypts it.
/// </summary>
public sealed class RuptureRecord
{
    private readonly List<RepairStrategy> _strategies = [];

    private RuptureRecord() { }

    public RuptureRecord(Guid relationshipId, Guid? sessionId, DateTimeOffset occurredAt, RuptureMarker marker, NoticedBy noticedBy,
        IEnumerable<RepairStrategy> strategies, RuptureResolution resolution, string? protectedNote, Guid? alertId, Guid recordedBy, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        SessionId = sessionId;
        OccurredAt = occurredAt;
        AlertId = alertId;
        RecordedBy = recordedBy;
        RecordedAt = at;
        if (!Enum.IsDefined(noticedBy)) throw new DomainRuleException("Choose who noticed the rupture.");
        NoticedBy = noticedBy;
        Update(marker, strategies, resolution, protectedNote, at);
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid? SessionId { get; private set; }
    /// <summary>When the rupture happened: the session's start, or when it was noticed.</summary>
    public DateTimeOffset OccurredAt { get; private set; }
    public RuptureMarker Marker { get; private set; }
    public Tension Category => CategoryOf(Marker);
    public NoticedBy NoticedBy { get; private set; }
    public IReadOnlyList<RepairStrategy> Strategies => _strategies;
    public RuptureResolution Resolution { get; private set; }
    public string? ProtectedNote { get; private set; }
    /// <summary>The signal that led to this entry, if any.</summary>
    public Guid? AlertId { get; private set; }
    public Guid RecordedBy { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    /// <summary>The Connection Check at which the alliance came back to the client's baseline, linked by Attune.</summary>
    public Guid? RecoveryResponseId { get; private set; }
    public DateTimeOffset? RecoveredAt { get; private set; }
    /// <summary>The V in figures ("6.1 on 3 Dec, back to 8.6 on 17 Dec; usual 8.5"): scores only, no free text.</summary>
    public string? RecoveryDescription { get; private set; }

    public static Tension CategoryOf(RuptureMarker marker) =>
        marker is RuptureMarker.ShuttingDown or RuptureMarker.Avoiding or RuptureMarker.Masking ? Tension.Withdrawal : Tension.Confrontation;

    public void Update(RuptureMarker marker, IEnumerable<RepairStrategy> strategies, RuptureResolution resolution, string? protectedNote, DateTimeOffset at)
    {
        if (!Enum.IsDefined(marker)) throw new DomainRuleException("Choose a rupture marker from the list.");
        if (!Enum.IsDefined(resolution)) throw new DomainRuleException("Choose whether the rupture resolved.");
        var chosen = strategies.Distinct().ToList();
        if (chosen.Any(s => !Enum.IsDefined(s))) throw new DomainRuleException("Choose repair strategies from the list.");
        Marker = marker;
        _strategies.Clear();
        _strategies.AddRange(chosen);
        if (resolution != RuptureResolution.Ongoing && Resolution != resolution) ResolvedAt = at;
        if (resolution == RuptureResolution.Ongoing) ResolvedAt = null;
        Resolution = resolution;
        ProtectedNote = string.IsNullOrEmpty(protectedNote) ? null : protectedNote;
        UpdatedAt = at;
    }

    /// <summary>Links the alliance's recovery; the first one found stays.</summary>
    public bool LinkRecovery(RuptureRecovery.Found found)
    {
        if (RecoveryResponseId is not null) return false;
        RecoveryResponseId = found.Recovered.Id;
        RecoveredAt = found.Recovered.CompletedAt;
        RecoveryDescription = found.Description;
        return true;
    }
}

/// <summary>
/// Finds the V-shaped sequence after a rupture: the client's Connection Check falls at least the clinic's drop
/// threshold below their baseline (the mean of their Connection Checks before the rupture) and later comes back to
/// the baseline, within the clinic's repair window when one is set.
/// </summary>
public static class RuptureRecovery
{
    public sealed record Found(InstrumentResponse Low, InstrumentResponse Recovered, decimal Baseline, string Description);

    public static Found? Find(DateTimeOffset occurredAt, IEnumerable<InstrumentResponse> connectionChecks, decimal dropAtLeast, int? windowSessions)
    {
        var all = connectionChecks.OrderBy(r => r.CompletedAt).ToList();
        var before = all.Where(r => r.CompletedAt < occurredAt).ToList();
        if (before.Count == 0) return null; // no baseline yet
        var baseline = before.Average(r => r.Score);
        var after = all.Where(r => r.CompletedAt >= occurredAt).ToList();
        var lowIndex = after.FindIndex(r => baseline - r.Score >= dropAtLeast);
        if (lowIndex < 0) return null;
        var later = after.Skip(lowIndex + 1);
        if (windowSessions is { } window) later = later.Take(window);
        if (later.FirstOrDefault(r => r.Score >= baseline) is not { } recovered) return null;
        var low = after[lowIndex];
        return new Found(low, recovered, baseline,
            $"Connection Check {low.Score:0.0} on {Signals.SignalEngine.D(low.CompletedAt)}, back to {recovered.Score:0.0} on {Signals.SignalEngine.D(recovered.CompletedAt)} (usual {baseline:0.0}).");
    }
}
