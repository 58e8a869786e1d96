using System.Net;
using Attune.Data;
using Attune.Web.Features.Integrations;
using Attune.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Staff;

/// <summary>Issue 18, point 7: the admin runs the clinic's staff from the browser, and every change is audited with before and after.</summary>
public class StaffAdministrationTests
{
    [Theory, AllDatabases]
    public async Task An_admin_invites_a_clinician_with_a_supervisor_and_bad_input_changes_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Guid supervisorUser;
        int usersBefore, outboxBefore;
        await using (var db = app.CreateDbContext())
        {
            supervisorUser = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.Id).SingleAsync(ct);
            (usersBefore, outboxBefore) = (await db.Users.CountAsync(ct), await db.Outbox.CountAsync(ct));
        }

        // Everything wrong at once: each field says what, nothing is made.
        var bad = await admin.PostFormAsync("/admin/staff", "invite", new() { ["name"] = "", ["email"] = "not an address", ["supervisor"] = supervisorUser.ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var page = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync(ct));
        Assert.Contains("Give the staff member's email address", page);
        Assert.Contains("Choose at least one role.", page);
        Assert.Contains("id=\"invite-name-error\"", page);
        var taken = await admin.PostFormAsync("/admin/staff", "invite", new() { ["name"] = "Someone", ["email"] = Demo.ClinicianEmail }, [new("role", "clinician")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        Assert.Contains("already has an account", WebUtility.HtmlDecode(await taken.Content.ReadAsStringAsync(ct)));
        await using (var db = app.CreateDbContext())
            Assert.Equal((usersBefore, outboxBefore), (await db.Users.CountAsync(ct), await db.Outbox.CountAsync(ct)));

        var done = await admin.PostFormAsync("/admin/staff", "invite", new() { ["name"] = "Robin Lee", ["email"] = "robin@riverside.example", ["supervisor"] = supervisorUser.ToString() },
            [new("role", "clinician")]);
        Assert.Equal("/admin/staff?done=invited", StaffClient.Target(done));
        var list = WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/admin/staff", ct));
        Assert.Contains(">Robin Lee</a>", list);
        Assert.Contains("Invited, no password yet", list);
        await using (var db = app.CreateDbContext())
        {
            var robin = await db.Users.AsNoTracking().SingleAsync(u => u.Email == "robin@riverside.example", ct);
            var clinician = await db.Clinicians.AsNoTracking().SingleAsync(c => c.Id == robin.ClinicianId, ct);
            var supervisor = await db.Users.AsNoTracking().SingleAsync(u => u.Id == supervisorUser, ct);
            Assert.Equal(supervisor.ClinicianId, clinician.SupervisorId);
            Assert.Null(robin.PasswordHash);
            var mail = await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "robin@riverside.example", ct);
            Assert.Equal(OutboxKinds.StaffInvitation, mail.Kind);
            Assert.Contains("/account/set-password?user=", mail.Body);
            var invited = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "invite" && e.EntityId == robin.Id, ct);
            Assert.Equal($$$"""{"before":null,"after":{"roles":["clinician"],"supervisor":"{{{supervisor.ClinicianId}}}"}}""", invited.Detail);
        }
        // The detail is part of the hash chain: the trail still verifies.
        var verified = await CommandLine.RunAsync(["audit", "verify", .. app.DatabaseArguments]);
        Assert.True(verified.Exit == 0, verified.Out + verified.Err);
    }

    [Theory, AllDatabases]
    public async Task Deactivating_a_clinician_ends_their_sessions_and_their_api_clients_and_reactivating_lets_them_back(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var clinician = await Demo.ClinicianAsync(app);
        var system = await ApiSystem.SignInAsync(app, await ApiSystem.RegisterAsync(app, Demo.ClinicianEmail, ApiScopes.RestRead("goals")));
        Guid clinicianUser, alex;
        await using (var db = app.CreateDbContext())
        {
            clinicianUser = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.Id).SingleAsync(ct);
            alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(ct);
        }
        Assert.Equal(HttpStatusCode.OK, (await clinician.Http.GetAsync("/", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.GetAsync($"/api/v1/clients/{alex}/goals", ct)).StatusCode);

        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var member = WebUtility.HtmlDecode(await admin.Http.GetStringAsync($"/admin/staff/{clinicianUser}", ct));
        Assert.Contains("active clients: refer them", member);
        Assert.Equal($"/admin/staff/{clinicianUser}?done=deactivated", StaffClient.Target(await admin.PostFormAsync($"/admin/staff/{clinicianUser}", "deactivate", [])));

        // Signed out at once, on the page and through the API; and the password no longer signs in.
        var after = await clinician.Http.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", StaffClient.Target(after));
        Assert.Equal(HttpStatusCode.Forbidden, (await system.GetAsync($"/api/v1/clients/{alex}/goals", ct)).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Demo.ClinicianAsync(app));
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(0, await db.StaffSessions.CountAsync(s => s.UserId == clinicianUser, ct));
            var e = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "deactivate" && e.EntityId == clinicianUser, ct);
            Assert.Equal("""{"before":{"active":true},"after":{"active":false}}""", e.Detail);
        }
        // Deactivating again, or one's own account, or the last admin, is refused.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostFormAsync($"/admin/staff/{clinicianUser}", "deactivate", [])).StatusCode);
        Guid adminUser;
        await using (var db = app.CreateDbContext())
            adminUser = await db.Users.Where(u => u.Email == Demo.AdminEmail).Select(u => u.Id).SingleAsync(ct);
        var self = await admin.PostFormAsync($"/admin/staff/{adminUser}", "deactivate", []);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("your own account", WebUtility.HtmlDecode(await self.Content.ReadAsStringAsync(ct)));

        Assert.Equal($"/admin/staff/{clinicianUser}?done=reactivated", StaffClient.Target(await admin.PostFormAsync($"/admin/staff/{clinicianUser}", "reactivate", [])));
        var back = await Demo.ClinicianAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await back.Http.GetAsync("/", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.GetAsync($"/api/v1/clients/{alex}/goals", ct)).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task Roles_and_supervisors_change_with_the_rules_that_keep_the_clinic_running(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Guid adminUser, supervisorUser, clinicianUser;
        await using (var db = app.CreateDbContext())
        {
            adminUser = await db.Users.Where(u => u.Email == Demo.AdminEmail).Select(u => u.Id).SingleAsync(ct);
            supervisorUser = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.Id).SingleAsync(ct);
            clinicianUser = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.Id).SingleAsync(ct);
        }
        // The admin cannot drop their own admin role; the supervisor cannot stop supervising while they have supervisees.
        var own = await admin.PostFormAsync($"/admin/staff/{adminUser}", "roles", [], [new("role", "clinician")]);
        Assert.Equal(HttpStatusCode.Conflict, own.StatusCode);
        var supervising = await admin.PostFormAsync($"/admin/staff/{supervisorUser}", "roles", [], [new("role", "clinician")]);
        Assert.Equal(HttpStatusCode.Conflict, supervising.StatusCode);
        Assert.Contains("give them another supervisor first", WebUtility.HtmlDecode(await supervising.Content.ReadAsStringAsync(ct)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostFormAsync($"/admin/staff/{clinicianUser}", "roles", [], [new("role", "owner")])).StatusCode);

        // The clinician loses their supervisor; then the supervisor can be a clinician only.
        var signedIn = await Demo.ClinicianAsync(app);
        Assert.Equal($"/admin/staff/{clinicianUser}?done=supervisor", StaffClient.Target(await admin.PostFormAsync($"/admin/staff/{clinicianUser}", "supervisor", new() { ["supervisor"] = "" })));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"/admin/staff/{supervisorUser}", "roles", [], [new("role", "clinician")])).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostFormAsync($"/admin/staff/{clinicianUser}", "supervisor", new() { ["supervisor"] = supervisorUser.ToString() })).StatusCode);
        // A clinician made admin as well: signed out, and their next sign-in carries the new role.
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"/admin/staff/{clinicianUser}", "roles", [], [new("role", "clinician"), new("role", "admin")])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.Http.GetAsync("/", ct)).StatusCode);
        var both = await Demo.ClinicianAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await both.Http.GetAsync("/admin/staff", ct)).StatusCode);
        await using (var db = app.CreateDbContext())
        {
            var changes = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "change-roles" || e.Action == "assign-supervisor").OrderBy(e => e.Id).ToListAsync(ct);
            Assert.Equal(["assign-supervisor", "change-roles", "change-roles"], changes.Select(e => e.Action));
            Assert.Equal("""{"before":{"roles":["supervisor"]},"after":{"roles":["clinician"]}}""", changes[1].Detail);
            Assert.Equal("""{"before":{"roles":["clinician"]},"after":{"roles":["admin","clinician"]}}""", changes[2].Detail);
            Assert.Contains("\"after\":{\"supervisor\":null}", changes[0].Detail);
        }
        // A clinician is not an admin: the staff pages are closed to them (the sign-in's "access denied" page).
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        Assert.StartsWith("/denied", StaffClient.Target(await supervisor.Http.GetAsync("/admin/staff", ct)));
    }

    [Theory, AllDatabases]
    public async Task A_lost_second_factor_is_reset_by_an_admin_who_is_audited_and_the_member_is_told(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        await Authenticator.SetUpAsync(app, Demo.SupervisorEmail);
        Guid supervisorUser;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var user = (await users.FindByEmailAsync(Demo.SupervisorEmail))!;
            Assert.True(await users.GetTwoFactorEnabledAsync(user));
            supervisorUser = user.Id;
        }
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Assert.Contains("Active, second factor on", WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/admin/staff", ct)));
        Assert.Equal($"/admin/staff/{supervisorUser}?done=reset", StaffClient.Target(await admin.PostFormAsync($"/admin/staff/{supervisorUser}", "reset", [])));
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var user = (await users.FindByEmailAsync(Demo.SupervisorEmail))!;
            Assert.False(await users.GetTwoFactorEnabledAsync(user));
            Assert.Null(await users.GetAuthenticatorKeyAsync(user));
        }
        await using (var db = app.CreateDbContext())
        {
            Assert.Contains("second factor was reset", (await db.Outbox.AsNoTracking().SingleAsync(m => m.To == Demo.SupervisorEmail && m.Kind == OutboxKinds.Notice, ct)).Subject);
            Assert.Equal("""{"before":{"authenticator":true,"passkeys":0},"after":{"authenticator":false,"passkeys":0}}""",
                (await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "reset-second-factor" && e.EntityId == supervisorUser, ct)).Detail);
        }
        // Nothing left to reset: refused, and the password alone signs in again.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostFormAsync($"/admin/staff/{supervisorUser}", "reset", [])).StatusCode);
        var back = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        Assert.Equal(HttpStatusCode.OK, (await back.Http.GetAsync("/", ct)).StatusCode);
    }
}
