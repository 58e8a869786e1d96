namespace Attune.Core.Instruments;

/// <summary>Checks that a definition is internally consistent, so a clinic's own instrument fails loudly at load, not at scoring.</summary>
public static class InstrumentValidator
{
    public static IReadOnlyList<string> Validate(InstrumentDefinition d)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(d.Id) || !d.Id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            problems.Add("id must be letters, digits and hyphens");
        if (d.Items.Count == 0)
            problems.Add("it has no items");
        foreach (var dup in d.Items.GroupBy(i => i.Id).Where(g => g.Count() > 1))
            problems.Add($"item id '{dup.Key}' is used twice");

        foreach (var item in d.Items)
        {
            switch (item.Kind)
            {
                case ItemKind.Choice when item.ResponseSet is null || !d.ResponseSets.ContainsKey(item.ResponseSet):
                    problems.Add($"item '{item.Id}' names no known response set");
                    break;
                case ItemKind.Choice when d.OptionsFor(item).Select(o => o.Value).Distinct().Count() != d.OptionsFor(item).Count:
                    problems.Add($"item '{item.Id}' has answer options with the same value");
                    break;
                case ItemKind.Scale when item.Min is null || item.Max is null || item.Min >= item.Max:
                    problems.Add($"scale item '{item.Id}' needs min below max");
                    break;
                case ItemKind.Scale when item.Step is { } step && step <= 0:
                    problems.Add($"scale item '{item.Id}' needs a positive step");
                    break;
                case ItemKind.Text when item.Scored:
                    problems.Add($"text item '{item.Id}' cannot be scored");
                    break;
            }
            if (item.Critical is not null && item.Kind == ItemKind.Text)
                problems.Add($"text item '{item.Id}' cannot be critical");
        }

        var scored = d.ScoredItems.ToList();
        if (scored.Count == 0)
            problems.Add("it has no scored items");
        if (d.Scoring.MaxMissing < 0 || d.Scoring.MaxMissing >= Math.Max(1, scored.Count))
            problems.Add("maxMissing must leave at least one answered item");
        if (d.Scoring.Min >= d.Scoring.Max)
            problems.Add("scoring min must be below max");
        if (d.Scoring.Decimals is < 0 or > 4)
            problems.Add("decimals must be 0 to 4");

        foreach (var s in d.Subscales)
            foreach (var id in s.Items.Where(id => scored.All(i => i.Id != id)))
                problems.Add($"subscale '{s.Id}' names '{id}', which is not a scored item");

        foreach (var b in d.Bands)
        {
            if (b.Min > b.Max) problems.Add($"band '{b.Label}' has min above max");
            if (b.Min < d.Scoring.Min || b.Max > d.Scoring.Max) problems.Add($"band '{b.Label}' lies outside the score range");
        }
        var ordered = d.Bands.OrderBy(b => b.Min).ToList();
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i].Min <= ordered[i - 1].Max)
                problems.Add($"bands '{ordered[i - 1].Label}' and '{ordered[i].Label}' overlap");

        if (d.Cutoff is { } c && (c.Value < d.Scoring.Min || c.Value > d.Scoring.Max))
            problems.Add("the cut-off lies outside the score range");
        if (d.ReliableChange is { } rc)
        {
            var hasFixed = rc.Value is > 0;
            var hasNorms = rc.StandardDeviation is > 0 && rc.Reliability is > 0 and < 1;
            if (!hasFixed && !hasNorms)
                problems.Add("reliableChange needs a positive value, or a standard deviation and a reliability between 0 and 1");
        }
        return problems;
    }
}
