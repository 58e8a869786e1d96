namespace Attune.Web.Database;

/// <summary>
/// Memory after a read of a large part of the clinic's history. The analytics of a clinic of 100,000 closed
/// relationships read 1.5 million sessions and 3 million scores into memory for a few seconds; once the figures are
/// made those rows are garbage, but the collector keeps the memory they took until its next full collection, which a
/// server making mostly small, short-lived objects may not reach for hours: a node that had shown the analytics page of
/// such a clinic twice held 885–908 MiB, against 313–323 MiB before (bench/README.md, "Two nodes"). A read that large
/// ends with a full, compacting collection that gives the freed memory back to the system. Not below
/// <see cref="Rows"/>: a full collection stops every request for as long as it takes (tens of milliseconds with this
/// app's own objects), which is worth it only after a read that itself took seconds.
/// </summary>
public static class LargeReads
{
    /// <summary>The rows a read must have held for its end to be worth a full collection.</summary>
    public const long Rows = 250_000;

    /// <summary>
    /// Call when the rows of a read are no longer reachable (after the method that held them has returned). The
    /// collection is made after a short wait on another turn of the thread pool: a caller that awaited the read may be
    /// running inline on the stack of the code that finished it, whose frames (unoptimised code, as a page seldom asked
    /// for runs, reports every local of a frame as live until it returns) still held the rows when the collection ran
    /// at once, so it freed nothing (seen on the 1.5 M-session clinic: 344 MB of the read's rows still live after it).
    /// </summary>
    /// <returns>Whether a collection was made.</returns>
    public static async Task<bool> DoneAsync(long rows)
    {
        if (rows < Rows)
            return false;
        await Task.Delay(Unwind).ConfigureAwait(false);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return true;
    }

    /// <summary>How long the collection waits for the stack that made the read to unwind.</summary>
    private static readonly TimeSpan Unwind = TimeSpan.FromMilliseconds(20);
}
