using Attune.Core.Instruments;
using Attune.Core.Matching;

namespace Attune.Core.Tests;

public class MatchRankingTests
{
    private static readonly ProblemDomain Depression = new("depression", "Depression", "phq-9", ScoreDirection.HigherIsWorse);
    private static readonly ProblemDomain Anxiety = new("anxiety", "Anxiety", "gad-7", ScoreDirection.HigherIsWorse);
    private static readonly ProblemDomain Distress = new("distress", "General distress", "core-10", ScoreDirection.HigherIsWorse);

    private static readonly Guid Ana = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Ben = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Cy = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    private static readonly Guid Dee = Guid.Parse("00000000-0000-0000-0000-00000000000d");

    private static TherapistOffer Offer(Guid id, string name, int places = 3, decimal? fee = 120, bool shares = true, params (string Key, string[] Values)[] offers) =>
        new(id, name, offers.ToDictionary(o => o.Key, o => (IReadOnlyList<string>)o.Values), places, fee, shares);

    private static readonly TherapistOffer[] Therapists =
    [
        Offer(Ana, "Ana Ruiz", offers: [("state", ["CA"]), ("language", ["English", "Spanish"]), ("modality", ["Video", "InPerson"]), ("approach", ["cbt"])]),
        Offer(Ben, "Ben Ode", fee: 200, offers: [("state", ["CA", "OR"]), ("language", ["English"]), ("modality", ["Video"]), ("approach", ["cbt", "act"])]),
        Offer(Cy, "Cy Park", places: 0, offers: [("state", ["CA"]), ("language", ["English", "Spanish"]), ("modality", ["Video"])]),
        Offer(Dee, "Dee Lo", offers: [("state", ["NV"]), ("language", ["Spanish"]), ("modality", ["Video"])]),
    ];

    private static ClinicianTrackRecord Record(Guid id, ProblemDomain d, TrackRecordClass c, int cases = 20) => new(id, d.Id, cases, null, null, null, c);

    [Fact]
    public void Hard_limits_filter_with_their_reason_licensure_and_open_places_always_a_must_have_when_asked()
    {
        var result = MatchRanking.Rank(
            [new("state", ["ca"], Importance.NiceToHave), new("language", ["Spanish"], Importance.MustHave)],
            [], Therapists, []);
        Assert.Equal(["Ana Ruiz"], result.Suggestions.Select(s => s.Name));
        var why = result.Excluded.ToDictionary(e => e.Name);
        Assert.Equal(["speaks Spanish"], why["Ben Ode"].Unmet);
        Assert.False(why["Ben Ode"].NoOpenPlaces);
        Assert.Empty(why["Cy Park"].Unmet);
        Assert.True(why["Cy Park"].NoOpenPlaces);
        // Licensure filters though the client marked it nice to have: a therapist may not practise where they are not licensed.
        Assert.Equal(["is licensed in ca"], why["Dee Lo"].Unmet);
        Assert.Equal(["is licensed in ca", "speaks Spanish"], result.Suggestions[0].Reasons);
    }

    [Fact]
    public void Nice_to_haves_rank_and_what_is_not_met_is_said()
    {
        var result = MatchRanking.Rank(
            [new("modality", ["InPerson"], Importance.NiceToHave), new("approach", ["act"], Importance.NiceToHave), new("fee", ["150"], Importance.NiceToHave)],
            [], Therapists.Where(t => t.ClinicianId != Cy), []);
        // Ana: in person, fee 120 ≤ 150 → 2 points; Ben: ACT → 1 point; Dee: fee → 1 point; Ben and Dee tie on score and places, so by name.
        Assert.Equal([("Ana Ruiz", 2.0), ("Ben Ode", 1.0), ("Dee Lo", 1.0)], result.Suggestions.Select(s => (s.Name, s.Score)));
        var ana = result.Suggestions[0];
        Assert.Equal(["sees clients in person", "fee 120 per session, within 150"], ana.Reasons);
        Assert.Equal(["practises ACT"], ana.NotMet);
        Assert.Equal(["sees clients in person", "a fee of at most 150 per session"], result.Suggestions[1].NotMet);
        Assert.Equal([1, 2, 3], result.Suggestions.Select(s => s.Rank));
    }

