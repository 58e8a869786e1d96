using Attune.Core.Reflections;
using Attune.Core.Ruptures;
using Attune.Core.Signals;

namespace Attune.Web.Features.Signals;

/// <summary>One piece of guidance: a heading, a short lead, and concrete steps.</summary>
public sealed record GuidanceSection(string Id, string Heading, string Lead, IReadOnlyList<string> Steps);

/// <summary>
/// Short, concrete support for each signal (PRODUCT.md: feedback helps most with clinical support tools for cases
/// not on track). Written for Attune; the 3RS category and strategy names are used, not its manual's text.
/// </summary>
public static class Guidance
{
    public static string Name(SignalKind kind) => kind switch
    {
        SignalKind.Risk => "Risk answer",
        SignalKind.LowAlliance => "Low alliance",
        SignalKind.AllianceDrop => "Alliance drop",
        SignalKind.ClientReportedRupture => "Client-reported rupture",
        SignalKind.RuptureRepaired => "Rupture repaired",
        SignalKind.NotOnTrack => "Not on track",
        SignalKind.FitCheck => "Fit check",
        SignalKind.PerceptionGap => "Perception gap",
        SignalKind.Engagement => "Engagement",
        SignalKind.GoalDisagreement => "Goal not agreed",
        _ => kind.ToString(),
    };

