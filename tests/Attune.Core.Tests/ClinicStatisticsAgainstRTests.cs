using System.Globalization;
using Attune.Core.Analytics;

namespace Attune.Core.Tests;

/// <summary>
/// The clinic analytics' statistics (issue 20) against R on the same random data: cor.test (Pearson r and its Fisher z
/// interval), t.test (Welch's interval of a difference, a mean's interval) and lme4::lmer (REML random-intercept model).
/// test.sh installs r-base-core and r-cran-lme4.
/// </summary>
public class ClinicStatisticsAgainstRTests
{
    private const string Script = """
        args <- commandArgs(trailingOnly = TRUE)
        level <- as.numeric(args[2])
        p <- read.csv(paste0(args[1], "-pairs.csv"))
        ct <- cor.test(p$x, p$y, conf.level = level)
        cat(sprintf("pearson,%.15f,%.15f,%.15f\n", ct$estimate, ct$conf.int[1], ct$conf.int[2]))
        g <- read.csv(paste0(args[1], "-groups.csv"))
        w <- t.test(g$value[g$group == "a"], g$value[g$group == "b"], var.equal = FALSE, conf.level = level)
        cat(sprintf("welch,%.15f,%.15f,%.15f,%.15f\n", w$estimate[1] - w$estimate[2], w$conf.int[1], w$conf.int[2], w$parameter))
        m <- t.test(g$value[g$group == "a"], conf.level = level)
        cat(sprintf("mean,%.15f,%.15f,%.15f\n", m$estimate, m$conf.int[1], m$conf.int[2]))
        suppressPackageStartupMessages(library(lme4))
        for (name in c("effects", "none")) {
          d <- read.csv(paste0(args[1], "-", name, ".csv"), stringsAsFactors = FALSE)
          fit <- lmer(last ~ first + (1 | clinician), data = d, REML = TRUE,
                      control = lmerControl(optCtrl = list(ftol_abs = 1e-12, xtol_abs = 1e-12)))
          tau <- as.numeric(VarCorr(fit)$clinician[1])
          cat(sprintf("lmer-%s,%.15f,%.15f,%.15f,%.15f,%.15f\n", name, fixef(fit)[1], fixef(fit)[2], tau, sigma(fit)^2, REMLcrit(fit)))
        }
        """;

    [Theory]
    [InlineData(2026, 0.95)]
    [InlineData(11, 0.90)]
    public void Every_figure_equals_Rs(int seed, double level)
    {
        var random = new Random(seed);
        double Noise(double sd) => sd * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
        // A: 40 clients' early alliance and their improvement, loosely related.
        var x = Enumerable.Range(0, 40).Select(_ => 6 + 4 * random.NextDouble()).ToList();
        var y = x.Select(v => 0.8 * v + Noise(3)).ToList();
        // C: two groups of different size and spread.
        var a = Enumerable.Range(0, 23).Select(_ => 8.2 + Noise(0.9)).ToList();
        var b = Enumerable.Range(0, 31).Select(_ => 7.9 + Noise(1.4)).ToList();
        // B: nine clinicians, 10 to 30 clients each, with and without a real clinician effect.
        List<(string, double, double)> Clinic(double effectSd)
        {
            var rows = new List<(string, double, double)>();
            for (var c = 0; c < 9; c++)
            {
                var effect = Noise(effectSd);
                for (var i = 0; i < 10 + random.Next(21); i++)
                {
                    var first = 5 + random.Next(23);
                    rows.Add(($"c{c}", first, Math.Round(0.55 * first + 2 + effect + Noise(3), 0)));
                }
            }
            return rows;
        }
        var effects = Clinic(1.8);
        var none = Clinic(0);

        var stem = Path.Combine(Path.GetTempPath(), $"attune-stats-{Guid.NewGuid():N}");
        var script = stem + ".R";
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        try
        {
            File.WriteAllLines(stem + "-pairs.csv", ["x,y", .. x.Select((v, i) => $"{F(v)},{F(y[i])}")]);
            File.WriteAllLines(stem + "-groups.csv", ["group,value", .. a.Select(v => $"a,{F(v)}"), .. b.Select(v => $"b,{F(v)}")]);
            File.WriteAllLines(stem + "-effects.csv", ["clinician,first,last", .. effects.Select(r => $"{r.Item1},{F(r.Item2)},{F(r.Item3)}")]);
            File.WriteAllLines(stem + "-none.csv", ["clinician,first,last", .. none.Select(r => $"{r.Item1},{F(r.Item2)},{F(r.Item3)}")]);
            File.WriteAllText(script, Script);
            var fromR = RScript.Run(script, stem, level.ToString(CultureInfo.InvariantCulture)).ToDictionary(l => l[0], l => l.Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());

            var pearson = ClinicStatistics.Pearson(x, y, level)!;
            Assert.Equal(fromR["pearson"][0], pearson.R, 1e-12);
            Assert.Equal(fromR["pearson"][1], pearson.Lower, 1e-12);
            Assert.Equal(fromR["pearson"][2], pearson.Upper, 1e-12);

            var welch = ClinicStatistics.Welch(a, b, level)!;
            Assert.Equal(fromR["welch"][0], welch.Difference, 1e-12);
            Assert.Equal(fromR["welch"][1], welch.Lower, 1e-9);
            Assert.Equal(fromR["welch"][2], welch.Upper, 1e-9);
            Assert.Equal(fromR["welch"][3], welch.DegreesOfFreedom, 1e-9);

            var mean = ClinicStatistics.Mean(a, level)!;
            Assert.Equal(fromR["mean"][0], mean.Mean, 1e-12);
            Assert.Equal(fromR["mean"][1], mean.Lower, 1e-9);
            Assert.Equal(fromR["mean"][2], mean.Upper, 1e-9);

            foreach (var (name, data) in new[] { ("effects", effects), ("none", none) })
            {
                var fit = ClinicStatistics.RandomIntercept(data)!;
                var r = fromR[$"lmer-{name}"];
                Relative(r[0], fit.Intercept, $"{name}: intercept");
                Relative(r[1], fit.Slope, $"{name}: slope");
                Relative(r[3], fit.Sigma2, $"{name}: σ²");
                Relative(r[4], fit.RemlCriterion, $"{name}: REML criterion");
                // τ₀₀ may be 0 (a singular fit): then compared absolutely.
                if (r[2] < 1e-8)
                    Assert.True(fit.Tau00 < 1e-6, $"{name}: τ₀₀ {fit.Tau00}, R {r[2]}");
                else
                    Relative(r[2], fit.Tau00, $"{name}: τ₀₀");
                Assert.Equal(fit.Tau00 / (fit.Tau00 + fit.Sigma2), fit.Icc, 1e-12);
            }
            Assert.True(ClinicStatistics.RandomIntercept(effects)!.Icc > 0.02, "the clinic with a clinician effect shows one");
        }
        finally
        {
            foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), Path.GetFileName(stem) + "*"))
                File.Delete(file);
        }
    }

    private static void Relative(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-4 * Math.Max(1e-8, Math.Abs(expected)), $"{what}: {actual} against R's {expected}");
}
