namespace Attune.Core.Wellbeing;

/// <summary>Attune's own wellbeing items, each 0–10 with 10 the best.</summary>
public enum WellbeingItem { Energy, Workload, Connection, Support, Sleep }

/// <summary>
/// A clinician's check on their own wellbeing: Attune's five items (0–10, higher is better) and, when the clinic has
/// loaded ProQOL's text, its three scale scores. Private to the clinician; shared with their supervisor only when they
/// choose, check by check.
/// </summary>
public sealed class WellbeingCheck
{
    private WellbeingCheck() { }

    public WellbeingCheck(Guid organisationId, Guid clinicianId, IReadOnlyDictionary<WellbeingItem, int> items, ProQolScores? proQol, bool shared, DateTimeOffset at)
    {
        var missing = Enum.GetValues<WellbeingItem>().Where(i => !items.ContainsKey(i)).ToList();
        if (missing.Count > 0)
            throw new DomainRuleException($"Answer every item: {string.Join(", ", missing.Select(WellbeingItems.Name))}.", missing[0].ToString().ToLowerInvariant());
        foreach (var (item, value) in items)
            if (value is < 0 or > 10)
                throw new DomainRuleException($"{WellbeingItems.Name(item)}: choose 0 to 10.", item.ToString().ToLowerInvariant());
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClinicianId = clinicianId;
        Energy = items[WellbeingItem.Energy];
        Workload = items[WellbeingItem.Workload];
        Connection = items[WellbeingItem.Connection];
        Support = items[WellbeingItem.Support];
        Sleep = items[WellbeingItem.Sleep];
        CompassionSatisfaction = proQol?.CompassionSatisfaction;
        Burnout = proQol?.Burnout;
        SecondaryTraumaticStress = proQol?.SecondaryTraumaticStress;
        SharedWithSupervisor = shared;
        CompletedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public int Energy { get; private set; }
    public int Workload { get; private set; }
    public int Connection { get; private set; }
    public int Support { get; private set; }
    public int Sleep { get; private set; }
    public int? CompassionSatisfaction { get; private set; }
    public int? Burnout { get; private set; }
    public int? SecondaryTraumaticStress { get; private set; }
    public bool SharedWithSupervisor { get; private set; }
    public DateTimeOffset CompletedAt { get; private set; }

    public int this[WellbeingItem item] => item switch
    {
        WellbeingItem.Energy => Energy,
        WellbeingItem.Workload => Workload,
        WellbeingItem.Connection => Connection,
        WellbeingItem.Support => Support,
        _ => Sleep,
    };

    /// <summary>The mean of the five items, 0–10.</summary>
    public decimal Mean => Math.Round((Energy + Workload + Connection + Support + Sleep) / 5m, 1);

    public ProQolScores? ProQol => CompassionSatisfaction is { } cs && Burnout is { } bo && SecondaryTraumaticStress is { } sts ? new(cs, bo, sts) : null;

    /// <summary>The clinician shares this check with their supervisor, or stops sharing it.</summary>
    public void Share(bool shared) => SharedWithSupervisor = shared;
}

/// <summary>ProQOL 5's three scale scores: each the sum of its ten items (1–5, burnout's five reverse-keyed items reversed), 10–50.</summary>
public sealed record ProQolScores(int CompassionSatisfaction, int Burnout, int SecondaryTraumaticStress)
{
    /// <summary>
    /// The published levels of a ProQOL 5 scale sum: 22 or less low, 23 to 41 moderate, 42 or more high (B. Hudnall
    /// Stamm, ProQOL 5 (2009–2012), "Your scores on the ProQOL", www.proqol.org; the same cut points for all three scales).
    /// </summary>
    public static string Level(int sum) => sum <= 22 ? "low" : sum <= 41 ? "moderate" : "high";

    /// <summary>What calls for care: high burnout or high secondary traumatic stress, or low compassion satisfaction.</summary>
    public bool CallsForCare => Level(Burnout) == "high" || Level(SecondaryTraumaticStress) == "high" || Level(CompassionSatisfaction) == "low";
}

public static class WellbeingItems
{
    public static string Name(WellbeingItem item) => item switch
    {
        WellbeingItem.Energy => "Energy",
        WellbeingItem.Workload => "Workload",
        WellbeingItem.Connection => "Connection to the work",
        WellbeingItem.Support => "Support",
        _ => "Sleep",
    };

    /// <summary>The question, worded so that 10 is the best.</summary>
    public static string Question(WellbeingItem item) => item switch
    {
        WellbeingItem.Energy => "How much energy have you had for your work lately?",
        WellbeingItem.Workload => "How manageable has your workload been?",
        WellbeingItem.Connection => "How connected have you felt to your work and the people you help?",
        WellbeingItem.Support => "How supported have you felt, at work and outside it?",
        _ => "How well have you been sleeping?",
    };

    public static (string Low, string High) Anchors(WellbeingItem item) => item switch
    {
        WellbeingItem.Energy => ("No energy", "Plenty of energy"),
        WellbeingItem.Workload => ("Unmanageable", "Very manageable"),
        WellbeingItem.Connection => ("Disconnected", "Very connected"),
        WellbeingItem.Support => ("Unsupported", "Well supported"),
        _ => ("Very badly", "Very well"),
    };
}
