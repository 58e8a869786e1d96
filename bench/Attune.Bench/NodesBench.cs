using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Attune.Data;
using Attune.Web.Features.Integrations;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Issue 22, P5: two Attune nodes on one PostgreSQL database behind nginx, each node a process of its own pinned to
/// its own core with taskset, against one node behind the same nginx. The nodes run the built web app
/// (src/Attune.Web/bin/Release/net10.0/attune.dll) in Production with Database:MigrateOnStart=false; the benchmark's
/// own in-process host only migrates and generates the clinic. It checks that a sign-in on one node is good on the
/// other and then loads check-ins (FHIR QuestionnaireResponse create) through nginx with wrk, one node then two, in
/// alternating rounds: throughput, p50, p99, and non-201 answers.
/// </summary>
internal static partial class NodesBench
{
    [GeneratedRegex(@"^(trce|dbug|info|warn|fail|crit): [\w.]+\[\d+\]")]
    private static partial Regex LogEntryHeader();

    public static async Task RunAsync(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => int.TryParse(Value(name), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
        var postgres = Value("--postgres") ?? throw new ArgumentException("--nodes needs --postgres \"Host=…;Username=…\": several nodes share one PostgreSQL database.");
        var (clients, connections, seconds, rounds) = (Int("--clients", 100), Int("--connections", 50), Int("--seconds", 10), Int("--rounds", 2));
        var web = Path.Combine(AnalyticsBench.Root(), "src/Attune.Web/bin/Release/net10.0/attune.dll");
        if (!File.Exists(web)) throw new FileNotFoundException("Build the web app first: dotnet build Attune.slnx -c Release", web);

        // The clinic, generated through the benchmark's own host (which also migrates the database).
        // Every node and this host encrypt the Data Protection keys with the same certificate, as a clinic's nodes must.
        var shared = Directory.CreateTempSubdirectory("attune-nodes-");
        var certificate = Path.Combine(shared.FullName, "attune-keys.pfx");
        await using var admin = new BenchHost(postgres, false, $"--DataProtection:CertificatePath={certificate}");
        await admin.StartAsync();
        var (email, password) = await Clinic.GenerateAsync(admin.App.Services, clients, 300);
        // P4 on a clinic of the issue's size: the analytics generator's closed relationships, with their sessions and
        // responses, added to the same clinician's history (100,000 make the 1.5 M-session clinic).
        var atScale = Int("--at-scale", 0);
        if (atScale > 0)
        {
            var generate = Stopwatch.StartNew();
            var (_, sessions) = await AnalyticsBench.GenerateAsync(admin.App.Services, atScale, Path.Combine(shared.FullName, "clinic"), into: Clinic.Name);
            await Clinic.AnalyzeAsync(admin.App.Services);
            Console.WriteLine($"Added {atScale:N0} closed relationships with {sessions:N0} attended sessions to the clinic in {generate.Elapsed.TotalSeconds:0} s.");
        }
        NewApiClient system, reader;
        using (var scope = admin.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
            var registry = scope.ServiceProvider.GetRequiredService<ApiClientRegistry>();
            system = await registry.CreateAsync(null, user.OrganisationId, "Bench EHR", user.Id, [ApiScopes.Write("QuestionnaireResponse"), ApiScopes.Read("Questionnaire")]);
            reader = await registry.CreateAsync(null, user.OrganisationId, "Bench reader", user.Id, [ApiScopes.AllFhirRead]);
        }

        var (onePort, twoPort) = (Ports.Free(), Ports.Free());
        var publicUrl = $"http://127.0.0.1:{twoPort}";
        var nodes = new List<Process>();
        try
        {
            var nodePorts = new[] { Ports.Free(), Ports.Free() };
            for (var i = 0; i < 2; i++)
                nodes.Add(StartNode(web, core: i, nodePorts[i], publicUrl, admin, certificate, i));
            foreach (var port in nodePorts) await WaitReadyAsync(port);
            Console.WriteLine($"Two nodes ready (ports {nodePorts[0]} on core 0, {nodePorts[1]} on core 1), one PostgreSQL database, {clients} active clients.");

            // A sign-in made on one node is good on the other: the session is in the database.
            using (var cookies = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                using var a = new HttpClient(cookies, disposeHandler: false) { BaseAddress = new Uri($"http://127.0.0.1:{nodePorts[0]}") };
                using var b = new HttpClient(cookies, disposeHandler: false) { BaseAddress = new Uri($"http://127.0.0.1:{nodePorts[1]}") };
                await BenchHost.SignInAsync(a, email, password);
                var caseload = await b.GetAsync("/");
                var rows = Regex.Matches(await caseload.Content.ReadAsStringAsync(), "<th scope=\"row\">").Count;
                if (caseload.StatusCode != HttpStatusCode.OK || rows != clients)
                    throw new InvalidOperationException($"Signed in on node 1, node 2 answered {(int)caseload.StatusCode} with {rows} rows.");
                Console.WriteLine($"  signed in on node 1; node 2 serves that clinician's caseload ({rows} clients): yes");
            }

            // nginx: one front with node 1 only, one with both.
            using var one = Nginx.Start(onePort, [nodePorts[0]], admin.Folder);
            using var two = Nginx.Start(twoPort, nodePorts, admin.Folder);
            using var http2 = new HttpClient { BaseAddress = new Uri(publicUrl) };
            var bearer = await CheckInBench.TokenAsync(http2, system);
            http2.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            var scale = await CheckInBench.AnswerScaleAsync(http2);
            List<(Guid Client, Guid Relationship)> open;
            using (var scope = admin.App.Services.CreateScope())
                open = (await scope.ServiceProvider.GetRequiredService<AttuneDbContext>().Relationships.AsNoTracking().Where(r => r.ClosedAt == null)
                    .Select(r => new { r.ClientId, r.Id }).ToListAsync()).Select(r => (r.ClientId, r.Id)).ToList();
            var bodies = open.Select((o, i) => CheckInBench.Phq9Body(o.Client, scale, 1 + i % 2, 1, 2, 1, 0, 1, 1, 0, 0)).ToList();
            var script = Path.Combine(admin.Folder, "checkins.lua");
            await File.WriteAllTextAsync(script, CheckInBench.WrkScript(bodies, bearer));

            await CheckInBench.RunWrkAsync("wrk", script, $"http://127.0.0.1:{onePort}/fhir/QuestionnaireResponse", 10, 2);
            await CheckInBench.RunWrkAsync("wrk", script, $"http://127.0.0.1:{twoPort}/fhir/QuestionnaireResponse", 10, 2);
            var single = new List<CheckInBench.WrkResult>();
            var both = new List<CheckInBench.WrkResult>();
            for (var round = 0; round < rounds; round++)
            {
                single.Add(await CheckInBench.RunWrkAsync("wrk", script, $"http://127.0.0.1:{onePort}/fhir/QuestionnaireResponse", connections, seconds));
                both.Add(await CheckInBench.RunWrkAsync("wrk", script, $"http://127.0.0.1:{twoPort}/fhir/QuestionnaireResponse", connections, seconds));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Check-in saves through nginx, {connections} connections, {rounds} round(s) of {seconds} s, one node then two, alternating (PostgreSQL; nodes pinned to a core each, nginx, PostgreSQL and wrk on the same 2 cores):"));
            CheckInBench.Row("throughput (req/s)", single.Select(r => r.PerSecond), both.Select(r => r.PerSecond), higherIsBetter: true, "one node", "two nodes", "two / one");
            CheckInBench.Row("p50 latency (ms)", single.Select(r => r.P50), both.Select(r => r.P50), higherIsBetter: false, "one node", "two nodes", "one / two");
            CheckInBench.Row("p99 latency (ms)", single.Select(r => r.P99), both.Select(r => r.P99), higherIsBetter: false, "one node", "two nodes", "one / two");
            var errors = single.Concat(both).Sum(r => r.Errors);
            var unanswered = single.Concat(both).Sum(r => r.Unanswered);
            Console.WriteLine($"  answers other than 201: {errors - unanswered}{CheckInBench.Statuses(single.Concat(both))}; requests without an answer within wrk's 10 s or with a socket error: {unanswered}");
            // P4: each node's resident memory after the load (the web app's own process, as a clinic runs it).
            void Memory(string after)
            {
                foreach (var (node, i) in nodes.Select((n, i) => (n, i)))
                {
                    node.Refresh();
                    Console.WriteLine($"  node {i + 1} resident memory after {after}: {node.WorkingSet64 / 1024 / 1024} MiB (peak {node.PeakWorkingSet64 / 1024 / 1024} MiB)");
                }
            }
            Memory("the check-ins");

            // Then the rest of what a clinic asks of its nodes: the caseload and the pages and searches of the plans
            // benchmark (the client list with every client ever, a client's page and timeline, the clinic's analytics,
            // FHIR searches by name and over the whole clinic), each twice a pass so that nginx brings it to both nodes.
            var passes = Int("--passes", 2);
            using (var cookies = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                using var staff = new HttpClient(cookies) { BaseAddress = new Uri(publicUrl), Timeout = TimeSpan.FromMinutes(5) };
                await BenchHost.SignInAsync(staff, email, password);
                using var api = new HttpClient { BaseAddress = new Uri(publicUrl), Timeout = TimeSpan.FromMinutes(5) };
                api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CheckInBench.TokenAsync(api, reader));
                var requests = PlansBench.Requests(staff, api, open[0].Client).Prepend((staff, "/")).ToList();
                var pages = Stopwatch.StartNew();
                for (var pass = 0; pass < passes; pass++)
                    foreach (var (http, path) in requests)
                    {
                        for (var twice = 0; twice < 2; twice++)
                            await PlansBench.GetAsync(http, path);
                        // The first time through, what each request left the nodes holding: which of them costs memory.
                        if (pass == 0)
                            Console.WriteLine($"    after {path.Replace(open[0].Client.ToString(), "{client}", StringComparison.Ordinal)}: resident {string.Join(" and ", nodes.Select(n => { n.Refresh(); return $"{n.WorkingSet64 / 1024 / 1024} MiB"; }))}");
                    }
                Console.WriteLine($"  the caseload and {requests.Count - 1} other pages and searches, each {2 * passes} times through nginx, all answered 200 in {pages.Elapsed.TotalSeconds:0} s");
            }
            Memory("the pages");
            // Failed check-ins fail the run, after the pages, so that the memory is measured all the same.
            if (errors > 0) throw new InvalidOperationException($"{errors} check-ins failed under load ({unanswered} of them without an answer).");
        }
        finally
        {
            foreach (var node in nodes)
            {
                try { node.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await node.WaitForExitAsync();
                node.Dispose();
            }
            shared.Delete(recursive: true);
        }
    }

    private static Process StartNode(string web, int core, int port, string publicUrl, BenchHost admin, string certificate, int index)
    {
        var start = new ProcessStartInfo("taskset", ["-c", core.ToString(CultureInfo.InvariantCulture), "dotnet", web,
            "--urls", $"http://127.0.0.1:{port}", "--PublicUrl", publicUrl, "--AllowedHosts=127.0.0.1",
            "--Proxy:KnownProxies=127.0.0.1",
            "--Security:SecureCookies=false", // plain HTTP on loopback: this measures speed
            "--Logging:LogLevel:Default=Warning",
            "--Database:Provider=postgres", $"--ConnectionStrings:Attune={admin.PostgresConnection}", "--Database:MigrateOnStart=false", "--Demo:Seed=false",
            $"--DataProtection:CertificatePath={certificate}", $"--Audit:CheckpointFile={Path.Combine(admin.Folder, $"checkpoints-{index}.jsonl")}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = admin.Folder,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a node.");
        process.OutputDataReceived += (_, _) => { };
        // Of a node's log only each entry's level, category and event id, never its message (which may name a client).
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && LogEntryHeader().Match(line) is { Success: true } header) Console.Error.WriteLine($"[node {index + 1}] {header.Value}");
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(int port)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The node on port {port} was not ready within a minute.");
    }

    /// <summary>Debian's nginx as a child process with a configuration of its own: upstream nodes, forwarded headers.</summary>
    private sealed class Nginx : IDisposable
    {
        private readonly Process process;
        private Nginx(Process process) => this.process = process;

        public static Nginx Start(int port, IReadOnlyList<int> upstream, string folder)
        {
            var dir = Directory.CreateDirectory(Path.Combine(folder, $"nginx-{port}")).FullName;
            var servers = string.Concat(upstream.Select(p => $"        server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;\n"));
            var conf = Path.Combine(dir, "nginx.conf");
            File.WriteAllText(conf, $$"""
                worker_processes 1;
                pid {{dir}}/nginx.pid;
                error_log {{dir}}/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path {{dir}}/body;
                    proxy_temp_path {{dir}}/proxy;
                    fastcgi_temp_path {{dir}}/fastcgi;
                    uwsgi_temp_path {{dir}}/uwsgi;
                    scgi_temp_path {{dir}}/scgi;
                    upstream attune_nodes {
                {{servers}}        keepalive 64;
                    }
                    server {
                        listen 127.0.0.1:{{port}};
                        client_max_body_size 2m;
                        location / {
                            proxy_pass http://attune_nodes;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $remote_addr;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                    }
                }
                """);
            var process = Process.Start(new ProcessStartInfo("nginx", ["-p", dir, "-c", conf, "-g", "daemon off;"]) { RedirectStandardError = true })
                ?? throw new InvalidOperationException("Could not start nginx (Debian's package 'nginx').");
            Thread.Sleep(300);
            if (process.HasExited) throw new InvalidOperationException($"nginx stopped (exit code {process.ExitCode}); its log is {dir}/error.log.");
            return new Nginx(process);
        }

        public void Dispose()
        {
            // Its workers too: left behind, they would keep the port and the benchmark's output pipe open.
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit();
            process.Dispose();
        }
    }
}
