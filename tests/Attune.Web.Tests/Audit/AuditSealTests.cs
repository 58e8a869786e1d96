using System.Net;
using System.Text.Json;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Audit;

/// <summary>
/// Issue 22: an audit event, a read's or a change's, is recorded without taking the audit chain's turn (a transaction
/// holding its head): saved sealed with the Data Protection keys, in the transaction of what it records, outside the
/// chain, and given its place by a background pass. The seal is checked by verify and by the pass, so an event cannot
/// be forged, edited or replayed while it waits.
/// </summary>
public class AuditSealTests
{
    // The pass is slowed to a minute here so that the test sees the reads while they wait.
    private static readonly Dictionary<string, string> SlowPass = new() { ["Audit:ChainSeconds"] = "60" };

    [Theory, AllDatabases]
    public async Task A_read_is_saved_sealed_outside_the_chain_verified_while_it_waits_and_chained_in_order(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, SlowPass);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Sealed Reader");
        await app.ChainAuditAsync();
        var seal = app.Services.GetRequiredService<AuditSeal>();

        // Three reads of the client's page and one of the caseload: each saved at once, sealed, with no place yet.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync($"/clients/{clientId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync("/", ct)).StatusCode);
        await using (var db = app.CreateDbContext())
        {
            var waiting = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence == null).OrderBy(e => e.Id).ToListAsync(ct);
            Assert.Equal(["Client", "Client", "Client", "Caseload"], waiting.Select(e => e.EntityType));
            Assert.All(waiting, e => Assert.True(e.Action == "read" && e.Hash is null && seal.Holds(e)));
            var verified = await app.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync(db, ct: ct);
            Assert.True(verified.Intact, string.Join("; ", verified.Problems.Select(p => p.Message)));
            Assert.Equal(4, verified.Pending);
        }

        // The admin's trail lists them as waiting, and the check says how many wait with seals that hold.
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Assert.Contains("waiting</span>", await admin.Http.GetStringAsync("/admin/audit", ct));
        var check = await (await admin.PostFormAsync("/admin/audit", "verify-audit", [])).Content.ReadAsStringAsync(ct);
        var said = System.Text.RegularExpressions.Regex.Match(check, "Intact[^<]*").Value;
        Assert.Matches(@"^Intact: all \d+ events are in their places and match their hashes\. \d+ events are waiting for their places, with seals that hold\.$", said);
        await app.ChainAuditAsync();
        for (var i = 0; i < 3; i++)
            await staff.Http.GetAsync($"/clients/{clientId}", ct);
        await staff.Http.GetAsync("/", ct);

        // Someone with database access edits a waiting read, and slips in another with a seal copied from a real one.
        await using (var db = app.CreateDbContext())
        {
            var first = await db.AuditEvents.Where(e => e.Sequence == null).OrderBy(e => e.Id).Select(e => e.Id).FirstAsync(ct);
            await db.AuditEvents.Where(e => e.Id == first).ExecuteUpdateAsync(u => u.SetProperty(e => e.Action, "export"), ct);
            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO "AuditEvents" ("At", "OrganisationId", "ActorKind", "Action", "EntityType", "Seal") SELECT "At", "OrganisationId", 'staff', 'read', 'Goal', "Seal" FROM "AuditEvents" WHERE "Sequence" IS NULL AND "EntityType" = 'Caseload'""", ct);
        }
        var (exit, output, _) = await CommandLine.RunAsync(["audit", "verify", .. app.DatabaseArguments]);
        Assert.Equal(1, exit);
        Assert.Contains("2 event(s) are outside the chain", output);

        // The pass chains the three whose seals hold, in the order they were saved, and leaves the two for verify.
        Assert.Equal(3, await app.ChainAuditAsync());
        await using (var db = app.CreateDbContext())
        {
            var chained = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderBy(e => e.Sequence).ToListAsync(ct);
            Assert.Equal(["Client", "Client", "Caseload"], chained.TakeLast(3).Select(e => e.EntityType));
            Assert.True(chained.TakeLast(3).Select(e => e.Id).SequenceEqual(chained.TakeLast(3).Select(e => e.Id).Order()));
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.Sequence == null, ct));
            // Taken out, the rest verifies: the chain itself is whole.
            await db.AuditEvents.Where(e => e.Sequence == null).ExecuteDeleteAsync(ct);
        }
        var after = await CommandLine.RunAsync(["audit", "verify", .. app.DatabaseArguments]);
        Assert.True(after.Exit == 0, after.Out);
        Assert.Equal(0, JsonDocument.Parse(after.Out).RootElement.GetProperty("pending").GetInt32());
    }

    [Theory, AllDatabases]
    public async Task Reads_still_waiting_are_chained_when_the_app_stops(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, SlowPass);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync("/", ct)).StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.True(await db.AuditEvents.AnyAsync(e => e.Sequence == null, ct));

        await app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AuditChainer>().Single().StopAsync(ct);
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.AuditEvents.AnyAsync(e => e.Sequence == null, ct));
            Assert.True((await AuditChain.VerifyAsync(db, ct: ct)).Intact);
        }
    }

    /// <summary>
    /// On PostgreSQL the chaining pass holds the chain's turn (its advisory lock) while it gives a batch their places. A
    /// page read does not wait for it. (On SQLite every insert needs the file's one write lock, so a read's own insert
    /// still waits for a writer's transaction to end.)
    /// </summary>
    [Theory, AllDatabases]
    public async Task A_page_read_does_not_wait_for_a_writer_holding_the_chain(string provider)
    {
        if (provider != "postgres") return;
        await using var app = await AttuneFactory.StartAsync(provider, SlowPass);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Unhurried Reader");

        await using var holder = app.CreateDbContext();
        await using (var tx = await holder.Database.BeginTransactionAsync(ct))
        {
            await holder.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(71968425864805)", ct); // AuditChain's key, "Attune"
            using var soon = CancellationTokenSource.CreateLinkedTokenSource(ct);
            soon.CancelAfter(TimeSpan.FromSeconds(10));
            var page = await staff.Http.GetAsync($"/clients/{clientId}", soon.Token);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            await tx.RollbackAsync(ct);
        }
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.ClientId == clientId && e.Action == "read" && e.Sequence == null, ct));
    }

    /// <summary>
    /// A change's event is sealed too, in the same transaction as the change: a writer no longer waits for the chain's
    /// turn, which made every check-in in a clinic on PostgreSQL wait for every other (issue 22: 53 check-ins a second).
    /// </summary>
    [Theory, AllDatabases]
    public async Task A_change_is_saved_with_its_sealed_event_without_waiting_for_the_chain(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider, SlowPass);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        await app.ChainAuditAsync();
        var seal = app.Services.GetRequiredService<AuditSeal>();

        Guid clientId;
        await using (var holder = app.CreateDbContext())
        await using (var tx = await holder.Database.BeginTransactionAsync(ct))
        {
            // On PostgreSQL another holds the chain's turn meanwhile (AuditChain's advisory lock, "Attune"); on SQLite
            // a writer cannot run beside another, so there the change simply goes first.
            if (provider == "postgres")
                await holder.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(71968425864805)", ct);
            else
                await tx.RollbackAsync(ct);
            clientId = await Slice.AddClientAsync(staff, "Unwaiting Writer").WaitAsync(TimeSpan.FromSeconds(10), ct);
            if (provider == "postgres")
                await tx.RollbackAsync(ct);
        }

        await using (var db = app.CreateDbContext())
        {
            var created = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.ClientId == clientId && e.Action == "create" && e.EntityType == "Client", ct);
            Assert.True(created.Sequence is null && created.Hash is null && seal.Holds(created));
            Assert.True(await db.Clients.AnyAsync(c => c.Id == clientId, ct));
            // Edited while it waits, its seal no longer holds.
            created.Action = "read";
            Assert.False(seal.Holds(created));
        }
        Assert.True(await app.ChainAuditAsync() >= 1);
        await using (var db = app.CreateDbContext())
        {
            var created = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.ClientId == clientId && e.Action == "create" && e.EntityType == "Client", ct);
            Assert.NotNull(created.Sequence);
            var verified = await AuditChain.VerifyAsync(db, [], null, seal.Holds, ct);
            Assert.True(verified.Intact, string.Join("; ", verified.Problems.Select(p => p.Message)));
            Assert.Equal(0, verified.Pending);
        }
    }

    /// <summary>
    /// A new clinic's first events wait a moment for their places; once the chainer gives them, the head is signed at
    /// once, so that the checkpoint file exists from then on and verify does not report a missing one until the next
    /// checkpoint (Audit:CheckpointMinutes, 10). Seen as a user: a fresh demo's trail "tampered with" for ten minutes.
    /// </summary>
    [Theory, AllDatabases]
    public async Task A_new_clinics_first_chained_events_are_signed_at_once(string provider)
    {
        // A database of its own, seeded with the demo clinic as the app starts (its events all waiting).
        await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string> { ["Demo:Seed"] = "true" });
        var ct = TestContext.Current.CancellationToken;
        for (var waited = 0; waited < 200 && !File.Exists(app.AuditCheckpointFile); waited++)
            await Task.Delay(100, ct);
        Assert.True(File.Exists(app.AuditCheckpointFile), "no checkpoint written within 20 s of the first events");
        await using var db = app.CreateDbContext();
        var verified = await app.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync(db, ct: ct);
        Assert.True(verified.Intact, string.Join("; ", verified.Problems.Select(p => p.Message)));
        Assert.NotNull(verified.Checkpoint);
    }
}
