using Attune.Core.Notes;

namespace Attune.Core.Tests;

public class SessionNoteTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_edit_adds_a_version_and_keeps_the_earlier_ones()
    {
        var author = Guid.NewGuid();
        var note = new SessionNote(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "cipher-1", sharedWithSupervisor: false, author, T0);
        Assert.Equal((1, "cipher-1"), (note.Current.Number, note.Current.ProtectedText));
        note.Revise("cipher-2", sharedWithSupervisor: true, author, T0.AddHours(1));
        Assert.Equal([1, 2], note.Versions.Select(v => v.Number));
        Assert.Equal("cipher-1", note.Versions[0].ProtectedText);
        Assert.Equal((2, "cipher-2", T0.AddHours(1)), (note.Current.Number, note.Current.ProtectedText, note.Current.At));
        Assert.True(note.SharedWithSupervisor);
        Assert.Throws<DomainRuleException>(() => note.Revise("  ", false, author, T0.AddHours(2)));
        Assert.Equal(2, note.Versions.Count);
    }
}
