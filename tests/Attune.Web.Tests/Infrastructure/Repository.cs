namespace Attune.Web.Tests.Infrastructure;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds Attune.slnx.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Attune.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Attune.slnx not found above the test binaries.");
    }
}