    /// <summary>The URL slug of a signal's guidance page.</summary>
    public static string Slug(SignalKind kind) => kind switch
    {
        SignalKind.LowAlliance => "low-alliance",
        SignalKind.AllianceDrop => "alliance-drop",
        SignalKind.ClientReportedRupture => "client-reported-rupture",
        SignalKind.RuptureRepaired => "rupture-repaired",
        SignalKind.NotOnTrack => "not-on-track",
        SignalKind.FitCheck => "fit-check",
        SignalKind.PerceptionGap => "perception-gap",
        SignalKind.GoalDisagreement => "goal-not-agreed",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static SignalKind? FromSlug(string? slug) => Enum.GetValues<SignalKind>().Cast<SignalKind?>().FirstOrDefault(k => Slug(k!.Value) == slug);

    /// <summary>Whether logging a rupture fits this signal.</summary>
    public static bool IsAboutTheAlliance(SignalKind kind) =>
        kind is SignalKind.LowAlliance or SignalKind.AllianceDrop or SignalKind.ClientReportedRupture or SignalKind.PerceptionGap;

    public static readonly GuidanceSection InviteTalk = new("invite-talk", "Invite talk about the relationship",
        "Clients rarely raise a problem with the therapist unprompted. Make it safe to say.",
        [
            "Name what you noticed, without blame: “Your check-in said today felt less right for you. I'd like to hear about that.”",
            "Ask about the here and now: “What is it like to talk about this with me?”",
            "Be curious rather than defensive; thank the client for anything critical they say. A rupture that is spoken about can be repaired.",
            "Acknowledge your own part where it fits: “I may have moved on too quickly last time.”",
            "Check back at the end of the session: “How was it to talk about us like this?”",
        ]);

    public static readonly GuidanceSection RepairStrategies = new("repair", "Repair strategies",
        "Pick what fits the rupture; log the rupture and what you tried, so that you and your supervisor can see what helps.",
        Enum.GetValues<RepairStrategy>().Select(s => $"{StrategyName(s)}: {StrategyHint(s)}").ToList());

    public static readonly GuidanceSection NotOnTrackChecklist = new("not-on-track", "Not on track: a checklist",
        "Progress worse than expected is a reason to look again, together with the client, not a verdict.",
        [
            "Alliance: look at the Connection Check items; ask openly how the work together feels.",
            "Goals and tasks: are they still the client's own, and agreed? Review them together; change the task or the goal if needed.",
            "Motivation and readiness: what does the client want from therapy now; what would make it worth the effort?",
            "Social support: who is around the client; has anything changed at home, work or with friends?",
            "Life events: a loss, a move, illness, money, something new since the last sessions?",
            "Talk it over in supervision, and consider a change of approach or intensity with the client.",
        ]);

    public static readonly GuidanceSection Fit = new("fit", "Talk about fit",
        "A client's early view of fit predicts whether they stay and whether therapy helps. Asking is part of the work.",
        [
            "Thank the client for saying it; their view of the fit matters.",
            "Ask what is working, what is not, and what would help: pace, style, how much input they want from you.",
            "Agree on one change to try, and check at the next session.",
            "If they would rather see someone else, say that this is fine and offer a referral to a colleague; their history goes with them.",
        ]);

    public static readonly GuidanceSection Gap = new("perception-gap", "You may be missing something",
        "Therapists overestimate the alliance and rarely foresee deterioration (in one study 1 of 40 deteriorations was predicted, Hannan 2005).",
        [
            "Look at which Connection Check items were lowest: heard, safe, seen, goals, approach, room, overall.",
            "Ask the client directly and with curiosity how the last session was for them.",
            "Review your own notes for moments of tension or distance you may have passed over.",
        ]);

    public static readonly GuidanceSection Engagement = new("engagement", "Reach out",
        "Missed sessions and unanswered check-ins often come before a client drops out.",
        [
            "Contact the client warmly; ask how they are, not why they missed.",
            "Ask about practical barriers: time, cost, travel, technology, privacy at home.",
            "Ask whether the check-ins feel like a burden, and agree how often they make sense.",
            "Offer the next session, or another way to continue.",
        ]);

    public static readonly GuidanceSection GoalsTogether = new("goals", "Agree the goal together",
        "Agreement on goals and tasks is one of the three parts of the alliance; a goal the client does not own rarely moves.",
        [
            "Read the client's own words about the goal; start the next session with them.",
            "Ask what they would want instead, and what would tell them therapy is helping.",
            "Reword the goal or task with them and send the new wording for them to agree.",
            "If the disagreement is about the approach, consider whether a different task fits how they like to work.",
        ]);

    public static readonly GuidanceSection Repaired = new("repaired", "A rupture repaired",
        "Ruptures that are repaired are linked with better outcomes. This is a strength of the work.",
        [
            "Name it with the client: what happened, and what helped you find each other again.",
            "Note in the rupture log which strategies helped.",
        ]);

    public static readonly GuidanceSection RiskSteps = new("risk", "Risk answer",
        "The client was shown crisis resources when they answered. Contact them today.",
        [
            "Contact the client today and complete a structured risk assessment.",
            "Follow your clinic's risk protocol (below); update the safety plan with the client.",
            "Record what you did when you resolve the alert.",
        ]);

    /// <summary>The guidance for a signal, most important first.</summary>
    public static IReadOnlyList<GuidanceSection> For(SignalKind kind) => kind switch
    {
        SignalKind.Risk => [RiskSteps],
        SignalKind.LowAlliance or SignalKind.AllianceDrop or SignalKind.ClientReportedRupture => [InviteTalk, RepairStrategies],
        SignalKind.PerceptionGap => [Gap, InviteTalk],
        SignalKind.RuptureRepaired => [Repaired],
        SignalKind.NotOnTrack => [NotOnTrackChecklist, InviteTalk],
        SignalKind.FitCheck => [Fit, InviteTalk],
        SignalKind.Engagement => [Engagement],
        SignalKind.GoalDisagreement => [GoalsTogether, InviteTalk],
        _ => [],
    };

    public static string StrategyName(RepairStrategy s) => s switch
    {
        RepairStrategy.ClarifyMisunderstanding => "Clarify a misunderstanding",
        RepairStrategy.ChangeTaskOrGoal => "Change the task or goal",
        RepairStrategy.GiveRationale => "Give a rationale",
        RepairStrategy.InviteDiscussion => "Invite discussion of the rupture",
        RepairStrategy.AcknowledgeOwnContribution => "Acknowledge your own contribution",
        RepairStrategy.SelfDisclose => "Self-disclose",
        RepairStrategy.LinkToPatterns => "Link to patterns",
        RepairStrategy.ValidateDefence => "Validate the defence",
        RepairStrategy.Redirect => "Redirect",
        RepairStrategy.ContinueTask => "Continue the task",
        _ => s.ToString(),
    };

    private static string StrategyHint(RepairStrategy s) => s switch
    {
        RepairStrategy.ClarifyMisunderstanding => "say back what you understood and ask what you got wrong.",
        RepairStrategy.ChangeTaskOrGoal => "agree a different task or goal that fits the client better.",
        RepairStrategy.GiveRationale => "explain why you suggested what you did, and ask if it makes sense to them.",
        RepairStrategy.InviteDiscussion => "ask openly about what happened between you.",
        RepairStrategy.AcknowledgeOwnContribution => "say plainly what you did that may have added to it.",
        RepairStrategy.SelfDisclose => "share, briefly and for the client's sake, how the moment was for you.",
        RepairStrategy.LinkToPatterns => "where it helps, connect what happened to patterns in therapy or other relationships.",
        RepairStrategy.ValidateDefence => "recognise the sense in the client's way of protecting themselves.",
        RepairStrategy.Redirect => "move to a topic or activity where you can work together again.",
        RepairStrategy.ContinueTask => "when the moment passes, carry on, checking in as you go.",
        _ => "",
    };

    public static string MarkerName(RuptureMarker m) => m switch
    {
        RuptureMarker.ShuttingDown => "Withdrawal: shutting down (avoidant denial, minimal response, giving up)",
        RuptureMarker.Avoiding => "Withdrawal: avoiding (abstract talk, avoidant storytelling, topic shift)",
        RuptureMarker.Masking => "Withdrawal: masking (deferential or appeasing, content–affect split)",
        RuptureMarker.ComplaintAboutTherapist => "Confrontation: complaint about the therapist",
        RuptureMarker.ComplaintAboutActivities => "Confrontation: complaint about the activities",
        RuptureMarker.ComplaintAboutParameters => "Confrontation: complaint about the parameters (time, place, fees)",
        RuptureMarker.ComplaintAboutProgress => "Confrontation: complaint about the progress",
        RuptureMarker.RejectingIntervention => "Confrontation: rejecting an intervention",
        RuptureMarker.DefendingSelf => "Confrontation: defending self",
        RuptureMarker.ControllingOrPressuring => "Confrontation: controlling or pressuring",
        _ => m.ToString(),
    };

    public static string NoticedByName(NoticedBy n) => n switch
    {
        NoticedBy.ClientReport => "The client said so",
        NoticedBy.ScoreDrop => "A drop in the scores",
        NoticedBy.Clinician => "I noticed it",
        _ => n.ToString(),
    };

    public static string LightText(TrackLight light) => light switch
    {
        TrackLight.Green => "on track",
        TrackLight.Amber => "amber: worse than expected",
        _ => "red: off track",
    };

    public static string TensionName(Tension t) => t switch { Tension.None => "None", _ => t.ToString() };

    public static string ActionName(AlertAction a) => a switch
    {
        AlertAction.TalkedAboutRelationship => "Talked about the relationship with the client",
        AlertAction.ChangedTaskOrGoal => "Changed a task or goal",
        AlertAction.RiskAssessmentDone => "Risk assessment done",
        AlertAction.SafetyPlanUpdated => "Safety plan made or updated",
        AlertAction.ContactedClient => "Contacted the client",
        AlertAction.Referred => "Referred",
        AlertAction.DiscussedInSupervision => "Discussed in supervision",
        AlertAction.NoActionNeeded => "No action needed",
        AlertAction.Other => "Other (say what)",
        AlertAction.RiskReview => "Risk review",
        _ => a.ToString(),
    };
}
