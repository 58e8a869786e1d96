using System.Text;
using Attune.Core.Fhir;
using Attune.Core.Instruments;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Attune.Core.Tests;

public class InstrumentCatalogTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.BuiltIn();

    [Fact]
    public void Ships_the_built_in_instruments()
    {
        Assert.Equal(["connection-check", "core-10", "fit-check", "gad-7", "ors", "phq-9", "proqol-5", "srs", "wai-sr"], Catalog.All.Select(d => d.Id).Order());
    }

    [Fact]
    public void ProQOL_scores_its_three_scales_with_burnouts_five_items_reversed_and_is_not_for_clients()
    {
        var d = Catalog.Get("proqol-5");
        Assert.False(d.ForClients);
        // Every item answered 1: compassion satisfaction 10 × 1 = 10; secondary traumatic stress 10; burnout: items 8,
        // 10, 19, 21, 26 give 1 each (5) and the reversed 1, 4, 15, 17, 29 give 6 - 1 = 5 each (25), so 30.
        var ones = Enumerable.Range(1, 30).ToDictionary(i => $"{i}", _ => (decimal?)1);
        var scored = Attune.Core.Scoring.InstrumentScorer.Score(d, ones).Result!;
        Assert.Equal([10m, 30m, 10m], scored.Subscales.Select(s => s.Score!.Value));
        Assert.Equal(["compassion-satisfaction", "burnout", "secondary-traumatic-stress"], scored.Subscales.Select(s => s.Id));
        // The published levels: 22 or less low, 23-41 moderate, 42 or more high.
        Assert.Equal(["low", "moderate", "moderate", "high"], new[] { 22, 23, 41, 42 }.Select(Attune.Core.Wellbeing.ProQolScores.Level));
    }

    [Fact]
    public void Licensed_instruments_ship_without_item_text()
    {
        foreach (var id in new[] { "wai-sr", "ors", "srs", "proqol-5" })
            Assert.True(Catalog.Get(id).ItemTextMissing, id);
        foreach (var id in new[] { "phq-9", "gad-7", "core-10", "connection-check", "fit-check" })
            Assert.False(Catalog.Get(id).ItemTextMissing, id);
    }

    [Fact]
    public void A_licence_file_fills_in_the_text()
    {
        var json = """
        { "instrument": "srs", "licensee": "Riverside Counselling", "licenceReference": "L-1",
          "items": { "1": "One", "2": "Two", "3": "Three", "4": "Four" },
          "anchors": { "1": { "min": "low", "max": "high" } } }
        """;
        var licence = LicensedText.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "srs.json");
        var srs = Catalog.WithLicensedText([licence]).Get("srs");
        Assert.False(srs.ItemTextMissing);
        Assert.Equal("One", srs.FindItem("1")!.Text);
        Assert.Equal("high", srs.FindItem("1")!.MaxLabel);
        Assert.Contains("Riverside Counselling", srs.Attribution);
    }

    [Fact]
    public void A_licence_file_missing_items_is_refused()
    {
        var json = """{ "instrument": "srs", "licensee": "X", "items": { "1": "One" } }""";
        var licence = LicensedText.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "srs.json");
        var e = Assert.Throws<InvalidInstrumentException>(() => Catalog.WithLicensedText([licence]));
        Assert.Contains("lacks text", e.Message);
    }

    [Fact]
    public void A_clinic_instrument_with_overlapping_bands_is_refused()
    {
        var bad = Catalog.Get("gad-7") with { Id = "custom", Bands = [new(0, 10, "Low"), new(10, 21, "High")] };
        var e = Assert.Throws<InvalidInstrumentException>(() => new InstrumentCatalog([bad]));
        Assert.Contains("overlap", e.Message);
    }

    [Fact]
    public void Phq9_codes_are_loinc()
    {
        var d = Catalog.Get("phq-9");
        Assert.Equal("http://loinc.org", d.Codes!.System);
        Assert.Equal("44249-1", d.Codes.Panel);
        Assert.Equal("44261-6", d.Codes.Total);
        Assert.Equal(["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"],
            d.ScoredItems.Select(i => i.Code));
        var gad = Catalog.Get("gad-7");
        Assert.Equal("69737-5", gad.Codes!.Panel);
        Assert.Equal("70274-6", gad.Codes.Total);
    }

    [Theory]
    [InlineData("phq-9")]
    [InlineData("gad-7")]
    [InlineData("core-10")]
    [InlineData("connection-check")]
    [InlineData("wai-sr")]
    [InlineData("ors")]
    [InlineData("srs")]
    [InlineData("fit-check")]
    public void Every_instrument_exports_as_a_valid_questionnaire_that_round_trips(string id)
    {
        var d = Catalog.Get(id);
        var q = QuestionnaireExport.ToQuestionnaire(d);
        var json = FhirJson.Serialize(q);
        var back = FhirJson.Deserialize<Questionnaire>(json);
        Assert.Equal(QuestionnaireExport.CanonicalFor(d), back.Url);
        Assert.Empty(back.Validate());
        var items = back.Item.SelectMany(i => i.Type == Questionnaire.QuestionnaireItemType.Group ? i.Item : [i]).ToList();
        Assert.Equal(d.Items.Select(i => i.Id), items.Select(i => i.LinkId));
    }

    [Fact]
    public void Core10_questionnaire_weights_carry_the_reverse_keying()
    {
        var q = QuestionnaireExport.ToQuestionnaire(Catalog.Get("core-10"));
        var item2 = q.Item.Single().Item.Single(i => i.LinkId == "2");
        var weights = item2.AnswerOption.Select(o => Weight(o, QuestionnaireExport.ItemWeightUrl)).ToList();
        Assert.Equal([4m, 3m, 2m, 1m, 0m], weights);
        var item1 = q.Item.Single().Item.Single(i => i.LinkId == "1");
        var ordinals = item1.AnswerOption.Select(o => Weight(o, QuestionnaireExport.OrdinalValueUrl)).ToList();
        Assert.Equal([0m, 1m, 2m, 3m, 4m], ordinals);
    }

    private static decimal? Weight(Questionnaire.AnswerOptionComponent option, string url) =>
        (option.GetExtension(url)?.Value as FhirDecimal)?.Value;
}
