using System.Diagnostics;

namespace Attune.Core.Tests;

/// <summary>R, the reference the statistics are tested against (test.sh installs r-base-core and r-cran-lme4).</summary>
internal static class RScript
{
    /// <summary>Runs an R script file with its arguments; its output as comma-separated lines.</summary>
    public static List<string[]> Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("Rscript") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--vanilla");
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var r = Process.Start(start) ?? throw new InvalidOperationException("Rscript did not start; test.sh installs r-base-core.");
        var output = r.StandardOutput.ReadToEnd();
        var error = r.StandardError.ReadToEnd();
        r.WaitForExit();
        Assert.True(r.ExitCode == 0, $"R failed: {error}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
    }
}
