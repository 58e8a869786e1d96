using System.Globalization;
using System.Net;
using Attune.Core.Clinic;
using Attune.Web.Tests.Infrastructure;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.DataTransfer;

public class ClinicExportTests
{
    private static async Task<List<Dictionary<string, string>>> CsvAsync(HttpClient http, string kind)
    {
        var response = await http.GetAsync($"/admin/export/{kind}.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        using var reader = new StringReader(await response.Content.ReadAsStringAsync());
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var rows = new List<Dictionary<string, string>>();
        await csv.ReadAsync();
        csv.ReadHeader();
        while (await csv.ReadAsync())
            rows.Add(csv.HeaderRecord!.ToDictionary(h => h, h => csv.GetField(h) ?? ""));
        return rows;
    }

    [Theory, AllDatabases]
    public async Task The_admin_exports_the_clinics_clinicians_clients_sessions_and_scores_as_CSV(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var otherOrg = await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinician-2026");
        Guid org, alex, formula;
        int sessions, responses;
        await using (var db = app.CreateDbContext())
        {
            alex = await db.Clients.Where(c => c.DisplayName == "Alex M.").Select(c => c.Id).SingleAsync(ct);
            org = await db.Clients.Where(c => c.Id == alex).Select(c => c.OrganisationId).SingleAsync(ct);
            // A name a spreadsheet would run as a formula, and a client of another clinic.
            var hostile = new Client(org, "=HYPERLINK(\"http://evil.example\",\"x\")", app.Clock.GetUtcNow(), reference: "R-9");
            db.Clients.Add(hostile);
            db.Clients.Add(new Client(otherOrg, "Stranger Person", app.Clock.GetUtcNow()));
            await db.SaveChangesAsync(ct);
            formula = hostile.Id;
            var episodes = db.Relationships.Where(r => r.OrganisationId == org).Select(r => r.Id);
            sessions = await db.Sessions.CountAsync(s => episodes.Contains(s.RelationshipId), ct);
            responses = await db.Responses.CountAsync(r => episodes.Contains(r.RelationshipId), ct);
        }

        var clients = await CsvAsync(admin.Http, "clients");
        await using (var db = app.CreateDbContext())
            Assert.Equal(await db.Clients.CountAsync(c => c.OrganisationId == org, ct), clients.Count);
        var alexRow = clients.Single(r => r["client_id"] == alex.ToString());
        Assert.Equal(("Alex M.", Demo.ClinicianEmail, "Working"), (alexRow["name"], alexRow["clinician_email"], alexRow["phase"]));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", alexRow["opened_at"]);
        Assert.DoesNotContain(clients, r => r["name"] == "Stranger Person");
        // The formula is escaped so that a spreadsheet shows it as text.
        Assert.StartsWith("'=", clients.Single(r => r["client_id"] == formula.ToString())["name"]);

        var clinicians = await CsvAsync(admin.Http, "clinicians");
        var clinician = clinicians.Single(r => r["email"] == Demo.ClinicianEmail);
        Assert.Equal(Demo.SupervisorEmail, clinician["supervisor_email"]);
        Assert.Contains("clinician", clinician["roles"]);
        Assert.DoesNotContain(clinicians, r => r["email"] == "other@elsewhere.example");

        Assert.Equal(sessions, (await CsvAsync(admin.Http, "sessions")).Count);
        var scores = await CsvAsync(admin.Http, "scores");
        Assert.Equal(responses, scores.Count);
        // A PHQ-9 total is the sum of its answers (item 10, difficulty, is not scored).
        var phq = scores.First(r => r["instrument"] == "phq-9" && r["client_id"] == alex.ToString());
        var answers = phq["answers"].Split(';').Select(a => a.Split('=')).Where(a => a[0] != "10").Sum(a => decimal.Parse(a[1], CultureInfo.InvariantCulture));
        Assert.Equal(decimal.Parse(phq["score"], CultureInfo.InvariantCulture), answers);

        await using (var db = app.CreateDbContext())
        {
            var exports = await db.AuditEvents.Where(e => e.Action == "export" && e.ActorKind == "staff").ToListAsync(ct);
            Assert.Contains(exports, e => e.ClientId == alex && e.EntityType == "Client");
            Assert.Contains(exports, e => e.EntityType == "Clinician");
            Assert.DoesNotContain(exports, e => e.OrganisationId != org);
        }

        // Admins only, and only kinds that exist.
        var staff = await Demo.ClinicianAsync(app);
        Assert.Contains("/denied", StaffClient.Target(await staff.Http.GetAsync("/admin/export/clients.csv", ct)));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/admin/export/passwords.csv", ct)).StatusCode);
        var page = await admin.Http.GetStringAsync("/admin/data", ct);
        foreach (var kind in new[] { "clinicians", "clients", "sessions", "scores" })
            Assert.Contains($"/admin/export/{kind}.csv", page);
    }
}
