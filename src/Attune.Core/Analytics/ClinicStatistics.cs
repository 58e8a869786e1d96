using MathNet.Numerics.Distributions;
using MathNet.Numerics.Optimization;

namespace Attune.Core.Analytics;

/// <summary>A Pearson correlation with its confidence interval by Fisher's z (as R's <c>cor.test</c>).</summary>
public sealed record Correlation(int N, double R, double Lower, double Upper);

/// <summary>The difference of two means (first − second) with Welch's confidence interval (as R's <c>t.test(var.equal = FALSE)</c>).</summary>
public sealed record MeanDifference(int N1, int N2, double Mean1, double Mean2, double Difference, double Lower, double Upper, double DegreesOfFreedom);

/// <summary>A mean with its t confidence interval (as R's <c>t.test</c>).</summary>
public sealed record MeanInterval(int N, double Mean, double Lower, double Upper);

/// <summary>
/// A linear mixed model <c>y ~ x + (1 | group)</c> fitted by REML (as R's <c>lme4::lmer</c>): the fixed intercept and slope,
/// the between-group variance τ₀₀, the residual variance σ², the intraclass correlation τ₀₀ / (τ₀₀ + σ²), and the REML
/// criterion (−2 × the restricted log-likelihood) at the optimum.
/// </summary>
public sealed record RandomInterceptFit(int N, int Groups, double Intercept, double Slope, double Tau00, double Sigma2, double Icc, double RemlCriterion);

/// <summary>The statistics of the clinic analytics (issue 20), each the same as R's on the same data.</summary>
public static class ClinicStatistics
{
    /// <returns>Null with fewer than 4 pairs (Fisher's z needs n − 3 &gt; 0) or when either variable does not vary.</returns>
    public static Correlation? Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y, double level = 0.95)
    {
        if (x.Count != y.Count)
            throw new ArgumentException("x and y must be pairs.", nameof(y));
        var n = x.Count;
        if (n < 4)
            return null;
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0 || syy == 0)
            return null;
        var r = sxy / Math.Sqrt(sxx * syy);
        var z = Math.Atanh(r);
        var half = Normal.InvCDF(0, 1, (1 + level) / 2) / Math.Sqrt(n - 3);
        return new Correlation(n, r, Math.Tanh(z - half), Math.Tanh(z + half));
    }

    /// <returns>Null when either group has fewer than 2 values, or neither varies.</returns>
    public static MeanDifference? Welch(IReadOnlyList<double> first, IReadOnlyList<double> second, double level = 0.95)
    {
        if (first.Count < 2 || second.Count < 2)
            return null;
        var (m1, v1) = (first.Average(), Variance(first));
        var (m2, v2) = (second.Average(), Variance(second));
        var (a, b) = (v1 / first.Count, v2 / second.Count);
        if (a + b == 0)
            return null;
        var df = (a + b) * (a + b) / (a * a / (first.Count - 1) + b * b / (second.Count - 1));
        var half = StudentT.InvCDF(0, 1, df, (1 + level) / 2) * Math.Sqrt(a + b);
        return new MeanDifference(first.Count, second.Count, m1, m2, m1 - m2, m1 - m2 - half, m1 - m2 + half, df);
    }

    /// <returns>Null with fewer than 2 values.</returns>
    public static MeanInterval? Mean(IReadOnlyList<double> values, double level = 0.95)
    {
        if (values.Count < 2)
            return null;
        var mean = values.Average();
        var half = StudentT.InvCDF(0, 1, values.Count - 1, (1 + level) / 2) * Math.Sqrt(Variance(values) / values.Count);
        return new MeanInterval(values.Count, mean, mean - half, mean + half);
    }

    private static double Variance(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }

    /// <summary>
    /// REML for <c>y ~ x + (1 | group)</c>. With λ = τ₀₀/σ², each group's covariance is σ²(I + λ11ᵀ), whose inverse and
    /// determinant are known in closed form; for a given λ the fixed effects are the generalised least-squares estimate,
    /// σ² is profiled out, and the REML criterion
    /// D(λ) = Σ log(1 + nⱼλ) + log det(XᵀH⁻¹X) + (N − 2)(1 + log(2π Q / (N − 2)))  (Q: the weighted residual sum of squares)
    /// is minimised over θ = √λ ≥ 0 (lme4's relative covariance factor): a grid to bracket the minimum, then golden
    /// section. A minimum at θ = 0 is a singular fit (τ₀₀ = 0), as lme4 reports it.
    /// </summary>
    /// <returns>Null with fewer than 2 groups or too few observations for the two fixed effects and a residual.</returns>
    public static RandomInterceptFit? RandomIntercept(IReadOnlyList<(string Group, double X, double Y)> data)
    {
        var groups = data.GroupBy(d => d.Group, StringComparer.Ordinal).Select(g =>
        {
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
            foreach (var (_, x, y) in g)
            {
                n++; sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y;
            }
            return (n, sx, sy, sxx, sxy, syy);
        }).ToList();
        var total = data.Count;
        if (groups.Count < 2 || total < 4)
            return null;

        (double Criterion, double Intercept, double Slope, double Q)? Evaluate(double theta)
        {
            var lambda = theta * theta;
            double a00 = 0, a01 = 0, a11 = 0, b0 = 0, b1 = 0, yhy = 0, logDetH = 0;
            foreach (var (n, sx, sy, sxx, sxy, syy) in groups)
            {
                var c = lambda / (1 + n * lambda);
                a00 += n - c * n * n;
                a01 += sx - c * n * sx;
                a11 += sxx - c * sx * sx;
                b0 += sy - c * n * sy;
                b1 += sxy - c * sx * sy;
                yhy += syy - c * sy * sy;
                logDetH += Math.Log(1 + n * lambda);
            }
            var det = a00 * a11 - a01 * a01;
            if (!(det > 0))
                return null;
            var beta0 = (a11 * b0 - a01 * b1) / det;
            var beta1 = (a00 * b1 - a01 * b0) / det;
            var q = yhy - (b0 * beta0 + b1 * beta1);
            if (!(q > 0))
                return null;
            var df = total - 2;
            return (logDetH + Math.Log(det) + df * (1 + Math.Log(2 * Math.PI * q / df)), beta0, beta1, q);
        }

        // A grid over θ from 0 to 1000 (log-spaced above 1e-4), then golden section between the best point's neighbours.
        var grid = new List<double> { 0 };
        for (var k = -4.0; k <= 3.0 + 1e-9; k += 0.05)
            grid.Add(Math.Pow(10, k));
        var values = grid.Select(t => Evaluate(t)?.Criterion ?? double.PositiveInfinity).ToList();
        var best = values.IndexOf(values.Min());
        if (double.IsPositiveInfinity(values[best]))
            return null;
        var lower = grid[Math.Max(0, best - 1)];
        var upper = grid[Math.Min(grid.Count - 1, best + 1)];
        var theta = grid[best];
        if (upper > lower)
        {
            var found = GoldenSectionMinimizer.Minimum(ObjectiveFunction.ScalarValue(t => Evaluate(t)?.Criterion ?? double.PositiveInfinity), lower, upper, 1e-12, 10_000);
            if (found.FunctionInfoAtMinimum.Value <= values[best])
                theta = found.MinimizingPoint;
        }
        var fit = Evaluate(theta)!.Value;
        var sigma2 = fit.Q / (total - 2);
        var tau = theta * theta * sigma2;
        return new RandomInterceptFit(total, groups.Count, fit.Intercept, fit.Slope, tau, sigma2, tau / (tau + sigma2), fit.Criterion);
    }
}
