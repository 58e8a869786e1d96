using Attune.Web.Features.Wellbeing;
using Attune.Core.Instruments;
using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Components;
using Attune.Web.Features.Matching;
using Attune.Web.Features.Analytics;
using Attune.Web.Features.DataTransfer;
using Attune.Web.Features.Account;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Risk;
using Attune.Web.Features.CheckIns;
using Attune.Web.Features.Crisis;
using Attune.Web.Database;
using Attune.Web.Features.Demo;
using Attune.Web.Features.Fhir;
using Attune.Web.Features.Instruments;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Privacy;
using Attune.Web.Features.Security;
using Attune.Web.Features.Lifecycle;
using Attune.Web.Features.Signals;
using Attune.Web.Features.Ruptures;
using Attune.Web.Features.Goals;
using Attune.Web.Features.Clients;
using Attune.Web.Features.Notes;
using Attune.Web.Features.Reflections;
using Attune.Web.Features.Sessions;
using Attune.Web.Features.Schedules;
using Attune.Web.Features.Caseload;
using Attune.Web.Features.Supervision;
using Attune.Web.Features.Progress;
using Attune.Web.Features.Notifications;
using Attune.Web.Features.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Attune.Web;

/// <summary>Builds the web host: services, the middleware pipeline and the endpoints of every feature.</summary>
public static class AttuneHost
{
    public const string DefaultUrl = "http://localhost:5080";
    private const string HealthReady = "ready";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);
        // Outside development only requests for the clinic's own address are served: the host name of PublicUrl, unless
        // AllowedHosts names the hosts itself. A request naming another host gets 400 before anything reads it.
        if (!builder.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(builder.Configuration["AllowedHosts"])
            && Uri.TryCreate(builder.Configuration["PublicUrl"], UriKind.Absolute, out var publicUrl))
            builder.Configuration["AllowedHosts"] = publicUrl.Host;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1024 * 1024;
        });

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddProblemDetails();
        // A client that goes away while still sending its request (a phone losing its signal mid-check-in, a kiosk
        // switched off) is no fault of Attune's: not an error in the log with a stack trace for IT to chase, and not a 500
        // in the metrics. Kestrel says so with these two exceptions when the body stops short; anything else is logged.
        services.AddExceptionHandler(o =>
        {
            o.StatusCodeSelector = e => e switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                Microsoft.AspNetCore.Connections.ConnectionResetException => StatusCodes.Status499ClientClosedRequest,
                _ => StatusCodes.Status500InternalServerError,
            };
            o.SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException or Microsoft.AspNetCore.Connections.ConnectionResetException;
        });
        services.AddAttuneDatabase(builder.Configuration, builder.Environment);
        // Ready: the database answers and has every migration this version needs. Live: the process answers at all.
        services.AddHealthChecks()
            .AddDbContextCheck<AttuneDbContext>("database", tags: [HealthReady])
            .AddCheck<Database.MigrationsApplied>("migrations", tags: [HealthReady]);

        // Migrate and seed before anything else starts: hosted services start in the order they are added,
        // and Data Protection reads its key ring (kept in the database) as soon as it starts.
        services.AddHostedService<StartupPreparation>();
        services.AddAttuneDataProtection(builder.Configuration, builder.Environment);

        services.AddStaffAccounts(builder.Configuration);
        // Fail closed: every endpoint needs a signed-in user unless it says otherwise.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Clinician, p => p.RequireRole(StaffRoles.Clinician, StaffRoles.Supervisor))
            .AddPolicy(Policies.Admin, p => p.RequireRole(StaffRoles.Admin))
            .AddPolicy(Policies.Coordinator, p => p.RequireRole(StaffRoles.Coordinator, StaffRoles.Admin))
            .AddApiPolicy();
        services.AddAttuneApiAccess(builder.Configuration);
        services.AddAntiforgery();
        services.AddProxyAndCookieSafety(builder.Configuration, builder.Environment);
        services.AddAttuneRateLimits(builder.Configuration);
        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();

        services.AddInstruments(builder.Configuration, builder.Environment);
        services.AddAudit();
        services.AddCrisisResources(builder.Configuration);
        services.AddMatching(builder.Configuration);
        services.AddAnalytics(builder.Configuration);
        services.AddRecordAccess();
        services.AddClients();
        services.AddCaseload();
        services.AddSupervision();
        services.AddWellbeing();
        services.AddLifecycle();
        services.AddSignals();
        services.AddStaffAdministration();
        services.AddSessions();
        services.AddCheckIns();
        services.AddSchedules();
        services.AddRuptures();
        services.AddGoals();
        services.AddNotes();
        services.AddRisk();
        services.AddReflections();
        services.AddProgress();
        services.AddFhir();
        services.AddRestApi();
        services.AddDataTransfer();
        services.AddPrivacy();
        services.AddNotifications(builder.Configuration);
        services.AddDemo();
        services.AddMemoryCache();

        var app = builder.Build();

        // First: behind a reverse proxy the address and scheme are the client's, from the headers of configured proxies only.
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
            app.UseHsts();
        app.UseHttpsOnlyWhenCookiesAreSecure();
        app.UseExceptionHandler();
        app.UseImportUploadLimit();
        // Pages render their own 404/410/422 bodies; bare status codes from the API get a ProblemDetails body.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        // FHIR answers every refusal with an OperationOutcome.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/fhir"), fhir => fhir.UseFhirOutcomes());
        // Anything else refused without a page of its own (a form no longer on the page, a refused post, a value Blazor
        // will not read) says why in words. Status code pages would skip these: Blazor has already set a content type.
        app.Use(async (context, next) =>
        {
            await next();
            var response = context.Response;
            if (!response.HasStarted && response.StatusCode is >= 400 and < 500 && !IsApi(context.Request.Path))
            {
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync(RefusalText(response.StatusCode));
            }
        });
        // An address that names no page, typed or followed by someone signed in: the "not found" page inside the layout,
        // with a way back, instead of a bare 404 (an anonymous visitor is sent to sign in first). Before routing, so that
        // the re-run finds the page; and only for an address routing matched to nothing (every page and endpoint answers
        // its own 404s).
        app.UseWhen(c => (HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method)) && !IsApi(c.Request.Path),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseRouting();
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is not null && !IsApi(context.Request.Path) && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            return next(context);
        });
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // Nothing goes to other sites; Attune's own form posts keep their Origin header, which passkey checks need
            // (under no-referrer a browser sends "Origin: null").
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";
            await next();
        });
        // Limits first: OpenIddict checks a system's client secret inside authentication, so a limiter after it would
        // never see a guess at /connect/token. The limits are per address and read no identity.
        app.UseTokenClientIdForLimits();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseSecondFactorGate();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<Features.Clients.ClientRecordGuard>();

        app.MapStaticAssets().AllowAnonymous();
        // For a load balancer: send requests only to a node that is ready; restart one that is not live.
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(HealthReady) }).AllowAnonymous();
        app.MapHealthChecks("/health", new() { Predicate = c => c.Tags.Contains(HealthReady) }).AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapInstrumentEndpoints();
        app.MapPrivacyEndpoints();
        app.MapDataTransferEndpoints();
        app.MapAnalyticsEndpoints();
        app.MapApiAccessEndpoints();
        app.MapFhirEndpoints();
        app.MapRestApi();
        app.MapRestApiDocument();
        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>
    /// Why this host must not serve, or null. Outside Development Attune needs PublicUrl: every link it sends to a client
    /// or a colleague starts with it, and AllowedHosts is taken from it.
    /// </summary>
    public static string? StartupProblem(WebApplication app) =>
        app.Environment.IsDevelopment() || Uri.TryCreate(app.Configuration["PublicUrl"], UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
            ? null
            : "Attune needs the address clients and staff reach it at: set PublicUrl (for example --PublicUrl=https://attune.clinic.example). " +
              "Every link Attune sends starts with it, and requests for any other host are refused. (Development does without it.)";

    /// <summary>Migrates the database and, on first start, seeds the demo clinic and prints its logins.</summary>
    public static async Task PrepareAsync(IServiceProvider services, IConfiguration config, TextWriter output, string url)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        // Several nodes on one database: the upgrade runs `attune migrate` once and the nodes start with
        // Database:MigrateOnStart=false, refusing to serve a database that lacks what they need.
        if (config.GetValue("Database:MigrateOnStart", true))
            await DatabaseSetup.MigrateAsync(db);
        else if ((await db.Database.GetPendingMigrationsAsync()).ToList() is { Count: > 0 } pending)
            throw new InvalidOperationException(
                $"The database lacks {pending.Count} migration(s) this version of Attune needs ({string.Join(", ", pending)}). " +
                "Database:MigrateOnStart is false: run `attune migrate` once with this version, then start the nodes.");
        // Load the instruments now, so a broken clinic definition or licence file stops the start with its reason.
        _ = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>();
        if (config.GetValue("Demo:Seed", true))
        {
            var seeded = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
            if (seeded is not null)
                DemoSeeder.PrintLogins(seeded, output, url);
        }
    }

    /// <summary>Paths whose callers are programs: they get ProblemDetails, OAuth errors or OperationOutcomes, not text.</summary>
    private static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/fhir") || path.StartsWithSegments("/connect") || path.StartsWithSegments("/.well-known");

    private static string RefusalText(int status) => status switch
    {
        400 => "400 Bad request: Attune did not understand what was sent, and nothing was changed. If you came from a page, reload it (the form may have changed since) and try again.",
        403 => "403 Forbidden: this is not yours to change, and nothing was changed.",
        404 => "404 Not found.",
        405 => "405 Method not allowed.",
        410 => "410 Gone: this link has expired or has already been used.",
        413 => "413 Too large: Attune accepts requests of up to 1 MB, and nothing was changed.",
        429 => "429 Too many requests: wait a minute and try again.",
        _ => $"{status}",
    };

    /// <summary>APIs answer 401/403 where pages redirect to the login or denied page.</summary>
    internal static Task Challenge(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (IsApi(context.Request.Path))
            context.Response.StatusCode = status;
        else
            context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Migrates and seeds when the host starts, before the first request is served.</summary>
internal sealed class StartupPreparation(IServiceProvider services, IConfiguration config) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        AttuneHost.PrepareAsync(services, config, Console.Out, (config["urls"] ?? AttuneHost.DefaultUrl).Split(';')[0]);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class Policies
{
    public const string Clinician = "clinician";
    public const string Admin = "admin";
    /// <summary>Intake coordinators, and admins, who may act as one.</summary>
    public const string Coordinator = "coordinator";
}
