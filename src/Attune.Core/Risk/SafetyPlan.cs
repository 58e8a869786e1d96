namespace Attune.Core.Risk;

/// <summary>
/// The six parts of the Safety Planning Intervention (Stanley &amp; Brown, 2012, Cognitive and Behavioral Practice
/// 19, 256–264), in their order: the client uses them one after the other in a crisis.
/// </summary>
public enum SafetyPlanPart { WarningSigns, InternalCoping, PeopleAndPlacesThatDistract, PeopleToAskForHelp, ProfessionalsAndCrisisLines, MakingTheEnvironmentSafer }

/// <summary>
/// A client's safety plan, written with them. Versioned: a change adds a version and keeps every earlier one. Its
/// parts are the client's own words, so the caller encrypts them and Attune.Core holds only cipher text. It belongs
/// to the client (it goes with them from one episode of care to the next); each version records the episode it was
/// written in and by whom.
/// </summary>
public sealed class SafetyPlan
{
    private readonly List<SafetyPlanVersion> _versions = [];

    private SafetyPlan() { }

    public SafetyPlan(Guid organisationId, Guid clientId, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClientId = clientId;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClientId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public IReadOnlyList<SafetyPlanVersion> Versions => _versions;
    public SafetyPlanVersion? Current => _versions.MaxBy(v => v.Number);

    /// <summary>
    /// A new version with the six parts (encrypted; null for a part left empty). A plan says at least what the client
    /// notices and whom they can reach: warning signs and at least one way to get help.
    /// </summary>
    public SafetyPlanVersion Revise(IReadOnlyDictionary<SafetyPlanPart, string?> protectedParts, bool writtenWithClient, Guid relationshipId, Guid by, DateTimeOffset at)
    {
        string? Part(SafetyPlanPart p) => protectedParts.TryGetValue(p, out var v) && !string.IsNullOrEmpty(v) ? v : null;
        if (Part(SafetyPlanPart.WarningSigns) is null)
            throw new DomainRuleException("Write the warning signs: what tells the client a crisis may be coming.", nameof(SafetyPlanPart.WarningSigns));
        if (Part(SafetyPlanPart.PeopleToAskForHelp) is null && Part(SafetyPlanPart.ProfessionalsAndCrisisLines) is null)
            throw new DomainRuleException("Write at least one person, professional or crisis line the client can ask for help.", nameof(SafetyPlanPart.PeopleToAskForHelp));
        var version = new SafetyPlanVersion(Id, _versions.Count + 1, relationshipId,
            Part(SafetyPlanPart.WarningSigns)!, Part(SafetyPlanPart.InternalCoping), Part(SafetyPlanPart.PeopleAndPlacesThatDistract),
            Part(SafetyPlanPart.PeopleToAskForHelp), Part(SafetyPlanPart.ProfessionalsAndCrisisLines), Part(SafetyPlanPart.MakingTheEnvironmentSafer),
            writtenWithClient, by, at);
        _versions.Add(version);
        return version;
    }
}

public sealed class SafetyPlanVersion
{
    private SafetyPlanVersion() { }

    internal SafetyPlanVersion(Guid planId, int number, Guid relationshipId, string warningSigns, string? internalCoping, string? distraction,
        string? peopleToAsk, string? professionals, string? environment, bool writtenWithClient, Guid by, DateTimeOffset at)
    {
        Id = Guid.NewGuid();
        PlanId = planId;
        Number = number;
        RelationshipId = relationshipId;
        ProtectedWarningSigns = warningSigns;
        ProtectedInternalCoping = internalCoping;
        ProtectedDistraction = distraction;
        ProtectedPeopleToAsk = peopleToAsk;
        ProtectedProfessionals = professionals;
        ProtectedEnvironment = environment;
        WrittenWithClient = writtenWithClient;
        By = by;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid PlanId { get; private set; }
    public int Number { get; private set; }
    /// <summary>The episode of care the version was written in.</summary>
    public Guid RelationshipId { get; private set; }
    public string ProtectedWarningSigns { get; private set; } = "";
    public string? ProtectedInternalCoping { get; private set; }
    public string? ProtectedDistraction { get; private set; }
    public string? ProtectedPeopleToAsk { get; private set; }
    public string? ProtectedProfessionals { get; private set; }
    public string? ProtectedEnvironment { get; private set; }
    /// <summary>The clinician says the client took part in writing this version (the intervention is collaborative).</summary>
    public bool WrittenWithClient { get; private set; }
    public Guid By { get; private set; }
    public DateTimeOffset At { get; private set; }

    /// <summary>The encrypted text of one part, or null when it was left empty.</summary>
    public string? Protected(SafetyPlanPart part) => part switch
    {
        SafetyPlanPart.WarningSigns => ProtectedWarningSigns,
        SafetyPlanPart.InternalCoping => ProtectedInternalCoping,
        SafetyPlanPart.PeopleAndPlacesThatDistract => ProtectedDistraction,
        SafetyPlanPart.PeopleToAskForHelp => ProtectedPeopleToAsk,
        SafetyPlanPart.ProfessionalsAndCrisisLines => ProtectedProfessionals,
        _ => ProtectedEnvironment,
    };
}

/// <summary>The parts' names and the questions that help write them (after Stanley &amp; Brown, 2012).</summary>
public static class SafetyPlanParts
{
    public static readonly SafetyPlanPart[] InOrder = Enum.GetValues<SafetyPlanPart>();

    public static string Name(SafetyPlanPart part) => part switch
    {
        SafetyPlanPart.WarningSigns => "Warning signs",
        SafetyPlanPart.InternalCoping => "Internal coping strategies",
        SafetyPlanPart.PeopleAndPlacesThatDistract => "People and social settings that provide distraction",
        SafetyPlanPart.PeopleToAskForHelp => "People whom I can ask for help",
        SafetyPlanPart.ProfessionalsAndCrisisLines => "Professionals or agencies I can contact during a crisis",
        _ => "Making the environment safer",
    };

    public static string Prompt(SafetyPlanPart part) => part switch
    {
        SafetyPlanPart.WarningSigns => "Thoughts, images, moods, situations or behaviour that tell me a crisis may be developing.",
        SafetyPlanPart.InternalCoping => "Things I can do on my own to take my mind off my problems, without contacting another person.",
        SafetyPlanPart.PeopleAndPlacesThatDistract => "People and places that help take my mind off things (names, phone numbers, places).",
        SafetyPlanPart.PeopleToAskForHelp => "People I can tell that I am in crisis and ask for help (names and phone numbers).",
        SafetyPlanPart.ProfessionalsAndCrisisLines => "My therapist, the clinic, crisis lines and the nearest emergency department (names, numbers, addresses).",
        _ => "How I keep myself safe: what I will remove, lock away or hand to someone, and who will help me do it.",
    };
}
