namespace Attune.Web.Database;

/// <summary>
/// Memory after a read of a large part of the clinic's history. The analytics of a clinic of 100,000 closed
/// relationships read 1.5 million sessions and 3 million scores into memory for a few seconds; once the figures are
/// made those rows are garbage, but the collector keeps the memory they took until its next full collection, which a
/// server making mostly small, short-lived objects may not reach for hours: a node that had shown the analytics page of
/// such a clinic twice held 885–908 MiB, against 313–323 MiB before (bench/README.md, "Two nodes"; 594–603 MiB with
/// this). A read that large ends with a full, compacting collection that gives the freed memory back to the system.
/// Not below <see cref="Rows"/>: a full collection
/// stops every request for as long as it takes (tens of milliseconds with this app's own objects), which is worth it
/// only after a read that itself took seconds.
/// </summary>
public static class LargeReads
{
    /// <summary>The rows a read must have held for its end to be worth a full collection.</summary>
    public const long Rows = 250_000;

    /// <summary>Call when the rows of a read are no longer reachable (after the method that held them has returned).</summary>
    /// <returns>Whether a collection was made.</returns>
    public static bool Done(long rows)
    {
        if (rows < Rows)
            return false;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return true;
    }
}