    [Fact]
    public void The_track_record_on_the_most_elevated_domains_ranks_first_and_the_best_match_is_effective_and_never_ineffective()
    {
        var records = new[]
        {
            Record(Ana, Anxiety, TrackRecordClass.Neutral), Record(Ana, Depression, TrackRecordClass.Effective, 23),
            Record(Ben, Anxiety, TrackRecordClass.Effective, 31), Record(Ben, Depression, TrackRecordClass.Ineffective, 18),
            Record(Dee, Anxiety, TrackRecordClass.Effective, 16), Record(Dee, Depression, TrackRecordClass.NotEnoughCases, 9),
        };
        var therapists = Therapists.Where(t => t.ClinicianId != Cy).Select(t => t with { Offers = new Dictionary<string, IReadOnlyList<string>>() });
        var result = MatchRanking.Rank([new("language", ["Spanish"], Importance.NiceToHave)], [Anxiety, Depression, Distress], therapists, records);

        // Ana 3 (effective with depression) + 0; Ben 3 − 4 = −1; Dee 3 (effective with anxiety), 0 for too few depression cases.
        // Ana and Dee tie at 3, both the best match; Ana's name comes first. Only two elevated domains count by default.
        Assert.Equal([("Ana Ruiz", 3.0, true), ("Dee Lo", 3.0, true), ("Ben Ode", -1.0, false)], result.Suggestions.Select(s => (s.Name, s.Score, s.BestMatch)));
        Assert.Equal(["as effective with anxiety as the clinic expects, 20 cases", "effective with depression in this clinic's records, 23 cases"], result.Suggestions[0].Reasons);
        Assert.Equal(["effective with anxiety in this clinic's records, 16 cases", "fewer than 15 past cases with depression (9): no track record yet"], result.Suggestions[1].Reasons);
        Assert.Equal("less effective with depression than the clinic expects, 18 cases", result.Suggestions[2].NotMet[0]);
        Assert.Contains("speaks Spanish", result.Suggestions[2].NotMet);
    }

    [Fact]
    public void A_record_not_shared_counts_for_nothing_and_says_so()
    {
        var therapists = new[] { Offer(Ana, "Ana Ruiz", shares: false), Offer(Ben, "Ben Ode") };
        var result = MatchRanking.Rank([], [Depression], therapists, [Record(Ana, Depression, TrackRecordClass.Effective), Record(Ben, Depression, TrackRecordClass.Neutral)]);
        Assert.Equal([0.0, 0.0], result.Suggestions.Select(s => s.Score));
        Assert.Contains("track record with depression not shared", result.Suggestions.Single(s => s.Name == "Ana Ruiz").Reasons);
        // What a client choosing between therapists is not shown: notes that there is no record to go on.
        Assert.True(MatchRanking.IsNoRecordNote("track record with depression not shared"));
        Assert.True(MatchRanking.IsNoRecordNote("fewer than 15 past cases with depression (9): no track record yet"));
        Assert.False(MatchRanking.IsNoRecordNote("effective with anxiety in this clinic's records, 16 cases"));
        Assert.False(MatchRanking.IsNoRecordNote("speaks Spanish"));
    }

    [Fact]
    public void The_current_therapist_is_left_out_when_the_client_asks_for_another()
    {
        var result = MatchRanking.Rank([], [], Therapists, [], excluding: Ana);
        Assert.DoesNotContain(result.Suggestions, s => s.ClinicianId == Ana);
        Assert.DoesNotContain(result.Excluded, e => e.ClinicianId == Ana);
    }

    [Fact]
    public void The_most_elevated_domains_come_first_and_named_concerns_follow()
    {
        // PHQ-9 14 of 27 (.52) is above its cut-off of 10; GAD-7 18 of 21 (.86) above 10; CORE-10 9 below its cut-off of 11.
        var elevated = MatchRanking.Elevated(
            [new(Depression, 14, 0, 27, 10), new(Anxiety, 18, 0, 21, 10), new(Distress, 9, 0, 40, 11)],
            [Distress, Anxiety]);
        Assert.Equal(["anxiety", "depression", "distress"], elevated.Select(d => d.Id));
    }
}
