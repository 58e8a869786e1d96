using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Actions;

public static class SaveOrConflict
{
    /// <summary>
    /// Saves an action's changes; when a unique key or a concurrency token says another request changed the same record
    /// at the same moment, nothing of this one is kept and the action answers with a conflict in
    /// <paramref name="conflict"/>'s words.
    /// </summary>
    public static async Task<Refusal?> SaveOrConflictAsync(this AttuneDbContext db, string conflict, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Refusal.Conflict(conflict);
        }
    }
}
