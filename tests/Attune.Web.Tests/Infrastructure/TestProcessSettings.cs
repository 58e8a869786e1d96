using System.Runtime.CompilerServices;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>Settings for the test process as a whole, made before any host starts.</summary>
internal static class TestProcessSettings
{
    /// <summary>
    /// The test hosts never change their configuration files while they run, so none of the ~160 hosts a run starts
    /// watches them (each watcher is an inotify instance and a thread). Test process only: Attune itself reloads.
    /// </summary>
    [ModuleInitializer]
    internal static void Apply() => Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
