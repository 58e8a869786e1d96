namespace Attune.Core;

/// <summary>
/// A request that breaks a domain rule (a refused phase change, a bad value). Its message is safe to show a user.
/// <see cref="Field"/> names the input the rule is about when the input itself is what is wrong (an action that is
/// invalid); without it, the record's current state is what says no (a conflict).
/// </summary>
public sealed class DomainRuleException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}
