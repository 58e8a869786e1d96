using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on loopback: Python's standard-library smtpd in debugging mode, which accepts
/// every message and prints it. test.sh installs python3 when it is missing.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public int Port { get; }

    private SmtpSink(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public string Received { get { lock (_output) return _output.ToString(); } }

    public static async Task<SmtpSink> StartAsync()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0)) { listener.Start(); port = ((IPEndPoint)listener.LocalEndpoint).Port; }
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python)
        {
            ArgumentList = { "-u", "-W", "ignore", "-m", "smtpd", "-n", "-c", "DebuggingServer", $"127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var sink = new SmtpSink(process, port);
        process.OutputDataReceived += (_, e) => { lock (sink._output) sink._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (sink._output) sink._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"The SMTP server exited: {sink.Received}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return sink;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new TimeoutException("The SMTP server did not start listening.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
