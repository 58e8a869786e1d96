using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Attune.E2E;

/// <summary>
/// The real Attune executable, started as its own process on a free loopback port with a new SQLite file (or the
/// database the extra settings name). Also used by the HTTP tests' hard-kill test, which links this file.
/// </summary>
public sealed class AttuneServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly StringBuilder _output = new();

    public string BaseUrl { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    private AttuneServer(Process process, string baseUrl, string dataDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        _dataDirectory = dataDirectory;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Where this server keeps its SQLite database: the command line reaches the same clinic with "--Database:DataDirectory" and it.</summary>
    public string DataDirectory => _dataDirectory;

    /// <param name="settings">More command-line settings, for example "--ConnectionStrings:Attune", "…".</param>
    public static async Task<AttuneServer> StartAsync(params string[] settings) =>
        // The browser walks each start on the demo clinic as a first start makes it: a copy of one made once per run.
        settings.Length == 0 ? await StartInAsync("Development", await DemoTemplate.Value, settings) : await StartInAsync("Development", settings);

    /// <summary>The same in another environment (Production: as a clinic runs it).</summary>
    public static Task<AttuneServer> StartInAsync(string environment, params string[] settings) => StartInAsync(environment, null, settings);

    /// <summary>
    /// A data directory (SQLite file, its key-ring certificate, the audit checkpoints and their key) that a first start
    /// of Attune made, migrated and seeded with the demo clinic, then stopped as a clinic stops it (SIGTERM). Migrating
    /// and seeding took two and a half of the five seconds each walk's start took.
    /// </summary>
    private static readonly Lazy<Task<string>> DemoTemplate = new(async () =>
    {
        var server = await StartInAsync("Development", null, []);
        using (var stop = Process.Start("kill", ["-TERM", server._process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await stop.WaitForExitAsync();
        if (!server._process.WaitForExit(30_000))
            throw new TimeoutException("Attune did not stop within 30 s of SIGTERM:\n" + server.Output);
        var template = Directory.CreateTempSubdirectory("attune-e2e-template-").FullName;
        foreach (var file in Directory.EnumerateFiles(server._dataDirectory))
            File.Copy(file, Path.Combine(template, Path.GetFileName(file)));
        await server.DisposeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(template, recursive: true); } catch (IOException) { } };
        return template;
    });

    private static async Task<AttuneServer> StartInAsync(string environment, string? template, string[] settings)
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(root, "src", "Attune.Web", "bin", configuration, "net10.0", "attune.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Build the app first: {dll} is missing.");
        var port = FreePort();
        // The browser is sent to "localhost": WebAuthn (passkeys) needs a host name, not an IP address, and treats
        // localhost as a secure origin over plain HTTP.
        var baseUrl = $"http://localhost:{port}";
        var data = Directory.CreateTempSubdirectory("attune-e2e-").FullName;
        if (template is not null)
            foreach (var file in Directory.EnumerateFiles(template))
                File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}", "--Database:DataDirectory", data },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Development serves the static files straight from the source tree without a publish step.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        // A server that lives for one test does not earn back dynamic PGO's instrumented code (half a second a start).
        start.Environment["DOTNET_TieredPGO"] = "0";
        // Nor several server-GC heaps on a two-core test machine busy with a browser and another walk.
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["ASPNETCORE_CONTENTROOT"] = Path.Combine(root, "src", "Attune.Web");
        foreach (var setting in settings)
            start.ArgumentList.Add(setting);
        var process = Process.Start(start)!;
        var server = new AttuneServer(process, baseUrl, data);
        process.OutputDataReceived += (_, e) => { lock (server._output) server._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (server._output) server._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Attune exited with {process.ExitCode}:\n{server.Output}");
            try
            {
                if ((await http.GetAsync($"{baseUrl}/health")).StatusCode == HttpStatusCode.OK)
                    return server;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"Attune did not answer /health within 60 s:\n{server.Output}");
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Attune.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Attune.slnx not found above the test binaries.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL: no shutdown, no flushing, like a power cut to the process.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }
}
