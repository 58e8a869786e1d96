using Attune.Web.Cli;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>Runs an attune verb in-process and captures what it prints.</summary>
public static class CommandLine
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AttuneCommandLine.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
