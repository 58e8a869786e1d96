using System.Net;
using System.Text.Json;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
        // Issue 22: the reads were saved sealed, without waiting for the chain; the pass gives them their places.
        await app.ChainAuditAsync();

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
        await app.ChainAuditAsync();

        var (exit, output, _) = await VerifyAsync(app);
        Assert.Equal(0, exit);
        var intact = JsonDocument.Parse(output).RootElement;
        Assert.True(intact.GetProperty("intact").GetBoolean());
        var head = intact.GetProperty("head").GetString()!;
        var count = intact.GetProperty("events").GetInt64();
        Assert.StartsWith($"{count}:", head);

        // Someone with database access makes an event look like something else…
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "Action" = 'export' WHERE "Sequence" = 3""", ct);
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

        // …and cuts the latest events off the end, after the last signed checkpoint, which only the head recorded
        // earlier shows.
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditEvents" WHERE "Sequence" >= {count - 1}""", ct);
        var truncated = await VerifyAsync(app, "--expect", head);
        Assert.Equal(1, truncated.Exit);
        Assert.Contains($"Event {count}, recorded earlier, is no longer in the trail", truncated.Out);

        var badAnchor = await VerifyAsync(app, "--expect", "3:not-a-hash");
        Assert.Equal(2, badAnchor.Exit);
        Assert.Contains("--expect must be", badAnchor.Err);
    }

    /// <summary>
    /// Issue 17: someone who can write the database deleted events, edited one, emptied every place and hash, and let
    /// Attune re-chain the lot at its next start; or re-hashed the chain themselves; or cut events off its end. Each is
    /// now caught by the signed checkpoints Attune keeps outside the database, without a head written down.
    /// </summary>
    [Theory, AllDatabases]
    public async Task Signed_checkpoints_outside_the_database_catch_a_laundered_a_rehashed_and_a_cut_trail(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AttuneFactory.StartAsync(provider);
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Anchored Person");
        for (var i = 0; i < 4; i++)
            await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        await app.ChainAuditAsync();
        // A checkpoint of the head now (Attune writes one at start, every ten minutes and at shutdown).
        await app.Services.GetRequiredService<Attune.Web.Features.Audit.AuditCheckpointWriter>().WriteAsync(ct);
        var intact = await VerifyAsync(app);
        Assert.True(intact.Exit == 0, intact.Out);
        var head = JsonDocument.Parse(intact.Out).RootElement.GetProperty("head").GetString()!;
        Assert.Equal(head, JsonDocument.Parse(intact.Out).RootElement.GetProperty("checkpoint").GetString());
        var count = long.Parse(head.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        var file = await File.ReadAllTextAsync(app.AuditCheckpointFile, ct);
        Assert.Contains($"\"sequence\":{count}", file);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(app.AuditCheckpointFile));

        // 1. Cut the last two events off the end: no --expect needed any more.
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditEvents" WHERE "Sequence" >= {count - 1}""", ct);
        var cut = await VerifyAsync(app);
        Assert.Equal(1, cut.Exit);
        Assert.Contains($"Event {count}, recorded earlier, is no longer in the trail", cut.Out);

        // 2. Re-hash: edit an event and recompute every hash after it, as anyone who has read AuditChain can.
        await using (var db = app.CreateDbContext())
        {
            // Straight to the table, as an attacker would (Attune's own context refuses to change an audit event).
            var events = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderBy(e => e.Sequence).ToListAsync(ct);
            events[2].Action = "export";
            var previous = AuditChain.Genesis;
            foreach (var e in events)
            {
                var hash = previous = AuditChain.HashOf(e, previous);
                await db.AuditEvents.Where(x => x.Id == e.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Action, e.Action).SetProperty(x => x.Hash, hash), ct);
            }
        }
        var rehashed = await VerifyAsync(app);
        Assert.Equal(1, rehashed.Exit);
        Assert.Contains("is not the one recorded earlier: the trail was rewritten", rehashed.Out);

        // 3. Launder: take every event out of the chain and start Attune again, which once re-chained them all.
        await using (var db = app.CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "Sequence" = NULL, "Hash" = NULL""", ct);
        await using (var restarted = app.StartAnotherInstance())
        {
            await using var db = restarted.CreateDbContext();
            Assert.Equal(0, await db.AuditEvents.CountAsync(e => e.Sequence != null, ct));
        }
        var laundered = await VerifyAsync(app);
        Assert.Equal(1, laundered.Exit);
        Assert.Contains("are outside the chain", laundered.Out);
        Assert.Contains("recorded earlier, is no longer in the trail", laundered.Out);
        // Attune signs nothing it has not verified: the file has no checkpoint of the laundered trail.
        Assert.Equal(file, await File.ReadAllTextAsync(app.AuditCheckpointFile, ct));

        // 4. A checkpoint line forged into the file (no key) is reported, not believed.
        await File.AppendAllTextAsync(app.AuditCheckpointFile, $$"""{"kind":"restore","sequence":1,"hash":"{{new string('a', 64)}}","at":"2026-11-02T09:00:00+00:00","signature":"AAAA"}""" + "\n", ct);
        var forged = await VerifyAsync(app);
        Assert.Equal(1, forged.Exit);
        Assert.Contains("audit key: the file was changed", forged.Out);

        // 5. Delete the checkpoint file itself.
        File.Delete(app.AuditCheckpointFile);
        var gone = await VerifyAsync(app);
        Assert.Equal(1, gone.Exit);
        Assert.Contains("There is no checkpoint file", gone.Out);
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

        // The filter form sends its dates as day, month and year, as they are shown; page links carry them as year-month-day.
        var today = app.Services.GetRequiredService<Attune.Web.Time.ClinicClock>().ToLocal(app.Clock.GetUtcNow()).Date;
        string Parts(string name, DateTime d) => $"{name}.day={d.Day}&{name}.month={d.Month}&{name}.year={d.Year}";
        Assert.Contains("1 event matches", await admin.Http.GetStringAsync($"/admin/audit?client={clientId}&action=read&{Parts("from", today)}&{Parts("to", today)}", ct));
        Assert.DoesNotContain("1 event matches", await admin.Http.GetStringAsync($"/admin/audit?client={clientId}&action=read&{Parts("from", today.AddDays(1))}", ct));
        Assert.Contains("1 event matches", await admin.Http.GetStringAsync($"/admin/audit?client={clientId}&action=read&{Parts("to", today.AddDays(1))}", ct));

        foreach (var bad in new[] { "from.day=31&from.month=2&from.year=2026", "to.day=1&to.month=&to.year=2026", "from=2026-13-40", "to=yesterday", "who=someone", "action=delete-everything", $"client={Guid.NewGuid()}", "page=0", "page=abc" })
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
