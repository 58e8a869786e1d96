using System.Net;
using Attune.Core.Relationships;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Clients;

/// <summary>
/// Issue 18, point 2: closed clients could not be found (re-engaging Alex M. took typing his URL). Now every client the
/// viewer may reach is in a list, searched by name or reference and filtered by status, phase and clinician.
/// </summary>
public class ClientListTests
{
    [Theory, AllDatabases]
    public async Task Every_client_can_be_found_past_ones_included_and_only_ones_the_viewer_may_see(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        // A past client: ended before today (closed as an ending would close it).
        var closedId = await Slice.AddClientAsync(staff, "Pat Past");
        const string closedName = "Pat Past";
        int mine, closedMine;
        await using (var db = app.CreateDbContext())
        {
            await db.Relationships.Where(r => r.ClientId == closedId)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Phase, RelationshipPhase.Closed).SetProperty(r => r.ClosedAt, app.Clock.GetUtcNow()), ct);
            var me = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            var current = (await db.Relationships.Where(r => r.ClinicianId == me).ToListAsync(ct)).GroupBy(r => r.ClientId)
                .Select(g => g.OrderByDescending(r => r.ClosedAt == null).ThenByDescending(r => r.OpenedAt).First()).ToList();
            mine = current.Count;
            closedMine = current.Count(r => r.ClosedAt != null);
        }
        Assert.True(closedMine > 0, "The demo clinic has past clients.");

        // The menu leads to the list; by default it shows active clients, and a past client is found by name.
        Assert.Contains("href=\"/clients\"", await staff.Http.GetStringAsync("/", ct));
        var active = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/clients", ct));
        Assert.Contains($"{mine - closedMine} clients", active);
        Assert.DoesNotContain($"/clients/{closedId}\"", active);
        var all = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/clients?status=all", ct));
        Assert.Contains($"{mine} clients", all);
        var closedList = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/clients?status=closed", ct));
        Assert.Contains($"{closedMine} client{(closedMine == 1 ? "" : "s")}", closedList);
        var found = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients?status=all&q={Uri.EscapeDataString(closedName.ToUpperInvariant())}", ct));
        Assert.Contains($"/clients/{closedId}\"", found);
        Assert.Contains("Closed", found);
        // By reference, and by phase.
        var referenced = await Slice.AddClientAsync(staff, "Ria Reference");
        await using (var db = app.CreateDbContext())
            await db.Clients.Where(c => c.Id == referenced).ExecuteUpdateAsync(u => u.SetProperty(c => c.Reference, "MRN-77812"), ct);
        var byReference = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/clients?q=mrn-778", ct));
        Assert.Contains("1 client", byReference);
        Assert.Contains("Ria Reference", byReference);
        var intake = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients?phase={RelationshipPhase.Intake}", ct));
        Assert.Contains("Ria Reference", intake);
        Assert.DoesNotContain("Alex M.", intake); // Alex is in the working phase
        // Nonsense filters are read as no filter, never an error.
        Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync("/clients?status=banana&phase=7&clinician=nope&page=-3", ct)).StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.True(await db.AuditEvents.AnyAsync(e => e.EntityType == "ClientList" && e.Action == "read", ct));

        // Another clinic sees none of them; a supervisor can filter by clinician.
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password-2026");
        var other = await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password-2026");
        var theirs = WebUtility.HtmlDecode(await other.Http.GetStringAsync("/clients?status=all", ct));
        Assert.Contains("0 clients", theirs);
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var supervised = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync("/clients?status=all", ct));
        Assert.Contains("<label for=\"clinician\">Clinician</label>", supervised);
        Assert.Contains("Ria Reference", supervised);
        // The admin's menu has no caseload, client list or "Add client": they cannot use them.
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var adminPage = await admin.Http.GetStringAsync("/admin/audit", ct);
        Assert.DoesNotContain("href=\"/clients/new\"", adminPage);
        Assert.DoesNotContain("href=\"/clients\"", adminPage);
        Assert.DoesNotContain(">Caseload</a>", adminPage);
        Assert.Contains("<a href=\"/admin/staff\">Staff</a>", adminPage);
    }
    /// <summary>
    /// Issue 22: the list is filtered, sorted by name and paged in the database, each client by their current episode.
    /// Sixty more clients make two pages; Élodie, with two episodes, is listed once.
    /// </summary>
    [Theory, AllDatabases]
    public async Task The_list_is_paged_by_name_each_client_once_by_their_current_episode_and_found_whatever_the_case(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        Guid returning;
        await using (var db = app.CreateDbContext())
        {
            var me = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).SingleAsync(ct);
            var now = app.Clock.GetUtcNow();
            for (var i = 0; i < 60; i++)
            {
                var client = new Core.Clinic.Client(me.OrganisationId, $"Zz Paged {i:00}", now);
                db.Clients.Add(client);
                db.Relationships.Add(new TherapeuticRelationship(me.OrganisationId, client.Id, me.ClinicianId!.Value, now.AddDays(-i)));
            }
            // Élodie: the episode she is in, opened long ago, and a later one that has ended: the open one is her current one.
            var elodie = new Core.Clinic.Client(me.OrganisationId, "Élodie Núñez", now);
            returning = elodie.Id;
            db.Clients.Add(elodie);
            db.Relationships.Add(new TherapeuticRelationship(me.OrganisationId, elodie.Id, me.ClinicianId!.Value, now.AddDays(-400)));
            var later = new TherapeuticRelationship(me.OrganisationId, elodie.Id, me.ClinicianId!.Value, now.AddDays(-100));
            db.Relationships.Add(later);
            await db.SaveChangesAsync(ct);
            await db.Relationships.Where(r => r.Id == later.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Phase, RelationshipPhase.Closed).SetProperty(r => r.ClosedAt, now.AddDays(-50)), ct);
        }

        // Whatever the case of the letters typed, accented ones too: once, active, with both episodes counted.
        foreach (var typed in new[] { "élodie", "ÉLODIE", "NÚÑEZ", "lodie" })
        {
            var found = WebUtility.HtmlDecode(await staff.Http.GetStringAsync($"/clients?status=all&q={Uri.EscapeDataString(typed)}", ct));
            Assert.Contains("1 client.", found);
            Assert.Matches(new System.Text.RegularExpressions.Regex($@"<a href=""/clients/{returning}"">Élodie Núñez</a></th>((?!</tr>).)*Intake((?!</tr>).)*<td>2</td>\s*</tr>",
                System.Text.RegularExpressions.RegexOptions.Singleline), found);
        }
        Assert.DoesNotContain("Élodie", WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/clients?status=closed&q=lodie", ct)));

        // Two pages of the "Zz Paged" clients, in name order, none twice and none left out.
        var first = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/clients?q=zz%20PAGED", ct));
        Assert.Contains("60 clients, page 1 of 2", first);
        var second = WebUtility.HtmlDecode(await staff.Http.GetStringAsync("/clients?q=zz%20PAGED&page=2", ct));
        Assert.Contains("60 clients, page 2 of 2", second);
        var names = System.Text.RegularExpressions.Regex.Matches(first + second, @"Zz Paged (\d\d)</a>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i.ToString("00")).ToList(), names);
    }
}
