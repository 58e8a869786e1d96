using System.Net;
using System.Text.Json;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Audit;

/// <summary>The hash-chained audit trail: written with each change, in order under concurrent writers, and any tampering found.</summary>
public class AuditTrailTests
{
    [Theory, AllDatabases]
    public async Task Concurrent_writers_extend_one_unbroken_chain(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Chain Person");
        var before = await CountAsync(app);

        // Twenty page reads at once, each writing its read event: no fork, no failed request, no gap.
        var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => staff.Http.GetAsync($"/clients/{clientId}", ct)));
        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await using var db = app.CreateDbContext();
        var places = await db.AuditEvents.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync(ct);
        Assert.Equal(Enumerable.Range(1, places.Count).Select(i => (long?)i), places);
        Assert.True(places.Count >= before + 20);
        Assert.Equal(20, await db.AuditEvents.CountAsync(e => e.ClientId == clientId && e.Action == "read" && e.EntityType == "Client", ct));
        var result = await AuditChain.VerifyAsync(db, ct: ct);
        Assert.True(result.Intact, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(places.Count, result.Events);
    }

    [Theory, AllDatabases]
    public async Task Verify_finds_an_edited_a_deleted_an_inserted_and_a_truncated_event(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Tamper Person");
        for (var i = 0; i < 5; i++)
            await staff.Http.GetStringAsync($"/clients/{clientId}", ct);

        var (exit, output, _) = await VerifyAsync(app);
        Assert.Equal(0, exit);
        var intact = JsonDocument.Parse(output).RootElement;
        Assert.True(intact.GetProperty("intact").GetBoolean());
        var head = intact.GetProperty("head").GetString()!;
        var count = intact.GetProperty("events").GetInt64();
        Assert.StartsWith($"{count}:", head);

        // Someone with database access makes a read look like something else…
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "Action" = 'create' WHERE "Sequence" = 3""", ct);
        var edited = await VerifyAsync(app);
        Assert.Equal(1, edited.Exit);
        Assert.Contains("Event 3 does not match its hash", edited.Out);

        // …removes the trace of a read…
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEvents" WHERE "Sequence" = 5""", ct);
        var deleted = await VerifyAsync(app);
        Assert.Contains("Event 5 is missing", deleted.Out);

        // …slips in an event that never happened…
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO "AuditEvents" ("At", "OrganisationId", "ActorKind", "Action", "EntityType") SELECT "At", "OrganisationId", 'staff', 'read', 'Client' FROM "AuditEvents" WHERE "Sequence" = 1""", ct);
        var inserted = await VerifyAsync(app);
        Assert.Contains("1 event(s) are outside the chain", inserted.Out);

        // …and cuts the latest events off the end, which only the head recorded earlier shows.
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditEvents" WHERE "Sequence" >= {count - 1}""", ct);
        var truncated = await VerifyAsync(app, "--expect", head);
        Assert.Equal(1, truncated.Exit);
        Assert.Contains($"Event {count}, recorded earlier, is no longer in the trail", truncated.Out);

        var badAnchor = await VerifyAsync(app, "--expect", "3:not-a-hash");
        Assert.Equal(2, badAnchor.Exit);
        Assert.Contains("--expect must be", badAnchor.Err);
    }

    [Theory, AllDatabases]
    public async Task Admins_see_their_clinics_trail_with_filters_and_can_verify_it(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Audited Person");
        await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password");
        var other = await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password");
        await other.Http.GetStringAsync("/", ct);

        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var page = await admin.Http.GetStringAsync($"/admin/audit?client={clientId}&action=read", ct);
        Assert.Contains("Audited Person", page);
        Assert.Contains("1 event matches", page);
        Assert.Contains("Sam Rivera", page);
        // The other clinic's events are not listed, not even in the choices.
        Assert.DoesNotContain("elsewhere", page);

        var all = await admin.Http.GetStringAsync("/admin/audit", ct);
        await using (var db = app.CreateDbContext())
        {
            var org = await db.Clients.Where(c => c.Id == clientId).Select(c => c.OrganisationId).SingleAsync(ct);
            var mine = await db.AuditEvents.CountAsync(e => e.OrganisationId == org, ct);
            // The page counts what was there when it loaded; its own read is saved after.
            Assert.Contains($"{mine - 1} events match", all);
        }

        foreach (var bad in new[] { "from=2026-13-40", "to=yesterday", "who=someone", "action=delete-everything", $"client={Guid.NewGuid()}", "page=0", "page=abc" })
        {
            var response = await admin.Http.GetAsync($"/admin/audit?{bad}", ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("role=\"alert\"", await response.Content.ReadAsStringAsync(ct));
        }

        var verified = await admin.PostFormAsync("/admin/audit", "verify-audit", []);
        var html = await verified.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Contains("Intact: all", html);

        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "ClientId" = NULL WHERE "Sequence" = 2""", ct);
        var broken = await (await admin.PostFormAsync("/admin/audit", "verify-audit", [])).Content.ReadAsStringAsync(ct);
        Assert.Contains("Event 2 does not match its hash", broken);

        // Clinicians do not read the trail.
        var denied = await staff.Http.GetAsync("/admin/audit", ct);
        Assert.NotEqual(HttpStatusCode.OK, denied.StatusCode);
    }

    private static async Task<long> CountAsync(AttuneFactory app)
    {
        await using var db = app.CreateDbContext();
        return await db.AuditEvents.LongCountAsync();
    }

    private static Task<(int Exit, string Out, string Err)> VerifyAsync(AttuneFactory app, params string[] extra) =>
        CommandLine.RunAsync(["audit", "verify", .. extra, .. app.DatabaseArguments]);
}
