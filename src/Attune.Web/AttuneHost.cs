using Attune.Core.Instruments;
using Attune.Data;
using Attune.Web.Components;
using Attune.Web.Features.DataTransfer;
using Attune.Web.Features.Account;
using Attune.Web.Features.Audit;
using Attune.Web.Features.CheckIns;
using Attune.Web.Features.Crisis;
using Attune.Web.Features.Database;
using Attune.Web.Features.Demo;
using Attune.Web.Features.Fhir;
using Attune.Web.Features.Instruments;
using Attune.Web.Features.Integrations;
using Attune.Web.Features.Privacy;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Attune.Web;

/// <summary>Builds the web host: services, the middleware pipeline and the endpoints of every feature.</summary>
public static class AttuneHost
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1024 * 1024;
        });

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddProblemDetails();
        services.AddAttuneDatabase(builder.Configuration, builder.Environment);
        services.AddHealthChecks().AddDbContextCheck<AttuneDbContext>("database");

        // Migrate and seed before anything else starts: hosted services start in the order they are added,
        // and Data Protection reads its key ring (kept in the database) as soon as it starts.
        services.AddHostedService<StartupPreparation>();
        services.AddDataProtection()
            .SetApplicationName("Attune")
            .PersistKeysToDbContext<AttuneDbContext>()
            .ProtectKeysAtRest(builder.Configuration, builder.Environment);

        services.AddIdentityCore<StaffUser>(o =>
            {
                o.Password.RequiredLength = 12;
                // Length over composition rules (NIST SP 800-63B).
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AttuneDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // Passkeys: the browser must verify the person (fingerprint, face or PIN) and keep the key (discoverable), so one
        // passkey is both factors and sign-in needs no email. ServerDomain is the site's host name unless set.
        services.Configure<IdentityPasskeyOptions>(o =>
        {
            o.UserVerificationRequirement = "required";
            o.ResidentKeyRequirement = "required";
            builder.Configuration.GetSection("Passkeys").Bind(o);
        });
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        // Every half hour the cookie's principal is rebuilt from the database (security stamp check); keep how the
        // sign-in was made (the "amr" claims), or the second-factor rule would lose track of it.
        services.Configure<SecurityStampValidatorOptions>(o => o.OnRefreshingPrincipal = context =>
        {
            if (context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity && context.CurrentPrincipal is { } current)
                foreach (var claim in current.FindAll(Features.Account.SecondFactor.MethodClaim))
                    if (!identity.HasClaim(claim.Type, claim.Value))
                        identity.AddClaim(new System.Security.Claims.Claim(claim.Type, claim.Value));
            return Task.CompletedTask;
        });
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/denied";
            o.Cookie.Name = "attune.staff";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // APIs answer 401/403 instead of redirecting to the login page.
            o.Events.OnRedirectToLogin = c => Challenge(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => Challenge(c, StatusCodes.Status403Forbidden);
        });
        // Fail closed: every endpoint needs a signed-in user unless it says otherwise.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Clinician, p => p.RequireRole(StaffRoles.Clinician, StaffRoles.Supervisor))
            .AddPolicy(Policies.Admin, p => p.RequireRole(StaffRoles.Admin))
            .AddApiPolicy();
        services.AddAttuneApiAccess(builder.Configuration);
        services.AddAntiforgery();
        services.AddAttuneRateLimits(builder.Configuration);
        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();

        services.AddSingleton(sp => InstrumentSetup.LoadCatalog(builder.Configuration, builder.Environment, sp.GetRequiredService<ILogger<InstrumentCatalog>>()));
        services.AddOptions<CrisisOptions>().Configure(o =>
        {
            // A clinic's own list replaces the defaults rather than adding to them.
            var section = builder.Configuration.GetSection("Crisis");
            if (section.GetSection("Resources").Exists()) o.Resources.Clear();
            section.Bind(o);
        });
        services.AddSingleton<ClinicClock>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<CurrentStaff>();
        services.AddScoped<CaseloadAccess>();
        services.AddScoped<IAuthorizationHandler, ClientRecordAuthorizationHandler>();
        services.AddScoped<Features.Lifecycle.LifecycleData>();
        services.AddSingleton<FreeTextProtector>();
        services.AddSingleton<CheckInLinks>();
        services.AddSingleton<Features.Progress.ProgressLinks>();
        services.AddScoped<CheckInSubmission>();
        services.AddScoped<RiskAlerts>();
        services.AddScoped<FhirStore>();
        services.AddScoped<ApiCaller>();
        services.AddScoped<ClinicExport>();
        services.AddScoped<ClinicImport>();
        services.AddScoped<Features.Account.StaffInvitations>();
        services.Configure<Microsoft.AspNetCore.Identity.DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromDays(7));
        services.AddRestApiDocument();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddScoped<QuestionnaireResponseIntake>();
        services.AddScoped<Features.Signals.SignalEvaluator>();
        services.AddScoped<Features.Signals.ExpectedResponses>();
        services.AddScoped<Features.Caseload.CaseloadQuery>();
        services.AddMemoryCache();
        services.AddScoped<CheckInDelivery>();
        services.AddHostedService<CheckInReminderService>();
        services.AddScoped<Features.Schedules.MeasurementScheduler>();
        services.AddHostedService<Features.Schedules.MeasurementSchedulerService>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<ClientErasure>();
        services.Configure<Features.Notifications.MailOptions>(builder.Configuration.GetSection("Mail"));
        services.AddSingleton<Features.Notifications.OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Notifications.OutboxDispatcher>());

        var app = builder.Build();

        if (!app.Environment.IsDevelopment())
            app.UseHsts();
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
        app.UseAuthentication();
        app.UseSecondFactorGate();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<Features.Clients.ClientRecordGuard>();

        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapInstrumentEndpoints();
        app.MapPrivacyEndpoints();
        app.MapDataTransferEndpoints();
        app.MapApiAccessEndpoints();
        app.MapFhirEndpoints();
        app.MapRestApi();
        app.MapRestApiDocument();
        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>Migrates the database and, on first start, seeds the demo clinic and prints its logins.</summary>
    public static async Task PrepareAsync(IServiceProvider services, IConfiguration config, TextWriter output, string url)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        await DatabaseSetup.MigrateAsync(db);
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

    private static Task Challenge(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
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
}
