using Attune.Data;
using Attune.Web.Database;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Database;

/// <summary>
/// Issue 22: SQLite's writers take turns in the process (<see cref="SqliteWriteGate"/>) instead of sleeping on the busy
/// lock. Every writer gets its turn and every way out of a write gives the turn back; readers never wait for it.
/// </summary>
public class SqliteWriteGateTests
{
    [Fact]
    public async Task Writers_take_turns_readers_do_not_wait_and_every_way_out_of_a_write_gives_the_turn_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("attune-gate-").FullName;
        var file = Path.Combine(dir, "attune.db");
        AttuneDbContext Open() => SqliteContext.Open(file);
        AuditEvent Event(string action) => new()
        {
            At = DateTimeOffset.UtcNow, OrganisationId = Guid.NewGuid(), ActorKind = "system", Action = action, EntityType = "Test",
        };
        try
        {
            await using (var db = Open()) await DatabaseSetup.MigrateAsync(db, ct);

            // Forty writers at once, each chaining an audit event in its own transaction: all saved, the chain whole.
            await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
            {
                await using var db = Open();
                db.AuditEvents.Add(Event($"write {i}"));
                await db.SaveChangesAsync(ct);
            }));
            await using (var db = Open())
            {
                var chain = await AuditChain.VerifyAsync(db, ct: ct);
                Assert.True(chain.Intact);
                Assert.Equal(40, chain.Events);
            }
            Assert.False(SqliteWriteGate.IsHeld(file));

            // A writer holding its turn: a reader goes on; a second writer waits for the turn and then saves.
            await using (var holder = Open())
            {
                var tx = await holder.Database.BeginTransactionAsync(ct);
                Assert.True(SqliteWriteGate.IsHeld(file));
                await using (var reader = Open())
                    Assert.Equal(40, await reader.AuditEvents.CountAsync(ct).WaitAsync(TimeSpan.FromSeconds(20), ct));
                await using var second = Open();
                second.AuditEvents.Add(Event("waited"));
                var waiting = second.SaveChangesAsync(ct);
                await Task.Delay(200, ct);
                Assert.False(waiting.IsCompleted);
                holder.AuditEvents.Add(Event("held"));
                await holder.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                await waiting.WaitAsync(TimeSpan.FromSeconds(20), ct);
                await tx.DisposeAsync();
            }
            Assert.False(SqliteWriteGate.IsHeld(file));

            // Rolled back; disposed without commit or rollback; a write that fails outside a transaction: each gives it back.
            await using (var db = Open())
            {
                await using (var tx = await db.Database.BeginTransactionAsync(ct))
                    await tx.RollbackAsync(ct);
                Assert.False(SqliteWriteGate.IsHeld(file));
                await using (await db.Database.BeginTransactionAsync(ct))
                    Assert.True(SqliteWriteGate.IsHeld(file));
                Assert.False(SqliteWriteGate.IsHeld(file));
                await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("INSERT INTO \"NoSuchTable\" VALUES (1);", ct));
                Assert.False(SqliteWriteGate.IsHeld(file));
                await db.Database.ExecuteSqlRawAsync("DELETE FROM \"AspNetUsers\" WHERE 0;", ct);
                Assert.False(SqliteWriteGate.IsHeld(file));
            }
            await using (var db = Open())
                Assert.Equal(42, await db.AuditEvents.CountAsync(ct));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
