using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Attune.Core.Fhir;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Database;
using Attune.Web.Features.Demo;
using Attune.Web.Features.Instruments;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Matching;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Attune.Web.Cli;

/// <summary>
/// Verbs on the same executable as the web host. Result verbs print JSON on stdout and nothing else;
/// problems go to stderr with a non-zero exit code (2 for bad input).
/// </summary>
public static class AttuneCommandLine
{
    private static readonly string[] Help = ["--help", "-h", "-?"];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Whether the arguments name a verb (or ask for help) rather than settings for the web app: every verb the command line defines.</summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (Help.Contains(args[0], StringComparer.Ordinal) || Build(TextWriter.Null, TextWriter.Null).Subcommands.Any(c => c.Name == args[0]));

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = Build(stdout, stderr);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                await stderr.WriteLineAsync(error.Message);
            await stderr.WriteLineAsync("Run 'attune --help' for the verbs and their options.");
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CommandLineInputException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 2;
        }
        catch (System.Data.Common.DbException e)
        {
            // A missing database or a wrong connection string: say so without a stack trace.
            await stderr.WriteLineAsync($"Cannot use the database: {e.Message}");
            return 1;
        }
    }

    private static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var catalog = new Lazy<InstrumentCatalog>(InstrumentCatalog.BuiltIn);
        var root = new RootCommand("Attune: measurement-based care for the therapeutic relationship. With no verb, starts the web app.");

        var instrumentArgument = new Argument<string>("instrument") { Description = "Instrument id: phq-9, gad-7, core-10, connection-check, wai-sr, ors, srs" };

        var answers = new Option<string>("--answers") { Description = "Answers in item order, comma-separated; leave a place empty for an unanswered item (1,2,,0)", Required = true };
        var score = new Command("score", "Score one completed instrument and print the result as JSON") { instrumentArgument, answers };
        score.SetAction(p =>
        {
            var d = Find(catalog.Value, p.GetValue(instrumentArgument)!);
            var outcome = InstrumentScorer.Score(d, ParseAnswers(d, p.GetValue(answers)!));
            if (!outcome.IsValid)
            {
                // The summary line already names unanswered items; list the others one by one.
                var summary = outcome.Errors.Where(e => e.ItemId is null).ToList();
                var items = outcome.Errors.Where(e => e.ItemId is not null && (summary.Count == 0 || e.Message != "Please answer this question."));
                throw new CommandLineInputException(string.Join(Environment.NewLine,
                    items.Select(e => $"Item {e.ItemId}: {e.Message}").Concat(summary.Select(e => e.Message))));
            }
            Write(stdout, outcome.Result!);
            return 0;
        });

        var before = new Option<decimal>("--before") { Description = "Score at the start", Required = true };
        var after = new Option<decimal>("--after") { Description = "Score at the end", Required = true };
        var sd = new Option<double?>("--sd") { Description = "Standard deviation of the clinical population at the start (Jacobson & Truax)" };
        var reliability = new Option<double?>("--reliability") { Description = "Reliability (e.g. Cronbach's alpha or test–retest), between 0 and 1" };
        var change = new Command("change", "Reliable and clinically significant change between two scores") { instrumentArgument, before, after, sd, reliability };
        change.SetAction(p =>
        {
            var d = Find(catalog.Value, p.GetValue(instrumentArgument)!);
            var (s, r) = (p.GetValue(sd), p.GetValue(reliability));
            if ((s is null) != (r is null))
                throw new CommandLineInputException("--sd and --reliability go together.");
            if (s is { } sdv && r is { } rv && (sdv <= 0 || rv <= 0 || rv >= 1))
                throw new CommandLineInputException("--sd must be positive and --reliability between 0 and 1.");
            var norms = s is null ? null : new ReliableChangeRule(StandardDeviation: s, Reliability: r);
            Write(stdout, Guard(() => ChangeAssessment.Assess(d, p.GetValue(before), p.GetValue(after), norms)));
            return 0;
        });

        var phqBefore = new Option<int>("--phq9-before") { Required = true, Description = "PHQ-9 at the start (0–27)" };
        var phqAfter = new Option<int>("--phq9-after") { Required = true, Description = "PHQ-9 at the end (0–27)" };
        var gadBefore = new Option<int>("--gad7-before") { Required = true, Description = "GAD-7 at the start (0–21)" };
        var gadAfter = new Option<int>("--gad7-after") { Required = true, Description = "GAD-7 at the end (0–21)" };
        var recovery = new Command("recovery", "NHS Talking Therapies caseness, recovery and reliable improvement from paired PHQ-9 and GAD-7") { phqBefore, phqAfter, gadBefore, gadAfter };
        recovery.SetAction(p =>
        {
            Write(stdout, Guard(() => TalkingTherapiesOutcome.Assess(p.GetValue(phqBefore), p.GetValue(gadBefore), p.GetValue(phqAfter), p.GetValue(gadAfter))));
            return 0;
        });

        var levels = new Option<string>("--levels") { Required = true, Description = "Each goal's attained level, −2 to +2, comma-separated" };
        var weights = new Option<string?>("--weights") { Description = "Each goal's weight, comma-separated (default 1 each)" };
        var rho = new Option<double>("--rho") { Description = "Assumed correlation between goals", DefaultValueFactory = _ => GoalAttainmentScaling.DefaultCorrelation };
        var gas = new Command("gas", "Goal Attainment Scaling T-score") { levels, weights, rho };
        gas.SetAction(p =>
        {
            var l = ParseNumbers(p.GetValue(levels)!, "--levels").Select(x => x % 1 == 0 ? (int)x : throw new CommandLineInputException("--levels must be whole numbers from −2 to 2.")).ToList();
            var w = p.GetValue(weights) is { } ws ? ParseNumbers(ws, "--weights").Select(x => (double)x).ToList() : l.Select(_ => 1.0).ToList();
            if (w.Count != l.Count) throw new CommandLineInputException($"--weights has {w.Count} values for {l.Count} goals.");
            var goals = l.Zip(w, (x, y) => new GoalRating(x, y)).ToList();
            var t = Guard(() => GoalAttainmentScaling.TScore(goals, p.GetValue(rho)));
            Write(stdout, new { tScore = Math.Round(t, 2), goals, rho = p.GetValue(rho) });
            return 0;
        });

        var cm = new Option<double>("--clinical-mean") { Required = true };
        var cs = new Option<double>("--clinical-sd") { Required = true };
        var fm = new Option<double>("--functional-mean") { Required = true };
        var fs = new Option<double>("--functional-sd") { Required = true };
        var direction = new Option<string>("--direction") { Description = "higher-is-worse or higher-is-better", DefaultValueFactory = _ => "higher-is-worse" };
        direction.AcceptOnlyFromAmong("higher-is-worse", "higher-is-better");
        var cutoffs = new Command("cutoffs", "Jacobson & Truax clinical cut-offs a, b and c from population norms") { cm, cs, fm, fs, direction };
        cutoffs.SetAction(p =>
        {
            var dir = p.GetValue(direction) == "higher-is-better" ? ScoreDirection.HigherIsBetter : ScoreDirection.HigherIsWorse;
            Write(stdout, Guard(() => JacobsonTruax.Cutoffs(p.GetValue(cm), p.GetValue(cs), p.GetValue(fm), p.GetValue(fs), dir)));
            return 0;
        });

        var questionnaire = new Command("questionnaire", "Print an instrument as a FHIR R4 Questionnaire") { instrumentArgument };
        questionnaire.SetAction(p =>
        {
            stdout.WriteLine(FhirJson.Serialize(QuestionnaireExport.ToQuestionnaire(Find(catalog.Value, p.GetValue(instrumentArgument)!)), pretty: true));
            return 0;
        });

        var instruments = new Command("instruments", "List the built-in instruments");
        instruments.SetAction(_ =>
        {
            Write(stdout, catalog.Value.All.OrderBy(d => d.Id).Select(d => new { d.Id, d.Name, purpose = d.Purpose, itemTextShipped = !d.ItemTextMissing }));
            return 0;
        });

        var migrate = new Command("migrate", "Apply database migrations (Database:Provider and ConnectionStrings:Attune as for the web app)");
        migrate.TreatUnmatchedTokensAsErrors = false;
        migrate.SetAction(async (p, ct) =>
        {
            var app = BuildHost(p.UnmatchedTokens);
            using var scope = app.Services.CreateScope();
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<AttuneDbContext>(), ct);
            await stderr.WriteLineAsync("Database is up to date.");
            return 0;
        });

        var demo = new Command("demo", "Create the demo clinic in an empty database and print its logins");
        demo.TreatUnmatchedTokensAsErrors = false;
        demo.SetAction(async (p, ct) =>
        {
            var app = BuildHost(p.UnmatchedTokens);
            using var scope = app.Services.CreateScope();
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<AttuneDbContext>(), ct);
            var seeded = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(ct);
            if (seeded is null)
            {
                await stderr.WriteLineAsync("The database already has an organisation; the demo clinic is only created in an empty database.");
                return 1;
            }
            DemoSeeder.PrintLogins(seeded, stdout, AttuneHost.DefaultUrl);
            return 0;
        });

        var expect = new Option<string?>("--expect") { Description = "A head printed by an earlier verify (place:hash); fails if that event is gone or different" };
        var verify = new Command("verify", "Check the audit trail's hash chain against its signed checkpoints: exit 0 when intact, 1 when any event was changed, deleted or inserted") { expect };
        verify.TreatUnmatchedTokensAsErrors = false;
        verify.SetAction(async (p, ct) =>
        {
            AuditAnchor? anchor = null;
            if (p.GetValue(expect) is { } text && !AuditAnchor.TryParse(text, out anchor))
                throw new CommandLineInputException("--expect must be a place and a hash as verify prints them, for example 1234:9f86d08…(64 hex digits).");
            await using var db = OpenDatabase(p.UnmatchedTokens);
            var checkpoints = Checkpoints(p.UnmatchedTokens);
            var result = await checkpoints.VerifyAsync(db, anchor, ct);
            Write(stdout, new { result.Intact, result.Events, result.Pending, head = result.Head?.ToString(), checkpoint = result.Checkpoint?.ToString(), checkpointFile = checkpoints.FilePath, problems = result.Problems.Select(x => x.Message) });
            return result.Intact ? 0 : 1;
        });
        var audit = new Command("audit", "The audit trail") { verify };

        var to = new Option<string>("--to") { Required = true, Description = "The backup file to write (must not exist yet)" };
        var backup = new Command("backup", "Take a consistent copy of the SQLite database while Attune runs, check it, and print what it holds") { to };
        backup.TreatUnmatchedTokensAsErrors = false;
        backup.SetAction(async (p, ct) =>
        {
            var connection = SqliteConnection(p.UnmatchedTokens);
            Write(stdout, await Guard(() => SqliteBackup.BackupAsync(connection, p.GetValue(to)!, ct)));
            return 0;
        });

        var from = new Option<string>("--from") { Required = true, Description = "A backup file written by 'attune backup'" };
        var acceptOlder = new Option<bool>("--accept-older") { Description = "Restore a backup that ends before the latest signed audit checkpoint (the events after it are lost); recorded in the trail and the checkpoint file" };
        var restore = new Command("restore", "Replace the SQLite database with a checked backup; stop Attune first. The current files are kept beside it") { from, acceptOlder };
        restore.TreatUnmatchedTokensAsErrors = false;
        restore.SetAction(async (p, ct) =>
        {
            var connection = SqliteConnection(p.UnmatchedTokens);
            var report = await Guard(() => SqliteBackup.RestoreAsync(p.GetValue(from)!, connection, TimeProvider.System, Checkpoints(p.UnmatchedTokens), p.GetValue(acceptOlder), ct));
            Write(stdout, report);
            await stderr.WriteLineAsync("Restored. Start Attune as usual; it applies any newer migrations on start.");
            return 0;
        });

        var clientName = new Option<string>("--name") { Required = true, Description = "What the system is, such as the product's name" };
        var actsAs = new Option<string>("--as") { Required = true, Description = "The email of the clinician or supervisor the system acts as; it sees what they see" };
        var scopeOption = new Option<string[]>("--scope") { Required = true, Description = "Scopes, space-separated in one argument or the option repeated: \"system/*.read system/QuestionnaireResponse.write\"" };
        var add = new Command("add", "Register a system that calls the FHIR and REST APIs; prints its client id and secret (shown once)") { clientName, actsAs, scopeOption };
        add.TreatUnmatchedTokensAsErrors = false;
        add.SetAction(async (p, ct) =>
        {
            var app = BuildHost(p.UnmatchedTokens);
            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            await DatabaseSetup.MigrateAsync(db, ct);
            var email = p.GetValue(actsAs)!.Trim().ToUpperInvariant();
            var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == email, ct)
                ?? throw new CommandLineInputException("There is no staff member with that email.");
            var scopes = p.GetValue(scopeOption)!.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
            try
            {
                var created = await scope.ServiceProvider.GetRequiredService<ApiClientRegistry>().CreateAsync(null, user.OrganisationId, p.GetValue(clientName), user.Id, scopes, ct);
                Write(stdout, new { clientId = created.Client.ClientId, clientSecret = created.Secret, scopes = created.Client.Scopes, actsAs = user.Email, tokenEndpoint = ApiAccess.TokenPath });
                return 0;
            }
            catch (ApiClientException e) { throw new CommandLineInputException(e.Message); }
        });
        var list = new Command("list", "List the registered systems (never their secrets)");
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(async (p, ct) =>
        {
            await using var db = OpenDatabase(p.UnmatchedTokens);
            var clients = await db.ApiClients.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
            var staff = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Email, ct);
            Write(stdout, clients.Select(c => new { c.ClientId, c.Name, actsAs = staff.GetValueOrDefault(c.StaffUserId), c.Scopes, c.CreatedAt }));
            return 0;
        });
        var clientIdOption = new Option<string>("--client-id") { Required = true, Description = "The client id to remove" };
        var remove = new Command("remove", "Remove a registered system: its next call is refused") { clientIdOption };
        remove.TreatUnmatchedTokensAsErrors = false;
        remove.SetAction(async (p, ct) =>
        {
            var app = BuildHost(p.UnmatchedTokens);
            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var id = p.GetValue(clientIdOption)!;
            var client = await db.ApiClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == id, ct)
                ?? throw new CommandLineInputException($"There is no client '{id}'.");
            await scope.ServiceProvider.GetRequiredService<ApiClientRegistry>().RemoveAsync(null, client.OrganisationId, id, ct);
            await stderr.WriteLineAsync("Removed.");
            return 0;
        });
        var apiClient = new Command("api-client", "Systems that call the FHIR and REST APIs with OAuth 2.0 client credentials") { add, list, remove };

        var organisationName = new Option<string>("--organisation") { Required = true, Description = "The clinic's name, as on its pages" };
        var asJson = new Option<bool>("--json") { Description = "Print JSON (default: one line per clinician and domain)" };
        var trackRecord = new Command("track-record", "Each clinician's track record per problem domain from the clinic's closed relationships (Constantino et al. 2021): cases, mean residual, interval, class") { organisationName, asJson };
        trackRecord.TreatUnmatchedTokensAsErrors = false;
        trackRecord.SetAction(async (p, ct) =>
        {
            // The database, the instruments and the Matching settings alone, as 'audit verify' opens them: no web host to build.
            var builder = Settings(p.UnmatchedTokens);
            builder.Services.AddAttuneDatabase(builder.Configuration, builder.Environment);
            builder.Services.AddMatching(builder.Configuration);
            builder.Services.AddInstruments(builder.Configuration, builder.Environment);
            AddAuditTrail(builder.Services);
            using var scope = builder.Build().Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var name = p.GetValue(organisationName)!.Trim();
            Guid[] organisations = [await OrganisationAsync(db, name, ct)];
            Features.Matching.TrackRecordView view;
            try
            {
                view = await scope.ServiceProvider.GetRequiredService<Features.Matching.TrackRecordQuery>().LoadAsync(organisations[0], ct);
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                throw new CommandLineInputException(e.Message);
            }
            var report = Features.Matching.TrackRecordReport.From(view);
            scope.ServiceProvider.GetRequiredService<AuditTrail>().System(organisations[0], "read", "TrackRecord", organisations[0]);
            await db.SaveChangesAsync(ct);
            if (p.GetValue(asJson))
                Write(stdout, new { organisation = name, report.MinimumCases, report.IntervalLevel, report.Models, report.Records });
            else
                foreach (var r in report.Records)
                    await stdout.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"{r.Domain}\t{r.Clinician}\t{r.Cases} cases\t{(r.MeanResidual is { } m ? m.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-")}\t{(r.Lower is { } lo ? $"[{lo:0.###}, {r.Upper:0.###}]" : "-")}\t{r.Class}"));
            return 0;
        });

        var importOrganisation = new Option<string>("--organisation") { Required = true, Description = "The clinic's name; a new organisation of that name is made when there is none" };
        var importFolder = new Argument<string>("folder") { Description = "A folder with clinicians.csv, clients.csv, sessions.csv and scores.csv, as the admin's import takes them (those present are imported, in that order)" };
        var import = new Command("import", "Import a clinic's history from CSV files: each file checked, then applied whole or not at all; prints what each added") { importOrganisation, importFolder };
        import.TreatUnmatchedTokensAsErrors = false;
        import.SetAction(async (p, ct) =>
        {
            var folder = p.GetValue(importFolder)!;
            if (!Directory.Exists(folder))
                throw new CommandLineInputException($"There is no folder '{folder}'.");
            var files = Features.DataTransfer.ClinicImport.Kinds.Select(k => (Kind: k, Path: Path.Combine(folder, k + ".csv"))).Where(f => File.Exists(f.Path)).ToList();
            if (files.Count == 0)
                throw new CommandLineInputException($"'{folder}' holds none of {string.Join(", ", Features.DataTransfer.ClinicImport.Kinds.Select(k => k + ".csv"))}.");
            var name = p.GetValue(importOrganisation)!.Trim();
            var app = BuildHost(p.UnmatchedTokens);
            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            await DatabaseSetup.MigrateAsync(db, ct);
            var organisations = await db.Organisations.Where(o => o.Name == name).Select(o => o.Id).ToListAsync(ct);
            if (organisations.Count > 1)
                throw new CommandLineInputException($"Several organisations are named '{name}'.");
            var created = organisations.Count == 0;
            Guid organisationId;
            if (created)
            {
                Core.Clinic.Organisation organisation;
                try
                {
                    organisation = new Core.Clinic.Organisation(name, TimeProvider.System.GetUtcNow());
                }
                catch (Core.DomainRuleException e)
                {
                    throw new CommandLineInputException(e.Message);
                }
                db.Organisations.Add(organisation);
                scope.ServiceProvider.GetRequiredService<Features.Audit.AuditTrail>().System(organisation.Id, "create", "Organisation", organisation.Id);
                await db.SaveChangesAsync(ct);
                organisationId = organisation.Id;
            }
            else
                organisationId = organisations[0];

            var importer = scope.ServiceProvider.GetRequiredService<Features.DataTransfer.ClinicImport>();
            var publicUrl = scope.ServiceProvider.GetRequiredService<Features.CheckIns.CheckInDelivery>().PublicUrl;
            var done = new List<object>();
            var exit = 0;
            foreach (var (kind, path) in files)
            {
                Features.DataTransfer.ImportReport report;
                await using (var stream = File.OpenRead(path))
                    report = await importer.RunAsync(new Features.DataTransfer.ClinicImport.Importer(organisationId, null), kind, stream, apply: true, publicUrl, ct);
                done.Add(new
                {
                    file = kind + ".csv", report.Applied, added = report.Applied ? report.ToAdd : 0, report.AlreadyHere,
                    problems = report.FileProblems.Concat(report.Rows.Where(r => r.Problems.Count > 0).Select(r => $"line {r.Line} ({r.Key}): {string.Join(" ", r.Problems)}")).ToList(),
                });
                if (!report.Ok || (!report.Applied && report.FileProblems.Count > 0))
                {
                    // The files after it depend on it: nothing more is imported.
                    exit = 1;
                    break;
                }
            }
            Write(stdout, new { organisation = name, created, files = done });
            return exit;
        });

        var analyticsOrganisation = new Option<string>("--organisation") { Required = true, Description = "The clinic's name, as on its pages" };
        var fromDate = new Option<string?>("--from") { Description = "Relationships closed on or after this day (yyyy-MM-dd, UTC)" };
        var toDate = new Option<string?>("--to") { Description = "Relationships closed before this day (yyyy-MM-dd, UTC)" };
        var analyticsJson = new Option<bool>("--json") { Description = "Print JSON (the only output so far)" };
        var analytics = new Command("analytics", "The clinic analytics A–G (docs/analytics.md) over its closed relationships: alliance and outcome, therapist effect, telehealth, outcomes, endings, ruptures, matching")
            { analyticsOrganisation, fromDate, toDate, analyticsJson };
        analytics.TreatUnmatchedTokensAsErrors = false;
        analytics.SetAction(async (p, ct) =>
        {
            DateTimeOffset? Day(string? text, string option) =>
                text is null ? null
                : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : throw new CommandLineInputException($"{option} is a day as yyyy-MM-dd, like 2026-01-31.");
            var from = Day(p.GetValue(fromDate), "--from");
            var to = Day(p.GetValue(toDate), "--to");
            if (from is not null && to is not null && to <= from)
                throw new CommandLineInputException("--to must come after --from.");
            // The database and the instruments alone: no web host to build.
            var builder = Settings(p.UnmatchedTokens);
            builder.Services.AddAttuneDatabase(builder.Configuration, builder.Environment);
            builder.Services.AddInstruments(builder.Configuration, builder.Environment);
            builder.Services.AddScoped<Features.Analytics.AnalyticsQuery>();
            AddAuditTrail(builder.Services);
            using var scope = builder.Build().Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var name = p.GetValue(analyticsOrganisation)!.Trim();
            Guid[] organisations = [await OrganisationAsync(db, name, ct)];
            var query = scope.ServiceProvider.GetRequiredService<Features.Analytics.AnalyticsQuery>();
            var cases = await query.CasesAsync(organisations[0], null, from, to, ct);
            var settings = query.Settings();
            var result = Core.Analytics.ClinicAnalytics.Compute(cases, settings);
            var emails = await db.Users.AsNoTracking().Where(u => u.OrganisationId == organisations[0] && u.ClinicianId != null)
                .Select(u => new { u.ClinicianId, u.Email }).ToListAsync(ct);
            string Label(Guid id) => emails.FirstOrDefault(e => e.ClinicianId == id)?.Email ?? id.ToString();
            // A read of the clinic's clinical data, as the page's is: in the audit trail, by the system (whoever runs the command line has the database).
            scope.ServiceProvider.GetRequiredService<AuditTrail>().System(organisations[0], "read", "ClinicAnalytics", organisations[0]);
            await db.SaveChangesAsync(ct);
            Write(stdout, new { organisation = name, from, to, closedRelationships = cases.Count, analytics = Features.Analytics.AnalyticsReport.Json(result, settings, Label) });
            return 0;
        });

        foreach (var command in new[] { score, change, recovery, gas, cutoffs, questionnaire, instruments, migrate, demo, audit, backup, restore, apiClient, trackRecord, import, analytics })
            root.Subcommands.Add(command);
        return root;
    }

    /// <summary>The audit trail for a verb that reads clinical data without the web host (its events are the system's).</summary>
    private static void AddAuditTrail(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<AuditTrail>();
    }

    /// <summary>The one organisation of that name, or the reason there is none to use.</summary>
    private static async Task<Guid> OrganisationAsync(AttuneDbContext db, string name, CancellationToken ct)
    {
        var organisations = await db.Organisations.AsNoTracking().Where(o => o.Name == name).Select(o => o.Id).ToListAsync(ct);
        return organisations.Count == 1 ? organisations[0]
            : throw new CommandLineInputException(organisations.Count == 0 ? $"There is no organisation named '{name}'." : $"Several organisations are named '{name}'.");
    }

    /// <summary>
    /// The whole host for a verb that needs its services; its logs go to stderr so that stdout stays the verb's output.
    /// Named after Attune's own assembly, whatever process runs the verb, so that its static files' manifest is found.
    /// </summary>
    private static WebApplication BuildHost(IReadOnlyList<string> settings) =>
        AttuneHost.Build([.. settings, "--Logging:Console:LogToStandardErrorThreshold=Trace", $"--applicationName={typeof(AttuneHost).Assembly.GetName().Name}"]);

    /// <summary>The database alone, chosen by the same settings as the web app (Database:Provider, ConnectionStrings:Attune, …).</summary>
    private static AttuneDbContext OpenDatabase(IReadOnlyList<string> settings)
    {
        var builder = Settings(settings);
        builder.Services.AddAttuneDatabase(builder.Configuration, builder.Environment);
        return builder.Build().Services.CreateScope().ServiceProvider.GetRequiredService<AttuneDbContext>();
    }

    /// <summary>
    /// The signed checkpoints of the audit trail, found by the same settings as the web app (Audit:CheckpointFile, …),
    /// with the Data Protection keys to check the seals of reads not yet chained.
    /// </summary>
    private static AuditCheckpoints Checkpoints(IReadOnlyList<string> settings)
    {
        var builder = Settings(settings);
        builder.Services.AddAttuneDatabase(builder.Configuration, builder.Environment);
        builder.Services.AddAttuneDataProtection(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton<AuditSeal>();
        var seal = builder.Build().Services.GetRequiredService<AuditSeal>();
        return AuditCheckpoints.FromConfiguration(builder.Configuration, builder.Environment, seal.Holds);
    }

    private static string SqliteConnection(IReadOnlyList<string> settings)
    {
        var builder = Settings(settings);
        var provider = (builder.Configuration["Database:Provider"] ?? DatabaseSetup.Sqlite).Trim().ToLowerInvariant();
        if (provider != DatabaseSetup.Sqlite)
            throw new CommandLineInputException("backup and restore work on the SQLite file. On PostgreSQL use its own tools: pg_dump --format=custom for a consistent online copy and pg_restore to bring it back (see the README).");
        return DatabaseSetup.ConnectionString(builder.Configuration, builder.Environment, provider);
    }

    private static HostApplicationBuilder Settings(IReadOnlyList<string> settings)
    {
        var builder = Host.CreateApplicationBuilder([.. settings]);
        builder.Logging.ClearProviders();
        return builder;
    }

    private static async Task<T> Guard<T>(Func<Task<T>> run)
    {
        try { return await run(); }
        catch (BackupException e) { throw new CommandLineInputException(e.Message); }
    }

    private static InstrumentDefinition Find(InstrumentCatalog catalog, string id) =>
        catalog.Find(id) ?? throw new CommandLineInputException($"Unknown instrument '{id}'. Known: {string.Join(", ", catalog.All.Select(d => d.Id).Order())}.");

    private static Dictionary<string, decimal?> ParseAnswers(InstrumentDefinition d, string text)
    {
        var parts = text.Split(',');
        var items = d.NumericItems.ToList();
        if (parts.Length > items.Count)
            throw new CommandLineInputException($"{d.ShortName} has {items.Count} answerable items; {parts.Length} answers were given.");
        var answers = new Dictionary<string, decimal?>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (part.Length == 0) { answers[items[i].Id] = null; continue; }
            if (!decimal.TryParse(part, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                throw new CommandLineInputException($"Item {items[i].Id}: '{part}' is not a number.");
            answers[items[i].Id] = value;
        }
        return answers;
    }

    private static List<decimal> ParseNumbers(string text, string option) => text.Split(',').Select(part =>
        decimal.TryParse(part.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
            ? v : throw new CommandLineInputException($"{option}: '{part}' is not a number.")).ToList();

    private static T Guard<T>(Func<T> compute)
    {
        try { return compute(); }
        catch (ArgumentException e) { throw new CommandLineInputException(e.Message.Split(" (Parameter")[0]); }
    }

    private static void Write<T>(TextWriter stdout, T value) => stdout.WriteLine(JsonSerializer.Serialize(value, Json));
}

/// <summary>Bad input on the command line: printed to stderr, exit code 2.</summary>
public sealed class CommandLineInputException(string message) : Exception(message);
