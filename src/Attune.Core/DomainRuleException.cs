namespace Attune.Core;

/// <summary>A request that breaks a domain rule (a refused phase change, a bad value). Its message is safe to show a user.</summary>
public sealed class DomainRuleException(string message) : Exception(message);
