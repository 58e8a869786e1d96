using MathNet.Numerics.Distributions;

namespace Attune.Core.Matching;

/// <summary>A problem domain a clinic measures, with the measure that scores it (depression by PHQ-9, …).</summary>
public sealed record ProblemDomain(string Id, string Name, string InstrumentId, Instruments.ScoreDirection Direction);

/// <summary>One closed relationship's first and last score in a domain, with the clinician who held it.</summary>
public sealed record DomainCase(Guid ClinicianId, string DomainId, decimal Intake, decimal Last);

/// <summary>Where a clinician stands in a domain, from the clinic's own closed cases.</summary>
public enum TrackRecordClass { NotEnoughCases, Effective, Neutral, Ineffective }

/// <summary>The settings of the method: the fewest cases that classify a clinician and the confidence of the interval.</summary>
public sealed record TrackRecordSettings(int MinimumCases = 15, double IntervalLevel = 0.95)
{
    public static readonly TrackRecordSettings Default = new();
}

/// <summary>A clinician's record in one domain: cases, mean residual (positive: better than the clinic's expectation), interval, class.</summary>
public sealed record ClinicianTrackRecord(Guid ClinicianId, string DomainId, int Cases, double? MeanResidual, double? Lower, double? Upper, TrackRecordClass Class);

/// <summary>The clinic-wide model of change on intake in one domain: change = Intercept + Slope × intake.</summary>
public sealed record DomainModel(string DomainId, int Cases, double Intercept, double Slope);

/// <summary>
/// Each therapist's measured strengths per problem domain, after Constantino et al. (2021, JAMA Psychiatry): change is
/// first − last score (last − first for a measure where higher is better), so that improvement is positive; a clinic-wide
/// least-squares line of change on intake score gives each case its expected change, and the residual (change −
/// expected) adjusts for how ill the client was at intake. A clinician with at least MinimumCases cases in the domain is
/// effective when the two-sided t-interval of their mean residual lies above 0, ineffective when it lies below 0, and
/// neutral otherwise.
/// </summary>
public static class TrackRecordMethod
{
    public static (IReadOnlyList<DomainModel> Models, IReadOnlyList<ClinicianTrackRecord> Records) Compute(
        IEnumerable<ProblemDomain> domains, IEnumerable<DomainCase> cases, TrackRecordSettings? settings = null)
    {
        settings ??= TrackRecordSettings.Default;
        if (settings.MinimumCases < 2)
            throw new DomainRuleException("The minimum number of cases must be at least 2, so that an interval exists.", "minimumCases");
        if (settings.IntervalLevel is <= 0.5 or >= 1)
            throw new DomainRuleException("The interval level must lie between 0.5 and 1 (0.95 for a 95% interval).", "intervalLevel");
        var byDomain = cases.GroupBy(c => c.DomainId).ToDictionary(g => g.Key, g => g.ToList());
        var models = new List<DomainModel>();
        var records = new List<ClinicianTrackRecord>();
        foreach (var domain in domains)
        {
            if (!byDomain.TryGetValue(domain.Id, out var inDomain) || inDomain.Count == 0)
                continue;
            var intake = inDomain.Select(c => (double)c.Intake).ToArray();
            var change = inDomain.Select(c => Change(domain.Direction, c)).ToArray();
            var (intercept, slope) = Line(intake, change);
            models.Add(new DomainModel(domain.Id, inDomain.Count, intercept, slope));
            var residuals = inDomain.Select((c, i) => (c.ClinicianId, Residual: change[i] - (intercept + slope * intake[i])));
            foreach (var clinician in residuals.GroupBy(r => r.ClinicianId).OrderBy(g => g.Key))
                records.Add(Classify(domain.Id, clinician.Key, clinician.Select(r => r.Residual).ToList(), settings));
        }
        return (models, records);
    }

    /// <summary>Improvement as a positive number, whichever way the measure runs.</summary>
    public static double Change(Instruments.ScoreDirection direction, DomainCase c) =>
        direction == Instruments.ScoreDirection.HigherIsWorse ? (double)(c.Intake - c.Last) : (double)(c.Last - c.Intake);

    /// <summary>
    /// Ordinary least squares of y on x. When every intake is the same (no spread to fit a slope on), the expected change
    /// is the mean change: the slope is 0.
    /// </summary>
    public static (double Intercept, double Slope) Line(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var mx = x.Average();
        var my = y.Average();
        double sxx = 0, sxy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        var slope = sxx == 0 ? 0 : sxy / sxx;
        return (my - slope * mx, slope);
    }

    private static ClinicianTrackRecord Classify(string domainId, Guid clinicianId, IReadOnlyList<double> residuals, TrackRecordSettings settings)
    {
        var n = residuals.Count;
        var mean = residuals.Average();
        if (n < settings.MinimumCases)
            return new ClinicianTrackRecord(clinicianId, domainId, n, mean, null, null, TrackRecordClass.NotEnoughCases);
        var sd = Math.Sqrt(residuals.Sum(r => (r - mean) * (r - mean)) / (n - 1));
        var half = StudentT.InvCDF(0, 1, n - 1, 1 - (1 - settings.IntervalLevel) / 2) * sd / Math.Sqrt(n);
        var (lower, upper) = (mean - half, mean + half);
        var verdict = lower > 0 ? TrackRecordClass.Effective : upper < 0 ? TrackRecordClass.Ineffective : TrackRecordClass.Neutral;
        return new ClinicianTrackRecord(clinicianId, domainId, n, mean, lower, upper, verdict);
    }
}

/// <summary>
/// A problem domain a clinic adds for matching, defined by a measure it uses (for example "Trauma" by the PCL-5): its
/// track records and a client's most elevated domains then read that measure's scores like the built-in domains'.
/// </summary>
public sealed class ClinicProblemDomain
{
    public const int MaxName = 60;

    private ClinicProblemDomain() { }

    public ClinicProblemDomain(Guid organisationId, string name, string instrumentId, IReadOnlyCollection<string> takenKeys, DateTimeOffset at)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length is 0 or > MaxName)
            throw new DomainRuleException($"Give the domain a name of 1 to {MaxName} characters, like \"Trauma\".", "name");
        var key = new string(trimmed.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        while (key.Contains("--", StringComparison.Ordinal))
            key = key.Replace("--", "-", StringComparison.Ordinal);
        if (key.Length == 0)
            throw new DomainRuleException("Give the domain a name with letters or digits in it.", "name");
        if (takenKeys.Contains(key, StringComparer.Ordinal))
            throw new DomainRuleException($"There is already a domain named \"{trimmed}\".", "name");
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        Key = key;
        Name = trimmed;
        InstrumentId = instrumentId;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    /// <summary>The domain's id in preferences and track records ("trauma").</summary>
    public string Key { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string InstrumentId { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}
