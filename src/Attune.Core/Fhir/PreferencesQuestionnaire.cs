using Attune.Core.Matching;
using Hl7.Fhir.Model;

namespace Attune.Core.Fhir;

/// <summary>
/// A client's matching preferences in FHIR: the preferences questionnaire (one group per criterion, with the values
/// and whether each is a must-have) and a client's answers to it as a QuestionnaireResponse. The language the client
/// asked for also goes on Patient.communication (see <see cref="Languages"/>).
/// </summary>
public static class PreferencesQuestionnaire
{
    public const string Id = "match-preferences";
    public const string Canonical = QuestionnaireExport.CanonicalBase + Id;
    public const string DomainSystem = "urn:attune:problem-domain";
    public const string ImportanceSystem = "urn:attune:match-importance";
    public static string OptionSystem(MatchCriterion c) => $"urn:attune:match:{c.Key}";

    public static Questionnaire Definition(IReadOnlyList<ProblemDomain> domains)
    {
        var q = new Questionnaire
        {
            Id = Id,
            Url = Canonical,
            Name = "MatchPreferences",
            Title = "What you look for in a therapist",
            Status = PublicationStatus.Active,
            Description = "A client's preferences for matching to a therapist: the concerns they bring, and for each criterion the values asked for and whether each is a must-have (filters therapists out) or a nice-to-have (ranks them).",
            SubjectType = [ResourceType.Patient],
        };
        q.Item.Add(new Questionnaire.ItemComponent
        {
            LinkId = "concerns", Text = "What would you like help with?", Type = Questionnaire.QuestionnaireItemType.Choice, Repeats = true,
            AnswerOption = [.. domains.Select(d => new Questionnaire.AnswerOptionComponent { Value = new Coding(DomainSystem, d.Id, d.Name) })],
        });
        foreach (var c in MatchCriteria.All)
        {
            var values = new Questionnaire.ItemComponent { LinkId = $"{c.Key}.values", Text = c.Label, Repeats = c.Kind != CriterionKind.AtMost && !c.OneAnswer };
            switch (c.Kind)
            {
                case CriterionKind.Options:
                    values.Type = Questionnaire.QuestionnaireItemType.Choice;
                    values.AnswerOption = [.. c.Options.Select(o => new Questionnaire.AnswerOptionComponent { Value = new Coding(OptionSystem(c), o.Value, o.Label) })];
                    break;
                case CriterionKind.AtMost:
                    values.Type = Questionnaire.QuestionnaireItemType.Decimal;
                    break;
                default:
                    values.Type = Questionnaire.QuestionnaireItemType.String;
                    break;
            }
            q.Item.Add(new Questionnaire.ItemComponent
            {
                LinkId = c.Key, Text = c.Question, Type = Questionnaire.QuestionnaireItemType.Group,
                Item =
                [
                    values,
                    new Questionnaire.ItemComponent
                    {
                        LinkId = $"{c.Key}.importance", Text = "How much does this matter?", Type = Questionnaire.QuestionnaireItemType.Choice,
                        AnswerOption =
                        [
                            new Questionnaire.AnswerOptionComponent { Value = new Coding(ImportanceSystem, nameof(Importance.MustHave), "Must have") },
                            new Questionnaire.AnswerOptionComponent { Value = new Coding(ImportanceSystem, nameof(Importance.NiceToHave), "Nice to have") },
                        ],
                    },
                ],
            });
        }
        return q;
    }

    /// <summary>The client's preferences as a completed response to the preferences questionnaire.</summary>
    public static QuestionnaireResponse Response(MatchPreferences preferences, IReadOnlyList<ProblemDomain> domains, Guid id, ResourceReference subject, DateTimeOffset authored, bool givenByClient)
    {
        var r = new QuestionnaireResponse
        {
            Id = id.ToString(),
            Questionnaire = Canonical,
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = subject,
            Authored = authored.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (givenByClient)
            r.Author = subject;
        if (preferences.Concerns.Count > 0)
            r.Item.Add(new QuestionnaireResponse.ItemComponent
            {
                LinkId = "concerns",
                Answer = [.. preferences.Concerns.Select(c => new QuestionnaireResponse.AnswerComponent { Value = new Coding(DomainSystem, c, domains.FirstOrDefault(d => d.Id == c)?.Name) })],
            });
        // In the questionnaire's order, as FHIR asks of a response's items.
        foreach (var c in MatchCriteria.All)
        {
            if (preferences.Preferences.FirstOrDefault(x => x.Criterion == c.Key) is not { } p)
                continue;
            var answers = p.Values.Select(v => new QuestionnaireResponse.AnswerComponent
            {
                Value = c.Kind switch
                {
                    CriterionKind.Options => new Coding(OptionSystem(c), v, c.Option(v)?.Label),
                    CriterionKind.AtMost => new FhirDecimal(decimal.Parse(v, System.Globalization.CultureInfo.InvariantCulture)),
                    _ => new FhirString(v),
                },
            }).ToList();
            r.Item.Add(new QuestionnaireResponse.ItemComponent
            {
                LinkId = c.Key,
                Item =
                [
                    new QuestionnaireResponse.ItemComponent { LinkId = $"{c.Key}.values", Answer = answers },
                    new QuestionnaireResponse.ItemComponent
                    {
                        LinkId = $"{c.Key}.importance",
                        Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Coding(ImportanceSystem, p.Importance.ToString(), p.Importance == Importance.MustHave ? "Must have" : "Nice to have") }],
                    },
                ],
            });
        }
        return r;
    }

    /// <summary>
    /// The languages the client asked to have therapy in, for Patient.communication: as the client wrote them (text
    /// only, since Attune keeps words, not language codes); the first is marked preferred when it is a must-have.
    /// </summary>
    public static IEnumerable<Patient.CommunicationComponent> Languages(MatchPreferences preferences) =>
        preferences.Preferences.Where(p => p.Criterion == MatchCriteria.Language.Key)
            .SelectMany(p => p.Values.Select((v, i) => new Patient.CommunicationComponent
            {
                Language = new CodeableConcept { Text = v },
                Preferred = i == 0 && p.Importance == Importance.MustHave ? true : null,
            }));
}
