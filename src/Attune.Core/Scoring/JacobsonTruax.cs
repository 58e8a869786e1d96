using Attune.Core.Instruments;

namespace Attune.Core.Scoring;

/// <summary>Reliable change and clinical cut-offs after Jacobson &amp; Truax (1991).</summary>
public static class JacobsonTruax
{
    /// <summary>SE = s₁·√(1 − rₓₓ).</summary>
    public static double StandardError(double sdPre, double reliability)
    {
        if (sdPre <= 0) throw new ArgumentOutOfRangeException(nameof(sdPre), "The standard deviation must be positive.");
        if (reliability is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(reliability), "Reliability must lie between 0 and 1.");
        return sdPre * Math.Sqrt(1 - reliability);
    }

    /// <summary>S_diff = √(2·SE²).</summary>
    public static double StandardErrorOfDifference(double sdPre, double reliability) =>
        Math.Sqrt(2 * Math.Pow(StandardError(sdPre, reliability), 2));

    /// <summary>RC = (x_post − x_pre) / S_diff; |RC| &gt; 1.96 is reliable.</summary>
    public static double Index(double pre, double post, double sdPre, double reliability) =>
        (post - pre) / StandardErrorOfDifference(sdPre, reliability);

    public const double ReliableIndex = 1.96;

    /// <summary>The smallest change that is reliable: 1.96 × S_diff.</summary>
    public static double ReliableChangeValue(double sdPre, double reliability) =>
        ReliableIndex * StandardErrorOfDifference(sdPre, reliability);

    /// <summary>
    /// Cut-offs a, b and c from clinical (1) and functional (0) population norms. Written for higher = better
    /// (a = M₁ + 2s₁, b = M₀ − 2s₀) and mirrored for higher = worse; c = (s₀M₁ + s₁M₀)/(s₀ + s₁) either way.
    /// </summary>
    public static ClinicalCutoffs Cutoffs(double clinicalMean, double clinicalSd, double functionalMean, double functionalSd, ScoreDirection direction)
    {
        if (clinicalSd <= 0 || functionalSd <= 0)
            throw new ArgumentOutOfRangeException(nameof(clinicalSd), "Standard deviations must be positive.");
        var sign = direction == ScoreDirection.HigherIsBetter ? 1 : -1;
        var a = clinicalMean + sign * 2 * clinicalSd;
        var b = functionalMean - sign * 2 * functionalSd;
        var c = (functionalSd * clinicalMean + clinicalSd * functionalMean) / (functionalSd + clinicalSd);
        return new ClinicalCutoffs(a, b, c);
    }
}

public sealed record ClinicalCutoffs(double A, double B, double C);
