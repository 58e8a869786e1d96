using System.Text.Json;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.Cli;

/// <summary>The result verbs: JSON alone on stdout, reasons on stderr and a non-zero exit for bad input.</summary>
public class CommandLineTests
{
    private static Task<(int Exit, string Out, string Err)> Run(params string[] args) => CommandLine.RunAsync(args);

    [Fact]
    public async Task Score_prints_only_json()
    {
        var (exit, output, error) = await Run("score", "phq-9", "--answers", "1,2,1,0,3,2,1,0,1");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(11, json.GetProperty("score").GetDecimal());
        Assert.Equal("Moderate", json.GetProperty("band").GetString());
        Assert.True(json.GetProperty("clinical").GetBoolean());
        Assert.True(json.GetProperty("isRisk").GetBoolean());
        Assert.Equal("9", json.GetProperty("criticalFlags")[0].GetProperty("itemId").GetString());
    }

    [Fact]
    public async Task Change_prints_the_category()
    {
        var (exit, output, _) = await Run("change", "phq-9", "--before", "18", "--after", "9");
        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("recovered", json.GetProperty("category").GetString());
        Assert.True(json.GetProperty("response").GetBoolean());
        Assert.Equal(6, json.GetProperty("reliableChangeValue").GetDecimal());
    }

    [Fact]
    public async Task Change_with_norms_uses_jacobson_truax()
    {
        var (exit, output, _) = await Run("change", "core-10", "--before", "20", "--after", "8", "--sd", "5", "--reliability", "0.84");
        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("jacobson-truax", json.GetProperty("reliableChangeMethod").GetString());
        Assert.Equal(Math.Round(-12 / Math.Sqrt(8), 3), json.GetProperty("reliableChangeIndex").GetDouble());
    }

    [Fact]
    public async Task Recovery_gas_and_cutoffs_print_json()
    {
        var recovery = await Run("recovery", "--phq9-before", "18", "--phq9-after", "9", "--gad7-before", "12", "--gad7-after", "7");
        Assert.Equal(0, recovery.Exit);
        Assert.True(JsonDocument.Parse(recovery.Out).RootElement.GetProperty("reliableRecovery").GetBoolean());

        var gas = await Run("gas", "--levels", "2");
        Assert.Equal(0, gas.Exit);
        Assert.Equal(70, JsonDocument.Parse(gas.Out).RootElement.GetProperty("tScore").GetDouble());

        var cut = await Run("cutoffs", "--clinical-mean", "20", "--clinical-sd", "5", "--functional-mean", "5", "--functional-sd", "4");
        Assert.Equal(0, cut.Exit);
        Assert.Equal(105.0 / 9, JsonDocument.Parse(cut.Out).RootElement.GetProperty("c").GetDouble(), 10);
    }

    [Fact]
    public async Task Questionnaire_prints_fhir()
    {
        var (exit, output, _) = await Run("questionnaire", "gad-7");
        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("Questionnaire", json.GetProperty("resourceType").GetString());
    }

    [Theory]
    [InlineData("score", "phq-10", "--answers", "1")]
    [InlineData("score", "phq-9", "--answers", "1,2,1,0,3,2,1,0,4")]
    [InlineData("score", "phq-9", "--answers", "1,2,1,0,3,2,1,0")]
    [InlineData("score", "phq-9", "--answers", "1,2,x")]
    [InlineData("score", "phq-9", "--answers", "1,1,1,1,1,1,1,1,1,1,1")]
    [InlineData("score", "phq-9")]
    [InlineData("change", "phq-9", "--before", "30", "--after", "9")]
    [InlineData("change", "core-10", "--before", "20", "--after", "8", "--sd", "5")]
    [InlineData("gas", "--levels", "3")]
    [InlineData("recovery", "--phq9-before", "28", "--phq9-after", "9", "--gad7-before", "12", "--gad7-after", "7")]
    [InlineData("cutoffs", "--clinical-mean", "20", "--clinical-sd", "0", "--functional-mean", "5", "--functional-sd", "4")]
    public async Task Bad_input_goes_to_stderr_with_a_non_zero_exit(params string[] args)
    {
        var (exit, output, error) = await Run(args);
        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        Assert.NotEqual("", error.Trim());
        Assert.DoesNotContain("   at ", error); // a reason, not a stack trace
        Assert.Equal(2, exit);
    }

    /// <summary>
    /// Every verb of the README's list, given to the real executable, is run as a verb (its help printed, exit 0) and
    /// never taken for the web app's settings, which would start a server. Each gets 60 s.
    /// </summary>
    [Fact]
    public async Task The_executable_runs_every_verb_rather_than_starting_the_web_app()
    {
        var ct = TestContext.Current.CancellationToken;
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"), ct);
        var verbs = System.Text.RegularExpressions.Regex.Matches(readme, @"^attune ([a-z-]+)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("analytics", verbs);
        Assert.Contains("import", verbs);
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(Repository.Root, "src", "Attune.Web", "bin", configuration, "net10.0", "attune.dll");
        var runs = await Task.WhenAll(verbs.Select(async verb =>
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { ArgumentList = { dll, verb, "--help" }, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); return (verb, exit: -1, text: "still running after 60 s: " + await output); }
            return (verb, exit: process.ExitCode, text: await output + await error);
        }));
        foreach (var (verb, exit, text) in runs)
        {
            Assert.True(exit == 0, $"attune {verb} --help: exit {exit}\n{text}");
            Assert.Contains($"attune {verb}", text.Replace("attune.dll", "attune"));
            Assert.DoesNotContain("Now listening on", text);
        }
    }
}
