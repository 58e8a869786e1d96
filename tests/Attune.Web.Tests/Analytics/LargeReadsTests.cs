using Attune.Web.Database;

namespace Attune.Web.Tests.Analytics;

/// <summary>
/// The analytics' memory is given back after a read of a large clinic (issue 22, P4; measured in bench/, "Two nodes"):
/// a full collection is made at <see cref="LargeReads.Rows"/> rows and above, and none below, where it would stop every
/// request for nothing.
/// </summary>
public class LargeReadsTests
{
    [Fact]
    public async Task A_read_of_a_large_part_of_the_history_ends_with_a_full_collection_and_a_small_one_does_not()
    {
        var before = GC.CollectionCount(GC.MaxGeneration);
        Assert.False(await LargeReads.DoneAsync(LargeReads.Rows - 1));
        Assert.True(await LargeReads.DoneAsync(LargeReads.Rows));
        // Other tests of this process may make a full collection meanwhile, so at least one.
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > before);
    }
}
