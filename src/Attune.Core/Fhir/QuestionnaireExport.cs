using Attune.Core.Instruments;
using Hl7.Fhir.Model;

namespace Attune.Core.Fhir;

/// <summary>Turns an instrument definition into a FHIR R4 Questionnaire, answer weights included.</summary>
public static class QuestionnaireExport
{
    public const string ItemWeightUrl = "http://hl7.org/fhir/StructureDefinition/itemWeight";
    public const string OrdinalValueUrl = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    public const string MinValueUrl = "http://hl7.org/fhir/StructureDefinition/minValue";
    public const string MaxValueUrl = "http://hl7.org/fhir/StructureDefinition/maxValue";
    public const string VariableUrl = "http://hl7.org/fhir/StructureDefinition/variable";
    public const string CanonicalBase = "urn:attune:questionnaire:";

    public static string CanonicalFor(InstrumentDefinition d) => CanonicalBase + d.Id;

    public static Questionnaire ToQuestionnaire(InstrumentDefinition d)
    {
        var q = new Questionnaire
        {
            Id = d.Id,
            Url = CanonicalFor(d),
            Version = d.Version,
            Name = new string(d.ShortName.Where(char.IsAsciiLetterOrDigit).ToArray()),
            Title = d.Name,
            Status = PublicationStatus.Active,
            Description = d.Description,
            Copyright = d.Attribution,
            SubjectType = [ResourceType.Patient],
        };
        if (d.Codes is { Panel: { } panel } codes)
            q.Code = [new Coding(codes.System, panel, d.Name)];
        if (ScoreExpression(d) is { } expression)
            q.Extension.Add(new Extension(VariableUrl, new Expression
            {
                Name = "score",
                Language = "text/fhirpath",
                Expression_ = expression,
                Description = $"The {d.ShortName} score as Attune computes it",
            }));
        foreach (var subscale in d.Subscales)
            if (SubscaleExpression(d, subscale) is { } sub)
                q.Extension.Add(new Extension(VariableUrl, new Expression
                {
                    Name = $"score-{subscale.Id}",
                    Language = "text/fhirpath",
                    Expression_ = sub,
                    Description = $"The {subscale.Name} subscale score as Attune computes it",
                }));

        var parent = q.Item;
        if (d.Stem is { } stem)
        {
            var group = new Questionnaire.ItemComponent { LinkId = "stem", Text = Present(stem), Type = Questionnaire.QuestionnaireItemType.Group };
            q.Item.Add(group);
            parent = group.Item;
        }
        foreach (var item in d.Items)
            parent.Add(ToItem(d, item));
        return q;
    }

    private static Questionnaire.ItemComponent ToItem(InstrumentDefinition d, InstrumentItem item)
    {
        var component = new Questionnaire.ItemComponent
        {
            LinkId = item.Id,
            Text = Present(item.Text),
            Prefix = Present(item.Label),
            Required = item.Scored || item.Required,
        };
        if (item.Code is { } code && d.Codes is { } codes)
            component.Code = [new Coding(codes.System, code, item.Text)];

        switch (item.Kind)
        {
            case ItemKind.Text:
                component.Type = Questionnaire.QuestionnaireItemType.Text;
                component.Required = false;
                if (item.MaxLength is { } max) component.MaxLength = max;
                break;
            case ItemKind.Scale when item.Step is { } step && step % 1 == 0:
                component.Type = Questionnaire.QuestionnaireItemType.Integer;
                component.Extension.Add(new Extension(MinValueUrl, new Integer((int)item.Min!.Value)));
                component.Extension.Add(new Extension(MaxValueUrl, new Integer((int)item.Max!.Value)));
                break;
            case ItemKind.Scale:
                component.Type = Questionnaire.QuestionnaireItemType.Decimal;
                component.Extension.Add(new Extension(MinValueUrl, new FhirDecimal(item.Min)));
                component.Extension.Add(new Extension(MaxValueUrl, new FhirDecimal(item.Max)));
                break;
            default:
                component.Type = Questionnaire.QuestionnaireItemType.Choice;
                foreach (var option in d.OptionsFor(item))
                {
                    var answer = new Questionnaire.AnswerOptionComponent { Value = AnswerCoding(d, item, option) };
                    if (item.Scored)
                    {
                        // The weight after reverse keying, so that summing weights gives the score. On the answer option,
                        // where SDC tools (and FHIRPath's weight()) look for it; ordinalValue is R4's older name for it.
                        var weight = d.WeightOf(item, option.Value);
                        answer.Extension.Add(new Extension(ItemWeightUrl, new FhirDecimal(weight)));
                        answer.Extension.Add(new Extension(OrdinalValueUrl, new FhirDecimal(weight)));
                    }
                    component.AnswerOption.Add(answer);
                }
                break;
        }
        return component;
    }

