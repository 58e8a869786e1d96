namespace Attune.Web.Actions;

/// <summary>What became of an action: done, or one of the four ways it changed nothing.</summary>
public enum Outcome
{
    Ok,
    /// <summary>No such record, or not the caller's to see: the two look the same.</summary>
    NotFound,
    /// <summary>The caller may see the record but not change it.</summary>
    Forbidden,
    /// <summary>What was sent is not acceptable; <see cref="Refusal.Field"/> names the field.</summary>
    Invalid,
    /// <summary>A well-formed change the record's current state does not allow (its own rules said no).</summary>
    Conflict,
}

/// <summary>One thing wrong with what was sent: the field, and what is wrong with it.</summary>
public sealed record FieldProblem(string Field, string Message);

/// <summary>Why an action changed nothing, in words safe to show the person who asked (no clinical text).</summary>
public sealed record Refusal(Outcome Outcome, string Message, string? Field = null)
{
    /// <summary>For an invalid input, everything wrong with it (the first is <see cref="Field"/> and <see cref="Message"/>).</summary>
    public IReadOnlyList<FieldProblem> Problems { get; private init; } = Field is null ? [] : [new FieldProblem(Field, Message)];

    public static Refusal NotFound(string what) => new(Outcome.NotFound, $"There is no such {what}, or it is not yours to see.");
    public static Refusal Forbidden(string message) => new(Outcome.Forbidden, message);
    public static Refusal Invalid(string field, string message) => new(Outcome.Invalid, message, field);
    public static Refusal Conflict(string reason) => new(Outcome.Conflict, reason);

    /// <summary>An input with several things wrong, told all at once (for a system sending a whole resource).</summary>
    public static Refusal Invalid(IReadOnlyList<FieldProblem> problems) =>
        new(Outcome.Invalid, problems[0].Message, problems[0].Field) { Problems = problems };

    /// <summary>A domain rule said no: about a field it names, the input is invalid; otherwise the record's state conflicts.</summary>
    public static Refusal From(Core.DomainRuleException e) => e.Field is { } field ? Invalid(field, e.Message) : Conflict(e.Message);
}

/// <summary>
/// The small result every action returns: the value it made or changed, or the <see cref="Refusal"/>. Each channel
/// maps it once: pages to 403/404/409/422 with the message beside the field, REST to problem details, FHIR to an
/// OperationOutcome.
/// </summary>
public readonly struct ActionResult<T>
{
    private ActionResult(T? value, Refusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    public T? Value { get; }
    public Refusal? Refusal { get; }
    public bool Succeeded => Refusal is null;
    public Outcome Outcome => Refusal?.Outcome ?? Outcome.Ok;

    public static implicit operator ActionResult<T>(T value) => new(value, null);
    public static implicit operator ActionResult<T>(Refusal refusal) => new(default, refusal);
}
