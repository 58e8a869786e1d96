using System.Globalization;
using System.IO.Compression;
using System.Net;
using Attune.Core.Relationships;
using Attune.Data;
using Attune.Web.Features.Analytics;
using Attune.Web.Tests.Infrastructure;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Analytics;

/// <summary>Issue 20, point 4: the de-identified research export — random ids, shifted days, age bands, no free text, a data dictionary, audited, admin only.</summary>
public class ResearchExportTests
{
    private static async Task<Dictionary<string, string>> ReadZipAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        var files = new Dictionary<string, string>();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            files[entry.FullName] = await reader.ReadToEndAsync();
        }
        return files;
    }

    private static List<Dictionary<string, string>> Rows(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToList();
        return lines.Skip(1).Select(l => lines[0].Zip(l).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    [Theory, AllDatabases]
    public async Task The_admin_downloads_one_de_identified_row_per_closed_relationship_with_a_dictionary(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;

        // One client of the demo's history gets a date of birth: 40 on the day their relationship opened.
        Guid org, bornClient;
        DateOnly opened;
        List<string> identifying;
        var clock = app.Services.GetRequiredService<ClinicClock>();
        await using (var db = app.CreateDbContext())
        {
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
            var closed = await db.Relationships.Where(r => r.Phase == RelationshipPhase.Closed).ToListAsync(ct);
            var first = closed.OrderBy(r => r.Id).First();
            bornClient = first.ClientId;
            opened = DateOnly.FromDateTime(clock.ToLocal(first.OpenedAt));
            var client = await db.Clients.SingleAsync(c => c.Id == bornClient, ct);
            client.UpdateDetails(client.DisplayName, client.Pronouns, opened.AddYears(-40), client.Email, client.Phone, client.Reference, client.PreferredContact, DateOnly.FromDateTime(clock.ToLocal(app.Clock.GetUtcNow())));
            await db.SaveChangesAsync(ct);
            var clients = await db.Clients.Where(c => c.OrganisationId == org).ToListAsync(ct);
            identifying = [.. clients.Select(c => c.DisplayName), .. clients.Select(c => c.Email).OfType<string>(), .. clients.Select(c => c.Reference).OfType<string>(),
                .. clients.Select(c => c.Id.ToString()), .. closed.Select(r => r.Id.ToString()), .. closed.Select(r => r.ClinicianId.ToString()),
                .. await db.Clinicians.Select(c => c.DisplayName).ToListAsync(ct)];
        }

        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var files = await ReadZipAsync(await admin.Http.GetAsync("/admin/analytics/research-export.zip", ct));
        Assert.Equal(["README.txt", "analytics.R", "data-dictionary.csv", "relationships.csv"], files.Keys.Order(StringComparer.Ordinal));
        var rows = Rows(files["relationships.csv"]);
        Assert.Equal(30, rows.Count);
        var text = string.Join("\n", files.Values);
        foreach (var value in identifying.Where(v => v.Length > 3))
            Assert.DoesNotContain(value, text);

        // The dictionary names every column, in order, and nothing else.
        var dictionary = Rows(files["data-dictionary.csv"].Replace(", ", "; "));
        Assert.Equal(ResearchExport.Columns.Select(c => c.Name), dictionary.Select(d => d["column"]));
        Assert.Equal(ResearchExport.Columns.Select(c => c.Name), files["relationships.csv"].Split('\n')[0].TrimEnd('\r').Split(','));

        // Lengths hold, the days are shifted, the age is banded; ids are random and made afresh.
        await using (var db = app.CreateDbContext())
        {
            var closed = await db.Relationships.Where(r => r.Phase == RelationshipPhase.Closed).ToListAsync(ct);
            int Length(TherapeuticRelationship r) => DateOnly.FromDateTime(clock.ToLocal(r.ClosedAt!.Value)).DayNumber - DateOnly.FromDateTime(clock.ToLocal(r.OpenedAt)).DayNumber;
            Assert.Equal(closed.Select(Length).Order(), rows.Select(r => int.Parse(r["length_days"], CultureInfo.InvariantCulture)).Order());
        }
        var born = Assert.Single(rows, r => r["age_band"] != "unknown");
        Assert.Equal("35-44", born["age_band"]);
        var shift = DateOnly.ParseExact(born["opened_day"], "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber - opened.DayNumber;
        Assert.InRange(Math.Abs(shift), 1, ResearchExport.MaxShiftDays);
        Assert.All(rows, r => Assert.Matches("^C[0-9a-f]{10}$", r["case_id"]));
        Assert.Equal(30, rows.Select(r => r["case_id"]).Distinct().Count());
        var again = Rows((await ReadZipAsync(await admin.Http.GetAsync("/admin/analytics/research-export.zip", ct)))["relationships.csv"]);
        Assert.Empty(rows.Select(r => r["case_id"]).Intersect(again.Select(r => r["case_id"])));
        Assert.Empty(rows.Select(r => r["client_id"]).Intersect(again.Select(r => r["client_id"])));

        // The measures are those of the analytics: improvement is first − last, the flags follow from it.
        Assert.All(rows.Where(r => r["phq9_last"] != ""), r =>
        {
            var improvement = int.Parse(r["phq9_first"], CultureInfo.InvariantCulture) - int.Parse(r["phq9_last"], CultureInfo.InvariantCulture);
            Assert.Equal(improvement.ToString(CultureInfo.InvariantCulture), r["phq9_improvement"]);
            Assert.Equal(improvement >= 6 ? "1" : "0", r["reliably_improved"]);
        });

        // A range: the clinic's days, the last included; nothing closed in 2000.
        Assert.Empty(Rows((await ReadZipAsync(await admin.Http.GetAsync("/admin/analytics/research-export.zip?from=2000-01-01&to=2000-12-31", ct)))["relationships.csv"]));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/admin/analytics/research-export.zip?from=31/01/2026", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/admin/analytics/research-export.zip?from=2026-02-02&to=2026-02-01", ct)).StatusCode);

        // The admin's analytics page links to it with the page's range.
        var page = WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/analytics?from.day=1&from.month=1&from.year=2020", ct));
        Assert.Contains("href=\"/admin/analytics/research-export.zip?from=2020-01-01\"", page);

        // No one else: a supervisor is refused, and sees no link.
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        Assert.NotEqual(HttpStatusCode.OK, (await supervisor.Http.GetAsync("/admin/analytics/research-export.zip", ct)).StatusCode);
        Assert.DoesNotContain("research-export", await supervisor.Http.GetStringAsync("/analytics", ct));

        // Audited: each export, and each client whose rows left (three exports of 30 clients, one of none).
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.EntityType == "ResearchExport" && e.Action == "export", ct));
            Assert.Equal(60, await db.AuditEvents.CountAsync(e => e.EntityType == "Client" && e.Action == "export", ct));
        }
    }
}
