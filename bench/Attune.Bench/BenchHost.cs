using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Attune.Data;
using Attune.Web;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The real Attune host (Kestrel, the pipeline of `dotnet run`) on a fresh database of its own: a SQLite file in a
/// temporary folder, or a new PostgreSQL database on the server given. Plain HTTP on loopback, so the cookies are not
/// Secure-only (a clinic's server runs behind TLS; this measures speed). Disposing stops it and removes the database.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly DirectoryInfo dir;
    private readonly string? postgres;

    public WebApplication App { get; }
    public string Url { get; }
    public string Database => postgres is null ? "SQLite" : "PostgreSQL";
    /// <summary>The PostgreSQL connection string of this host's own database (null on SQLite).</summary>
    public string? PostgresConnection { get; }
    /// <summary>A folder of this host's own, removed with it.</summary>
    public string Folder => dir.FullName;

    /// <param name="demo">Seed the demo clinic at start (as `dotnet run` does); otherwise the database starts empty.</param>
    public BenchHost(string? postgres, bool demo = false, params string[] settings)
    {
        this.postgres = postgres;
        Url = $"http://127.0.0.1:{Ports.Free()}";
        dir = Directory.CreateTempSubdirectory("attune-bench-");
        var hostArgs = new List<string> { "--urls", Url, "--PublicUrl", Url, "--Security:SecureCookies=false", "--Logging:LogLevel:Default=Warning" };
        if (!demo) hostArgs.Add("--Demo:Seed=false");
        if (postgres is not null)
        {
            PostgresConnection = $"{postgres};Database=attune_bench_{Guid.NewGuid():N}";
            hostArgs.AddRange(["--Database:Provider=postgres", $"--ConnectionStrings:Attune={PostgresConnection}"]);
        }
        else
            hostArgs.Add($"--Database:DataDirectory={dir.FullName}");
        // Its own audit checkpoints: another database's checkpoints, left by an earlier run, would not match this one's trail.
        hostArgs.Add($"--Audit:CheckpointFile={Path.Combine(dir.FullName, "audit-checkpoints.jsonl")}");
        hostArgs.AddRange(settings);
        App = AttuneHost.Build(hostArgs.ToArray());
    }

    public Task StartAsync() => App.StartAsync();

    /// <summary>An HTTP client signed in through the login form, as a person signs in.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var http = new HttpClient(handler) { BaseAddress = new Uri(Url) };
        await SignInAsync(http, email, password);
        return http;
    }

    /// <summary>Signs in through the login form with a client that keeps cookies and does not follow redirects.</summary>
    public static async Task SignInAsync(HttpClient http, string email, string password, string loginPage = "/login")
    {
        var login = await http.GetStringAsync(loginPage);
        var token = WebUtility.HtmlDecode(Regex.Match(login, "__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value);
        var signIn = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "login", ["Input.Email"] = email, ["Input.Password"] = password,
        }));
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in at {http.BaseAddress} failed: {(int)signIn.StatusCode}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Stopped first, so that nothing running in the background meets a database already gone.
            await App.StopAsync();
            if (postgres is not null)
            {
                using var scope = App.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<AttuneDbContext>().Database.EnsureDeletedAsync();
            }
            await App.DisposeAsync();
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { }
        }
    }
}

internal static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
