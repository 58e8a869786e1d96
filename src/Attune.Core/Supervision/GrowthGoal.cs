namespace Attune.Core.Supervision;

/// <summary>What a growth goal is measured by, from Attune's own data on the clinician's clients.</summary>
public enum GrowthMeasure
{
    /// <summary>Of the clinician's attended sessions in a month, the share (%) with the client's Connection Check.</summary>
    ConnectionCheckShare,
    /// <summary>The median days from a rupture to its repair, over the ruptures the clinician recorded as repaired in a month.</summary>
    RuptureRepairDays,
    /// <summary>The mean gap (0–10, either way) between the clinician's rating of the connection and the client's Connection Check, over a month's sessions with both.</summary>
    PerceptionGap,
}

/// <summary>
/// A development goal the clinician and their supervisor agree (issue 21, point 4): in the clinician's words, with a
/// measure from Attune's own data and, if they like, a target. Whoever proposes it agrees in proposing; it is agreed
/// once the other has agreed too. Either may close it.
/// </summary>
public sealed class GrowthGoal
{
    private GrowthGoal() { }

    /// <param name="byClinician">The clinician proposes it (else the supervisor does).</param>
    public GrowthGoal(Guid organisationId, Guid clinicianId, Guid supervisorId, string protectedText, GrowthMeasure measure, decimal? target, bool byClinician, DateTimeOffset at)
    {
        if (!Enum.IsDefined(measure))
            throw new DomainRuleException("Choose a measure from the list.", "measure");
        if (target is { } t && (t < 0 || (measure == GrowthMeasure.ConnectionCheckShare && t > 100) || (measure == GrowthMeasure.PerceptionGap && t > 10) || (measure == GrowthMeasure.RuptureRepairDays && t > 365)))
            throw new DomainRuleException(measure switch
            {
                GrowthMeasure.ConnectionCheckShare => "Give the target as a share from 0 to 100 (%).",
                GrowthMeasure.PerceptionGap => "Give the target gap from 0 to 10.",
                _ => "Give the target in days, 0 to 365.",
            }, "target");
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClinicianId = clinicianId;
        SupervisorId = supervisorId;
        ProtectedText = Require.Present(protectedText, "text");
        Measure = measure;
        Target = target;
        CreatedAt = at;
        if (byClinician) ClinicianAgreedAt = at; else SupervisorAgreedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClinicianId { get; private set; }
    public Guid SupervisorId { get; private set; }
    public string ProtectedText { get; private set; } = "";
    public GrowthMeasure Measure { get; private set; }
    public decimal? Target { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ClinicianAgreedAt { get; private set; }
    public DateTimeOffset? SupervisorAgreedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }

    public bool Agreed => ClinicianAgreedAt is not null && SupervisorAgreedAt is not null;

    /// <summary>The side that has not agreed yet agrees.</summary>
    public void Agree(bool asClinician, DateTimeOffset at)
    {
        if (ClosedAt is not null)
            throw new DomainRuleException("The goal is closed.");
        if ((asClinician ? ClinicianAgreedAt : SupervisorAgreedAt) is not null)
            throw new DomainRuleException("You have agreed to this goal already.");
        if (asClinician) ClinicianAgreedAt = at; else SupervisorAgreedAt = at;
    }

    public void Close(DateTimeOffset at)
    {
        if (ClosedAt is not null)
            throw new DomainRuleException("The goal is closed already.");
        ClosedAt = at;
    }
}

/// <summary>One month of a growth measure: its value (null with nothing to measure) and how many it was measured over.</summary>
public sealed record GrowthPoint(DateOnly Month, decimal? Value, int N);

/// <summary>The facts a growth measure is computed from, each with the clinic-local month it falls in.</summary>
/// <param name="Sessions">The clinician's attended sessions: id and month.</param>
/// <param name="ConnectionChecks">The client's Connection Check score (0–10) by session id.</param>
/// <param name="Ratings">The clinician's own rating of the connection (0–10) by session id.</param>
/// <param name="Repairs">Repaired ruptures: the month the repair was recorded and the days it took.</param>
public sealed record GrowthFacts(
    IReadOnlyList<(Guid SessionId, DateOnly Month)> Sessions,
    IReadOnlyDictionary<Guid, decimal> ConnectionChecks,
    IReadOnlyDictionary<Guid, decimal> Ratings,
    IReadOnlyList<(DateOnly Month, decimal Days)> Repairs);

public static class GrowthMeasures
{
    public static string Name(GrowthMeasure m) => m switch
    {
        GrowthMeasure.ConnectionCheckShare => "Share of sessions with the client's Connection Check",
        GrowthMeasure.RuptureRepairDays => "Days from a rupture to its repair (median)",
        _ => "Perception gap: your rating of the connection against the client's (mean, either way)",
    };

    public static string Unit(GrowthMeasure m) => m switch
    {
        GrowthMeasure.ConnectionCheckShare => "%",
        GrowthMeasure.RuptureRepairDays => " days",
        _ => " points",
    };

    /// <summary>Higher is better for the share; lower is better for repair time and the gap.</summary>
    public static bool HigherIsBetter(GrowthMeasure m) => m == GrowthMeasure.ConnectionCheckShare;

    /// <summary>The measure for each month from <paramref name="first"/> to <paramref name="last"/> (first days of months), rounded to one decimal.</summary>
    public static IReadOnlyList<GrowthPoint> Monthly(GrowthMeasure measure, GrowthFacts facts, DateOnly first, DateOnly last)
    {
        var points = new List<GrowthPoint>();
        for (var month = first; month <= last; month = month.AddMonths(1))
        {
            var sessions = facts.Sessions.Where(s => s.Month == month).Select(s => s.SessionId).ToList();
            points.Add(measure switch
            {
                GrowthMeasure.ConnectionCheckShare => sessions.Count == 0 ? new(month, null, 0)
                    : new(month, Math.Round(100m * sessions.Count(facts.ConnectionChecks.ContainsKey) / sessions.Count, 1), sessions.Count),
                GrowthMeasure.RuptureRepairDays => Median(month, facts.Repairs.Where(r => r.Month == month).Select(r => r.Days).ToList()),
                _ => Mean(month, sessions.Where(s => facts.ConnectionChecks.ContainsKey(s) && facts.Ratings.ContainsKey(s))
                    .Select(s => Math.Abs(facts.Ratings[s] - facts.ConnectionChecks[s])).ToList()),
            });
        }
        return points;
    }

    private static GrowthPoint Median(DateOnly month, List<decimal> values)
    {
        if (values.Count == 0) return new(month, null, 0);
        values.Sort();
        var middle = values.Count / 2;
        var median = values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
        return new(month, Math.Round(median, 1), values.Count);
    }

    private static GrowthPoint Mean(DateOnly month, List<decimal> values) =>
        values.Count == 0 ? new(month, null, 0) : new(month, Math.Round(values.Average(), 1), values.Count);
}
