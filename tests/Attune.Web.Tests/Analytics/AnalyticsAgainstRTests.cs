using System.Globalization;
using System.Text.Json.Nodes;
using Attune.Core.Analytics;
using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Endings;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Analytics;

/// <summary>
/// Issue 20: a generated clinic stored through the domain, read back by <c>attune analytics --json</c>, against R run on
/// what the generator made (R joins and aggregates for itself: cor.test, lme4::lmer, t.test). test.sh installs R and lme4.
/// </summary>
public class AnalyticsAgainstRTests
{

    private sealed record Made(Guid Id, string Clinician, List<(int Number, bool Video, int? Cc)> Sessions, List<int> Phq9, EndingKind Kind, EndingReason Reason, RuptureHistory Ruptures, string Top);

    [Fact]
    public async Task The_command_lines_analytics_equal_R_on_a_generated_clinic()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(20);
        var made = new List<Made>();
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
            var catalog = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>();
            var (phq9, cc) = (catalog.Get("phq-9"), catalog.Get("connection-check"));
            var now = app.Clock.GetUtcNow();
            var org = new Organisation("Analytics Test Clinic", now.AddYears(-3));
            db.Organisations.Add(org);
            var clinicians = Enumerable.Range(1, 6).Select(i => new Clinician(org.Id, $"Clinician {i}", now.AddYears(-3))).ToList();
            db.Clinicians.AddRange(clinicians);
            void Answer(TherapeuticRelationship r, InstrumentDefinition d, Dictionary<string, decimal?> answers, Guid? session, DateTimeOffset at)
            {
                var scored = InstrumentScorer.Score(d, answers);
                Assert.True(scored.Result is not null, string.Join("; ", scored.Errors));
                db.Responses.Add(new InstrumentResponse(r.Id, null, session, answers, scored.Result, at));
            }
            foreach (var clinician in clinicians)
            {
                var skill = 3 * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
                for (var k = 0; k < 12 + random.Next(9); k++)
                {
                    var opened = now.AddDays(-700 + random.Next(400));
                    var client = new Client(org.Id, "Generated client", opened.AddDays(-1));
                    db.Clients.Add(client);
                    var r = new TherapeuticRelationship(org.Id, client.Id, clinician.Id, opened);
                    db.Relationships.Add(r);
                    var videoLikely = random.NextDouble();
                    var first = 6 + random.Next(20);
                    var sessions = new List<(int, bool, int?)>();
                    var count = 2 + random.Next(8);
                    var allianceBase = 5 + random.Next(5);
                    for (var n = 1; n <= count; n++)
                    {
                        var video = random.NextDouble() < videoLikely;
                        var session = r.RecordSession(opened.AddDays(7 * n), video ? SessionModality.Video : SessionModality.InPerson, SessionAttendance.Attended);
                        int? value = random.NextDouble() < 0.8 ? Math.Clamp(allianceBase + random.Next(-2, 3), 0, 10) : null;
                        if (value is { } v)
                            Answer(r, cc, new Dictionary<string, decimal?>(cc.ScoredItems.ToDictionary(i => i.Id, _ => (decimal?)v)) { ["moment"] = 2 }, session.Id, session.StartsAt.AddHours(1));
                        sessions.Add((n, video, value));
                    }
                    // PHQ-9 at the start and, for most, later: the better the early alliance and the clinician, the larger the change.
                    var phq = new List<int> { first };
                    if (random.NextDouble() < 0.9)
                    {
                        var last = (int)Math.Clamp(Math.Round(first - 0.4 * first - skill - 0.8 * (allianceBase - 7) + 3 * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1)), 0, 27);
                        phq.Add(last);
                    }
                    for (var i = 0; i < phq.Count; i++)
                        Answer(r, phq9, Enumerable.Range(1, 9).ToDictionary(j => j.ToString(CultureInfo.InvariantCulture), j => (decimal?)Math.Clamp(phq[i] - 3 * (j - 1), 0, 3)),
                            null, opened.AddDays(i == 0 ? 1 : 7 * count + 1));
                    var history = (RuptureHistory)random.Next(3);
                    if (history != RuptureHistory.None)
                    {
                        var s1 = r.Sessions.First();
                        db.Ruptures.Add(new RuptureRecord(r.Id, s1.Id, s1.StartsAt, RuptureMarker.ComplaintAboutActivities, NoticedBy.ClientReport, [RepairStrategy.InviteDiscussion],
                            history == RuptureHistory.Repaired ? RuptureResolution.Resolved : RuptureResolution.NotResolved, null, null, Guid.Empty, s1.StartsAt.AddDays(1)));
                    }
                    var planned = random.NextDouble() < 0.6;
                    var reason = planned ? EndingReason.GoalsMet : new[] { EndingReason.NoContact, EndingReason.ClientMovedOn, EndingReason.FinancialOrPractical }[random.Next(3)];
                    var endAt = opened.AddDays(7 * count + 3);
                    if (planned)
                        r.MoveTo(RelationshipPhase.Termination, "cipher", endAt.AddHours(-1));
                    db.Endings.Add(r.End(planned ? EndingKind.Planned : EndingKind.Unplanned, reason, "cipher", null, endAt));
                    var top = random.Next(3) switch { 0 => "none", 1 => "yes", _ => "no" };
                    if (top != "none")
                        db.MatchAssignments.Add(new Attune.Core.Matching.MatchAssignment(org.Id, client.Id, r.Id, clinician.Id, top == "yes" ? 1 : 2, 3, 1, false, "cipher", Guid.Empty, opened));
                    made.Add(new Made(r.Id, clinician.Id.ToString(), sessions, phq, planned ? EndingKind.Planned : EndingKind.Unplanned, reason, history, top));
                }
            }
            await db.SaveChangesAsync(ct);
        }

        var (exit, output, error) = await CommandLine.RunAsync(["analytics", "--organisation", "Analytics Test Clinic", "--json", .. app.DatabaseArguments]);
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(made.Count, json["closedRelationships"]!.GetValue<int>());
        var attune = json["analytics"]!;
        // The command line's read of the clinic's data is in the audit trail, as the page's is.
        await using (var db = app.CreateDbContext())
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityType == "ClinicAnalytics" && e.Action == "read" && e.ActorKind == "system", ct));

        var stem = Path.Combine(Path.GetTempPath(), $"attune-analytics-{Guid.NewGuid():N}");
        try
        {
            string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            File.WriteAllLines(stem + "-sessions.csv", ["relationship,number,video,cc", .. made.SelectMany(m => m.Sessions.Select(s => $"{m.Id},{s.Number},{(s.Video ? "TRUE" : "FALSE")},{(s.Cc is { } v ? F(v) : "NA")}"))]);
            File.WriteAllLines(stem + "-relationships.csv", ["relationship,clinician,nphq,first,last,kind,reason,ruptures,top",
                .. made.Select(m => $"{m.Id},{m.Clinician},{m.Phq9.Count},{m.Phq9[0]},{m.Phq9[^1]},{m.Kind},{m.Reason},{m.Ruptures},{m.Top}")]);
            var r = Attune.Core.Tests.RScript.Run(Path.Combine(Repository.Root, "docs", "analytics-check.R"), stem)
                .ToDictionary(l => l[0], l => l.Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
            double D(JsonNode? n) => n!.GetValue<double>();
            int I(JsonNode? n) => n!.GetValue<int>();

            Assert.Equal((int)r["A"][0], I(attune["a"]!["n"]));
            Assert.Equal(r["A"][1], D(attune["a"]!["r"]), 1e-9);
            Assert.Equal(r["A"][2], D(attune["a"]!["lower"]), 1e-9);
            Assert.Equal(r["A"][3], D(attune["a"]!["upper"]), 1e-9);

            Assert.Equal((int)r["B"][0], I(attune["b"]!["n"]));
            foreach (var (i, key) in new[] { (1, "tau00"), (2, "sigma2"), (3, "icc"), (4, "slope") })
                Assert.True(Math.Abs(D(attune["b"]![key]) - r["B"][i]) <= 1e-4 * Math.Abs(r["B"][i]), $"B {key}: {D(attune["b"]![key])} against R's {r["B"][i]}");
            Assert.True(r["B"][1] > 0, "the generated clinic has a clinician effect");

            Assert.Equal(((int)r["C"][0], (int)r["C"][1]), (I(attune["c"]!["videoN"]), I(attune["c"]!["inPersonN"])));
            Assert.Equal(r["C"][2], D(attune["c"]!["difference"]), 1e-9);
            Assert.Equal(r["C"][3], D(attune["c"]!["lower"]), 1e-9);
            Assert.Equal(r["C"][4], D(attune["c"]!["upper"]), 1e-9);

            var clinic = attune["d"]!["clinic"]!;
            Assert.Equal(r["D"].Select(v => (int)v), new[] { I(clinic["n"]), I(clinic["improved"]), I(clinic["deteriorated"]), I(clinic["recovered"]) });

            Assert.Equal(((int)r["E"][0], (int)r["E"][2]), (I(attune["e"]!["dropout"]!["count"]), I(attune["e"]!["dropout"]!["of"])));
            Assert.Equal((int)r["E"][1], I(attune["e"]!["kinds"]!.AsArray().Single(k => k!["kind"]!.GetValue<string>() == "Planned")!["count"]));

            foreach (var group in attune["f"]!["groups"]!.AsArray())
            {
                var fromR = r[$"F-{group!["ruptures"]!.GetValue<string>()}"];
                Assert.Equal((int)fromR[0], I(group["n"]));
                Assert.Equal(fromR[1], D(group["mean"]), 1e-9);
                Assert.Equal(fromR[2], D(group["lower"]), 1e-9);
                Assert.Equal(fromR[3], D(group["upper"]), 1e-9);
            }

            Assert.Equal(((int)r["G-yes"][0], (int)r["G-yes"][1]), (I(attune["g"]!["topSuggestion"]!["n"]), I(attune["g"]!["topSuggestion"]!["improved"])));
            Assert.Equal(((int)r["G-no"][0], (int)r["G-no"][1]), (I(attune["g"]!["notTopSuggestion"]!["n"]), I(attune["g"]!["notTopSuggestion"]!["improved"])));

            // The research export of the same clinic, read by R alone, gives the same figures: its columns carry the analytics' measures.
            Guid orgId;
            await using (var db = app.CreateDbContext())
                orgId = await db.Organisations.Where(o => o.Name == "Analytics Test Clinic").Select(o => o.Id).SingleAsync(ct);
            await Demo.AddStaffAsync(app, orgId, "research@analytics.example", "research-password-2026", StaffRoles.Admin, "Research Admin");
            var admin = await StaffClient.SignInAsync(app, "research@analytics.example", "research-password-2026");
            var zipResponse = await admin.Http.GetAsync("/admin/analytics/research-export.zip", ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, zipResponse.StatusCode);
            // The export carries its own R script (analytics.R); run as a researcher would, on the export alone, it gives every figure A–G.
            using (var zip = new System.IO.Compression.ZipArchive(await zipResponse.Content.ReadAsStreamAsync(ct)))
                foreach (var (entry, file) in new[] { ("relationships.csv", "-export.csv"), ("analytics.R", "-export.R") })
                {
                    await using var written = File.Create(stem + file);
                    await zip.GetEntry(entry)!.Open().CopyToAsync(written, ct);
                }
            var fromExport = Attune.Core.Tests.RScript.Run(stem + "-export.R", stem + "-export.csv").ToDictionary(l => $"{l[0]}.{l[1]}", l => l[2]);
            void Same(string key, JsonNode? expected)
            {
                Assert.True(fromExport.TryGetValue(key, out var text), $"analytics.R printed no {key}");
                if (expected is null)
                    Assert.Equal("NA", text);
                else
                    Assert.True(Math.Abs(double.Parse(text, CultureInfo.InvariantCulture) - D(expected)) <= 1e-6 * Math.Max(1, Math.Abs(D(expected))), $"{key} from the export {text} against Attune's {D(expected)}");
            }
            foreach (var key in new[] { "n", "r", "lower", "upper" }) Same($"A.{key}", attune["a"]![key]);
            foreach (var key in new[] { "n", "tau00", "sigma2", "icc", "slope" }) Same($"B.{key}", attune["b"]![key]);
            foreach (var (key, name) in new[] { ("video_n", "videoN"), ("in_person_n", "inPersonN"), ("difference", "difference"), ("lower", "lower"), ("upper", "upper") }) Same($"C.{key}", attune["c"]![name]);
            foreach (var (figure, shares) in new[] { ("D", clinic), ("G_top", attune["g"]!["topSuggestion"]!), ("G_not_top", attune["g"]!["notTopSuggestion"]!) })
                foreach (var key in new[] { "n", "improved", "deteriorated", "recovered" }) Same($"{figure}.{key}", shares[key]);
            Same("E.ended", attune["e"]!["dropout"]!["of"]);
            Same("E.dropout", attune["e"]!["dropout"]!["count"]);
            foreach (var kind in attune["e"]!["kinds"]!.AsArray().Where(k => I(k!["count"]) > 0)) Same($"E.kind_{kind!["kind"]}", kind["count"]);
            foreach (var reason in attune["e"]!["reasons"]!.AsArray().Where(k => I(k!["count"]) > 0)) Same($"E.reason_{reason!["reason"]}", reason["count"]);
            foreach (var group in attune["f"]!["groups"]!.AsArray())
                foreach (var key in new[] { "n", "mean", "lower", "upper" }) Same($"F_{group!["ruptures"]}.{key}", group[key]);
        }
        finally
        {
            foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), Path.GetFileName(stem) + "*"))
                File.Delete(file);
        }

        // A range with nothing closed in it: every figure is null or zero, nothing fails.
        var (emptyExit, empty, _) = await CommandLine.RunAsync(["analytics", "--organisation", "Analytics Test Clinic", "--from", "2000-01-01", "--to", "2000-02-01", "--json", .. app.DatabaseArguments]);
        Assert.Equal(0, emptyExit);
        Assert.Null(JsonNode.Parse(empty)!["analytics"]!["a"]!["r"]);
        var (badExit, _, badError) = await CommandLine.RunAsync(["analytics", "--organisation", "Analytics Test Clinic", "--from", "31/01/2026", .. app.DatabaseArguments]);
        Assert.Equal(2, badExit);
        Assert.Contains("--from is a day as yyyy-MM-dd", badError);
    }
}
