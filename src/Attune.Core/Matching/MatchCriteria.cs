namespace Attune.Core.Matching;

/// <summary>How a client weighs a preference: a must-have filters therapists out; a nice-to-have ranks them.</summary>
public enum Importance { NiceToHave, MustHave }

/// <summary>How a criterion's values compare: one of fixed options, words the client and therapist write, or a most-they-can-pay amount.</summary>
public enum CriterionKind { Options, Words, AtMost }

/// <summary>One fixed answer to a criterion, with the words used in a reason ("offers video").</summary>
public sealed record CriterionOption(string Value, string Label, string Offered);

/// <summary>
/// One thing a client may prefer in a therapist (PRODUCT.md, Matching), the words the client sees and the words of a
/// suggestion's reason. AlwaysHard: licensure filters even when the client marks it nice-to-have, since a therapist may
/// not practise where they are not licensed.
/// </summary>
public sealed record MatchCriterion(string Key, string Question, string Label, CriterionKind Kind, IReadOnlyList<CriterionOption> Options, string Offered, bool AlwaysHard = false)
{
    /// <summary>A client picks one of the options (a pace, a stance); a therapist may still offer several.</summary>
    public bool OneAnswer { get; init; }

    public bool Multiple => Kind == CriterionKind.Options && !OneAnswer;

    public CriterionOption? Option(string value) => Options.FirstOrDefault(o => string.Equals(o.Value, value, StringComparison.OrdinalIgnoreCase));

    /// <summary>A value in words for a reason: an option's phrase, or the words themselves.</summary>
    public string Words(string value) => Option(value)?.Offered ?? string.Format(System.Globalization.CultureInfo.InvariantCulture, Offered, value);
}

/// <summary>The criteria a clinic matches on, in the order the client is asked.</summary>
public static class MatchCriteria
{
    private static CriterionOption O(string value, string label, string offered) => new(value, label, offered);

    public static readonly MatchCriterion Communication = new("communication", "How do you like to work in sessions?", "Ways of working", CriterionKind.Options,
    [
        O("talking", "Talking it through", "works by talking it through"),
        O("writing", "Written reflection and homework", "uses written reflection and homework"),
        O("experiential", "Experiential activities (role play, chair work)", "uses experiential activities"),
        O("visual", "Visual aids (diagrams, drawing)", "uses visual aids"),
        O("grounding", "Physical grounding (breathing, movement)", "uses physical grounding"),
    ], "{0}");

    public static readonly MatchCriterion Pace = new("pace", "What pace suits you?", "Pace", CriterionKind.Options,
    [
        O("gentle", "Gentle: take our time", "works at a gentle pace"),
        O("steady", "Steady", "works at a steady pace"),
        O("brisk", "Brisk: get to work quickly", "works at a brisk pace"),
    ], "{0}") { OneAnswer = true };

    public static readonly MatchCriterion Talk = new("talk", "How much would you like your therapist to talk?", "How much the therapist talks", CriterionKind.Options,
    [
        O("listens", "Mostly listen", "mostly listens"),
        O("balanced", "About half and half", "keeps talk balanced"),
        O("guides", "Talk and guide actively", "talks and guides actively"),
    ], "{0}") { OneAnswer = true };

    public static readonly MatchCriterion Stance = new("stance", "Would you like structure and direction, or room to explore?", "Directive or exploratory", CriterionKind.Options,
    [
        O("directive", "Structure and direction", "gives structure and direction"),
        O("exploratory", "Room to explore", "leaves room to explore"),
    ], "{0}") { OneAnswer = true };

    public static readonly MatchCriterion Neurodivergent = new("neurodivergent", "Would you like neurodivergent-affirming care?", "Neurodivergent-affirming", CriterionKind.Options,
    [
        O("yes", "Yes", "offers neurodivergent-affirming care"),
    ], "{0}");

    public static readonly MatchCriterion Language = new("language", "Which languages would you like to have therapy in?", "Language", CriterionKind.Words, [], "speaks {0}");

    public static readonly MatchCriterion Culture = new("culture", "Is there a culture or background you would like your therapist to share or know well?", "Culture", CriterionKind.Words, [], "knows {0} culture");

    public static readonly MatchCriterion Identity = new("identity", "Is there an identity you would like your therapist to share or affirm (for example LGBTQ+)?", "Identity", CriterionKind.Words, [], "affirms {0}");

    public static readonly MatchCriterion Faith = new("faith", "Would you like your faith to be part of therapy?", "Faith", CriterionKind.Words, [], "works with {0} faith");

    public static readonly MatchCriterion Gender = new("gender", "Do you have a preference for your therapist's gender?", "Therapist's gender", CriterionKind.Options,
    [
        O("woman", "A woman", "is a woman"),
        O("man", "A man", "is a man"),
        O("nonbinary", "Non-binary", "is non-binary"),
    ], "{0}") { OneAnswer = true };

    public static readonly MatchCriterion Approach = new("approach", "Is there an approach you would like?", "Approach", CriterionKind.Options,
    [
        O("cbt", "CBT (cognitive behavioural therapy)", "practises CBT"),
        O("dbt", "DBT (dialectical behaviour therapy)", "practises DBT"),
        O("act", "ACT (acceptance and commitment therapy)", "practises ACT"),
        O("psychodynamic", "Psychodynamic", "practises psychodynamic therapy"),
        O("person-centred", "Person-centred", "practises person-centred therapy"),
        O("emdr", "EMDR", "practises EMDR"),
        O("ifs", "IFS (internal family systems)", "practises IFS"),
        O("family", "Family or couples", "works with families and couples"),
    ], "{0}");

    public static readonly MatchCriterion Modality = new("modality", "How would you like to meet?", "In person or online", CriterionKind.Options,
    [
        O("InPerson", "In person", "sees clients in person"),
        O("Video", "Video", "offers video"),
        O("Phone", "Phone", "offers phone sessions"),
    ], "{0}");

    public static readonly MatchCriterion State = new("state", "Where do you live (state or region)? A therapist must be licensed there.", "Licensure", CriterionKind.Words, [], "is licensed in {0}", AlwaysHard: true);

    public static readonly MatchCriterion Times = new("times", "When can you come?", "Times", CriterionKind.Options,
    [
        O("weekday-mornings", "Weekday mornings", "sees clients on weekday mornings"),
        O("weekday-afternoons", "Weekday afternoons", "sees clients on weekday afternoons"),
        O("weekday-evenings", "Weekday evenings", "sees clients on weekday evenings"),
        O("weekends", "Weekends", "sees clients at weekends"),
    ], "{0}");

    public static readonly MatchCriterion Fee = new("fee", "The most you can pay per session", "Fee", CriterionKind.AtMost, [], "fee within {0}");

    public static readonly IReadOnlyList<MatchCriterion> All =
        [Communication, Pace, Talk, Stance, Neurodivergent, Language, Culture, Identity, Faith, Gender, Approach, Modality, State, Times, Fee];

    public static MatchCriterion? Find(string key) => All.FirstOrDefault(c => c.Key == key);

    /// <summary>Words as a person writes them ("Spanish", " spanish "), compared without case or outer spaces.</summary>
    public static string Normal(string words) => words.Trim().ToLowerInvariant();
}
