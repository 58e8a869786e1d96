using Attune.Web;
using Attune.Web.Cli;

if (AttuneCommandLine.IsCommand(args))
    return await AttuneCommandLine.RunAsync(args);

var app = AttuneHost.Build(args);
if (AttuneHost.StartupProblem(app) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return 1;
}
await app.RunAsync();
return 0;

/// <summary>The web entry point, visible to the HTTP tests' WebApplicationFactory.</summary>
public partial class Program;