    /// <summary>The coding of one answer option, as the Questionnaire offers it and a QuestionnaireResponse answers with it.</summary>
    public static Coding AnswerCoding(InstrumentDefinition d, InstrumentItem item, ResponseOption option) =>
        new(AnswerSystem(d, item), option.Code ?? Format(option.Value), Present(option.Label));

    public static string AnswerSystem(InstrumentDefinition d, InstrumentItem item) =>
        d.Codes?.AttuneSystem ?? $"urn:attune:answers:{d.Id}:{item.ResponseSet}";

    /// <summary>
    /// The instrument's score as a FHIRPath expression over a QuestionnaireResponse (%resource) and this Questionnaire
    /// (%questionnaire, for weight()), as SDC's calculatedExpression and variable extensions use it; null when the
    /// scoring rule cannot be said exactly in FHIRPath (a reverse-keyed numeric scale).
    /// </summary>
    public static string? ScoreExpression(InstrumentDefinition d) =>
        Expression(d, d.ScoredItems.ToList(), d.Scoring.Method, d.Scoring.Prorate, d.Scoring.Decimals, requireAll: false);

    /// <summary>A subscale's score in FHIRPath, as <see cref="Scoring.InstrumentScorer"/> computes it: empty unless every item is answered.</summary>
    public static string? SubscaleExpression(InstrumentDefinition d, Subscale subscale) =>
        Expression(d, subscale.Items.Select(id => d.FindItem(id)!).ToList(), subscale.Method, prorate: false, decimals: 2, requireAll: true);

    private static string? Expression(InstrumentDefinition d, List<InstrumentItem> scored, ScoringMethod method, bool prorate, int decimals, bool requireAll)
    {
        if (scored.Count == 0 || scored.Any(i => i.Kind == ItemKind.Scale && i.Reverse)) return null;
        string Answers(IEnumerable<InstrumentItem> items) =>
            $"%resource.repeat(item).where(linkId in ({string.Join(" | ", items.Select(i => $"'{i.Id}'"))})).answer";
        var choices = scored.Where(i => i.Kind == ItemKind.Choice).ToList();
        var scales = scored.Where(i => i.Kind == ItemKind.Scale).ToList();
        var weights = (choices.Count > 0, scales.Count > 0) switch
        {
            (true, false) => $"{Answers(choices)}.weight()",
            (false, true) => $"{Answers(scales)}.value",
            _ => $"{Answers(choices)}.weight().combine({Answers(scales)}.value)",
        };
        var answered = $"{Answers(scored)}.count()";
        var total = method == ScoringMethod.Mean ? $"({weights}.sum() / {answered}).round({decimals})"
            : prorate ? $"({weights}.sum() * {scored.Count} / {answered}).round({decimals})"
            : $"{weights}.sum().round({decimals})";
        return requireAll ? $"iif({answered} = {scored.Count}, {total})" : total;
    }

    /// <summary>FHIR strings may not be empty: text an instrument lacks (say, a licence file without labels) is left out.</summary>
    public static string? Present(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string Format(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
