using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Attune.E2E;
using Attune.Web.Tests.Infrastructure;

namespace Attune.Web.Tests.Hosting;

/// <summary>
/// A phone on a poor network, or a kiosk switched off, can go away while its answers are still being sent. That is the
/// client's doing, not a fault of Attune's: it is not logged as an error (with a stack trace an IT person would chase),
/// and the server goes on serving. The real executable, so that Kestrel reads the body from a socket as in a clinic.
/// </summary>
public class ClientDisconnectTests
{
    [Fact]
    public async Task A_system_that_goes_away_mid_upload_is_no_error_in_the_log()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await AttuneServer.StartAsync();
        var added = await CommandLine.RunAsync("api-client", "add", "--name", "Kiosk", "--as", Demo.ClinicianEmail,
            "--scope", "system/QuestionnaireResponse.write", "--Database:DataDirectory", server.DataDirectory);
        Assert.True(added.Exit == 0, added.Err);
        using var registered = JsonDocument.Parse(added.Out);
        var (id, secret) = (registered.RootElement.GetProperty("clientId").GetString()!, registered.RootElement.GetProperty("clientSecret").GetString()!);

        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var tokenResponse = await ApiSystem.TokenResponseAsync(http, id, secret);
        Assert.True(tokenResponse.IsSuccessStatusCode, await tokenResponse.Content.ReadAsStringAsync(ct));
        using var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(ct));
        var bearer = token.RootElement.GetProperty("access_token").GetString()!;

        // The headers promise 4,000 bytes; 40 arrive, and the connection ends: closed at once (a reset, as a phone losing
        // its network does), or the sending side shut (as a client that gave up does; Kestrel finds the body short).
        var uri = new Uri(server.BaseUrl);
        // Three times each: which of Kestrel's ways of telling the app comes first (the request aborted, the body short or
        // the connection reset) depends on timing; without the handling, one of the six is logged as an error.
        foreach (var reset in new[] { true, false, true, false, true, false })
        {
            var logBefore = server.Output.Length;
            using (var client = new TcpClient())
            {
                await client.ConnectAsync("127.0.0.1", uri.Port, ct);
                var stream = client.GetStream();
                var head = $"POST /fhir/QuestionnaireResponse HTTP/1.1\r\nHost: {uri.Authority}\r\nAuthorization: Bearer {bearer}\r\n" +
                    "Content-Type: application/fhir+json\r\nContent-Length: 4000\r\n\r\n{\"resourceType\":\"QuestionnaireResponse\",";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(200, ct);
                if (reset)
                    client.Client.LingerState = new LingerOption(true, 0);
                else
                {
                    // Read whatever the server answers until it closes or resets the connection: then it is done with the request.
                    client.Client.Shutdown(SocketShutdown.Send);
                    using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    done.CancelAfter(TimeSpan.FromSeconds(10));
                    var buffer = new byte[4096];
                    try
                    {
                        while (await stream.ReadAsync(buffer, done.Token) > 0) { }
                    }
                    catch (IOException) { }
                }
            }

            // The server still answers, and logged no error (its log is read from its output, which trails a little).
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/health", ct)).StatusCode);
            await Task.Delay(reset ? 800 : 300, ct);
            var log = server.Output[logBefore..];
            Assert.False(log.Contains("fail:") || log.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase), (reset ? "reset: " : "shut: ") + log);
        }
    }
}
