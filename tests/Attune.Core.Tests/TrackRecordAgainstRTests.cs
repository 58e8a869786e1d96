using System.Globalization;
using Attune.Core.Instruments;
using Attune.Core.Matching;

namespace Attune.Core.Tests;

/// <summary>
/// The track record against R: the same random clinic history through R's lm() (the clinic-wide line of change on intake,
/// its residuals) and t.test() (each clinician's interval of the mean residual). test.sh installs R (r-base-core).
/// </summary>
public class TrackRecordAgainstRTests
{
    private const string Script = """
        args <- commandArgs(trailingOnly = TRUE)
        d <- read.csv(args[1], stringsAsFactors = FALSE)
        fit <- lm(change ~ intake, data = d)
        d$residual <- residuals(fit)
        cat(sprintf("model,%.12f,%.12f\n", coef(fit)[1], coef(fit)[2]))
        for (who in sort(unique(d$clinician))) {
          r <- d$residual[d$clinician == who]
          ci <- t.test(r, conf.level = as.numeric(args[2]))$conf.int
          cat(sprintf("%s,%d,%.12f,%.12f,%.12f\n", who, length(r), mean(r), ci[1], ci[2]))
        }
        """;

    [Theory]
    [InlineData(2026, 0.95)]
    [InlineData(7, 0.90)]
    public void Lines_residuals_and_intervals_equal_Rs(int seed, double level)
    {
        // Eight clinicians of different skill, 15 to 40 PHQ-9 cases each, intakes 5 to 27.
        var random = new Random(seed);
        var depression = new ProblemDomain("depression", "Depression", "phq-9", ScoreDirection.HigherIsWorse);
        var cases = new List<DomainCase>();
        for (var c = 0; c < 8; c++)
        {
            var clinician = new Guid(c + 1, 0, 0, new byte[8]);
            var skill = random.NextDouble() * 4 - 2;
            for (var i = 0; i < 15 + random.Next(26); i++)
            {
                var intake = 5 + random.Next(23);
                var last = Math.Clamp(intake - (int)Math.Round(0.4 * intake + skill + random.NextDouble() * 6 - 3), 0, 27);
                cases.Add(new DomainCase(clinician, depression.Id, intake, last));
            }
        }
        var (models, records) = TrackRecordMethod.Compute([depression], cases, new TrackRecordSettings(IntervalLevel: level));

        var csv = Path.GetTempFileName();
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(csv, ["clinician,intake,change", .. cases.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.ClinicianId},{x.Intake},{x.Intake - x.Last}"))]);
            File.WriteAllText(script, Script);
            var lines = RScript.Run(script, csv, level.ToString(CultureInfo.InvariantCulture));
            var model = lines.Single(l => l[0] == "model");
            Assert.Equal(double.Parse(model[1], CultureInfo.InvariantCulture), models[0].Intercept, 1e-9);
            Assert.Equal(double.Parse(model[2], CultureInfo.InvariantCulture), models[0].Slope, 1e-9);
            var fromR = lines.Where(l => l[0] != "model").ToList();
            Assert.Equal(8, fromR.Count);
            var classes = new HashSet<TrackRecordClass>();
            foreach (var row in fromR)
            {
                var mine = records.Single(r => r.ClinicianId == Guid.Parse(row[0]));
                Assert.Equal(int.Parse(row[1], CultureInfo.InvariantCulture), mine.Cases);
                Assert.Equal(double.Parse(row[2], CultureInfo.InvariantCulture), mine.MeanResidual!.Value, 1e-9);
                var (lower, upper) = (double.Parse(row[3], CultureInfo.InvariantCulture), double.Parse(row[4], CultureInfo.InvariantCulture));
                Assert.Equal(lower, mine.Lower!.Value, 1e-9);
                Assert.Equal(upper, mine.Upper!.Value, 1e-9);
                Assert.Equal(lower > 0 ? TrackRecordClass.Effective : upper < 0 ? TrackRecordClass.Ineffective : TrackRecordClass.Neutral, mine.Class);
                classes.Add(mine.Class);
            }
            Assert.True(classes.Count >= 2, "The history should hold clinicians of more than one class.");
        }
        finally
        {
            File.Delete(csv);
            File.Delete(script);
        }
    }
}
