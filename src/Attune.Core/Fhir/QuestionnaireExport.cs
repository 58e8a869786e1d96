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

        var parent = q.Item;
        if (d.Stem is { } stem)
        {
            var group = new Questionnaire.ItemComponent { LinkId = "stem", Text = stem, Type = Questionnaire.QuestionnaireItemType.Group };
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
            Text = item.Text,
            Prefix = item.Label,
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
                var system = d.Codes?.AttuneSystem ?? $"urn:attune:answers:{d.Id}:{item.ResponseSet}";
                foreach (var option in d.OptionsFor(item))
                {
                    var coding = new Coding(system, option.Code ?? Format(option.Value), option.Label);
                    if (item.Scored)
                    {
                        // The weight after reverse keying, so that summing weights gives the score.
                        var weight = new FhirDecimal(d.WeightOf(item, option.Value));
                        coding.Extension.Add(new Extension(ItemWeightUrl, weight));
                        coding.Extension.Add(new Extension(OrdinalValueUrl, new FhirDecimal(weight.Value)));
                    }
                    component.AnswerOption.Add(new Questionnaire.AnswerOptionComponent { Value = coding });
                }
                break;
        }
        return component;
    }

    private static string Format(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
