using System.Net;
using Attune.Core.Clinic;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Clients;

public class AccessTests
{
    [Theory, AllDatabases]
    public async Task A_clinician_of_another_organisation_sees_nothing(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Private Person");

        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password");
        var other = await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password");
        var response = await other.Http.GetAsync($"/clients/{clientId}", ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var notFound = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("Page not found", notFound);
        Assert.DoesNotContain("Private Person", notFound);
        // A client that does not exist gets the very same answer.
        var missing = await other.Http.GetAsync($"/clients/{Guid.NewGuid()}", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var caseload = await other.Http.GetStringAsync("/", ct);
        Assert.DoesNotContain("Private Person", caseload);
        Assert.DoesNotContain("Alex M.", caseload);

        // Posting a form at the client's page changes nothing either.
        var sessions = await CountSessionsAsync(app, clientId);
        var html = await other.Http.GetStringAsync("/clients/new", ct);
        var post = await other.PostFormFromHtmlAsync($"/clients/{clientId}", html, "session", Slice.SessionForm("2026-11-02T10:00"));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(sessions, await CountSessionsAsync(app, clientId));
    }

    [Theory, AllDatabases]
    public async Task A_supervisor_reads_a_supervisees_client_but_cannot_change_it(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Supervised Person");

        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var page = await supervisor.Http.GetAsync($"/clients/{clientId}", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(ct);
        Assert.Contains("Supervised Person", html);
        Assert.DoesNotContain("Record session", html);

        var post = await supervisor.PostFormFromHtmlAsync($"/clients/{clientId}", html.Contains("__RequestVerificationToken") ? html : await supervisor.Http.GetStringAsync("/clients/new", ct), "session", Slice.SessionForm("2026-11-02T10:00"));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(0, await CountSessionsAsync(app, clientId));
    }

    [Theory, AllDatabases]
    public async Task An_admin_has_no_caseload_and_cannot_open_client_records(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Admin Cannot See");
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Assert.Contains("has no caseload", await admin.Http.GetStringAsync("/", ct));
        var response = await admin.Http.GetAsync($"/clients/{clientId}", ct);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Admin Cannot See", await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task<int> CountSessionsAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var ids = db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id);
        return await db.Sessions.CountAsync(s => ids.Contains(s.RelationshipId));
    }
}
