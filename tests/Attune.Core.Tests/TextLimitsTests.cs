using Attune.Core;
using Attune.Core.Relationships;

namespace Attune.Core.Tests;

public class TextLimitsTests
{
    [Fact]
    public void Plain_text_is_trimmed_and_held_to_its_limit_counted_in_characters()
    {
        Assert.Equal(("Goals met", null), TextLimits.Check("  Goals met ", TextLimits.PhaseReason, required: true, "the reason"));
        Assert.Equal((null, null), TextLimits.Check("   ", TextLimits.AlertNote, required: false, "the note"));
        Assert.StartsWith("Give the reason", TextLimits.Check(" ", TextLimits.PhaseReason, required: true, "the reason").Problem);
        var atLimit = new string('é', TextLimits.PhaseReason);
        Assert.Equal(atLimit, TextLimits.Check(atLimit, TextLimits.PhaseReason, required: true, "the reason").Text);
        var over = TextLimits.Check(atLimit + "é", TextLimits.PhaseReason, required: true, "the reason");
        Assert.Null(over.Text);
        Assert.Equal($"Keep the reason to {TextLimits.PhaseReason} characters (it has {TextLimits.PhaseReason + 1}).", over.Problem);
    }

    [Fact]
    public void The_domain_checks_encrypted_text_only_for_being_there_never_its_length()
    {
        // A 500-character reason in four-byte characters encrypts to far more than 500 characters of cipher text: the
        // limit is the caller's, on the plain text; the relationship only needs the cipher text to be there.
        var r = new TherapeuticRelationship(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        r.MoveTo(RelationshipPhase.Working, new string('c', 12_000), r.OpenedAt.AddDays(7));
        Assert.Equal(RelationshipPhase.Working, r.Phase);
        var e = Assert.Throws<DomainRuleException>(() => r.MoveTo(RelationshipPhase.Termination, " ", r.OpenedAt.AddDays(8)));
        Assert.Equal("reason", e.Field);
    }
}
