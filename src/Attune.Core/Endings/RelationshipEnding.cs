using System.Text.Json.Serialization;

using Attune.Core.Relationships;

namespace Attune.Core.Endings;

[JsonConverter(typeof(JsonStringEnumConverter<EndingKind>))]
public enum EndingKind { Planned, Unplanned }

/// <summary>Why a relationship ended: PRODUCT.md's list.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EndingReason>))]
public enum EndingReason { GoalsMet, ClientMovedOn, FinancialOrPractical, TherapistInitiated, NoContact, ReferredOn }

public static class EndingReasons
{
    public static string Name(EndingReason reason) => reason switch
    {
        EndingReason.GoalsMet => "goals met",
        EndingReason.ClientMovedOn => "client chose to move on",
        EndingReason.FinancialOrPractical => "financial or practical change",
        EndingReason.TherapistInitiated => "therapist-initiated",
        EndingReason.NoContact => "no contact / dropout",
        EndingReason.ReferredOn => "referred on",
        _ => reason.ToString(),
    };
}

/// <summary>
/// How and why a relationship ended, with the closing summary (drafted by Attune from the data, edited by the
/// clinician) and the carry-forward plan the client keeps. Texts are encrypted by the caller.
/// </summary>
public sealed class RelationshipEnding
{
    private RelationshipEnding() { }

    internal RelationshipEnding(Guid relationshipId, EndingKind kind, EndingReason reason, string protectedSummary, string? protectedCarryForward, DateTimeOffset at, Guid? referredToRelationshipId)
    {
        Id = Guid.NewGuid();
        RelationshipId = relationshipId;
        Kind = kind;
        Reason = reason;
        ProtectedSummary = protectedSummary;
        ProtectedCarryForward = protectedCarryForward;
        EndedAt = at;
        ReferredToRelationshipId = referredToRelationshipId;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public EndingKind Kind { get; private set; }
    public EndingReason Reason { get; private set; }
    public string ProtectedSummary { get; private set; } = "";
    public string? ProtectedCarryForward { get; private set; }
    public DateTimeOffset EndedAt { get; private set; }
    /// <summary>For a referral: the client's new relationship.</summary>
    public Guid? ReferredToRelationshipId { get; private set; }
    /// <summary>The final check-in offered to the client at the ending, if one was sent.</summary>
    public Guid? FinalCheckInId { get; private set; }

    public void OfferFinalCheckIn(Guid checkInId) => FinalCheckInId = checkInId;
}

/// <summary>
/// The proposal to record an unplanned ending after a stretch without contact. Attune proposes; the clinician decides.
/// </summary>
public static class NoContact
{
    /// <summary>
    /// The last contact: the latest attended session or completed check-in (null when there was none, and then the
    /// opening counts). Due when that lies <paramref name="days"/> or more before now and nothing is scheduled ahead.
    /// </summary>
    public static bool ProposeEnding(TherapeuticRelationship r, DateTimeOffset? lastCheckIn, DateTimeOffset now, int days, out int daysSince)
    {
        var lastSession = r.Sessions.Where(s => s.Attendance == SessionAttendance.Attended && s.StartsAt <= now).Select(s => (DateTimeOffset?)s.StartsAt).Max();
        var last = new[] { lastSession, lastCheckIn, r.OpenedAt }.Where(d => d is not null).Max()!.Value;
        daysSince = (int)(now - last).TotalDays;
        return r.IsOpen && days > 0 && daysSince >= days
            && !r.Sessions.Any(s => s.Attendance == SessionAttendance.Scheduled && s.StartsAt > now);
    }
}
