using System.Net;
using System.Text;
using Attune.Core.Fhir;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Task = System.Threading.Tasks.Task;

namespace Attune.Web.Tests.Privacy;

/// <summary>
/// A client's privacy requests, handled by the clinic admin: a copy of everything held (FHIR Bundle and a readable
/// page) and erasure that leaves nothing of the client but ids in an audit trail that still verifies.
/// </summary>
public class PrivacyRequestTests
{
    private const string Note = "Spoke of the bridge again; plan agreed.";
    private const string CheckInWords = "I felt rushed at the end today.";
    private const string SafetyWords = "Staying in bed past noon";
    private const string PhaseReason = "Goals agreed; she feels safe enough to start exposure";

    /// <summary>A client with a session, a note, a completed check-in with written words, and a phase change.</summary>
    private static async Task<Guid> ClientWithARecordAsync(AttuneFactory app, StaffClient staff, string name)
    {
        var clientId = await Slice.AddClientAsync(staff, name, email: $"{name.Replace(' ', '.').ToLowerInvariant()}@example.org");
        var sessionId = await Slice.RecordEndedSessionAsync(app, staff, clientId);
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}/sessions/{sessionId}/note", "note", new() { ["text"] = Note }));
        var link = await Slice.CreateCheckInAsync(staff, clientId, "connection-check", "phq-9");
        var answers = Slice.ConnectionCheck(note: CheckInWords);
        foreach (var (k, v) in Slice.Phq9(1, 1, 1, 0, 0, 1, 0, 0, 0)) answers[k] = v;
        Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, link, answers)).StatusCode);
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}", "phase", new() { ["PhaseInput.To"] = "Working", ["PhaseInput.Reason"] = PhaseReason }));
        await Slice.FollowAsync(staff, await staff.PostFormAsync($"/clients/{clientId}/safety-plan", "plan", new() { ["WarningSigns"] = SafetyWords, ["PeopleToAskForHelp"] = "My sister" }));
        // Brought to supervision, and answered in a consultation note.
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync($"/supervision/ask?client={clientId}", "ask", new() { ["question"] = "How do I pace the exposure work?" })).StatusCode);
        await using (var db = app.CreateDbContext())
        {
            var question = await db.SupervisionQuestions.Where(q => q.ClientId == clientId).Select(q => q.Id).SingleAsync();
            var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
            Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostFormAsync($"/supervision/consultations/new?question={question}", "consultation", new() { ["text"] = "Agree a ladder with her first." })).StatusCode);
        }
        return clientId;
    }

    [Theory, AllDatabases]
    public async Task The_admin_exports_everything_held_on_one_client_as_a_FHIR_Bundle_and_a_readable_copy(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await ClientWithARecordAsync(app, staff, "Petra Privacy");
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);

        var found = WebUtility.HtmlDecode(await admin.Http.GetStringAsync("/admin/privacy?q=petra", ct));
        Assert.Contains($"/admin/privacy/{clientId}", found);
        Assert.DoesNotContain("Alex M.", found);
        var summary = WebUtility.HtmlDecode(await admin.Http.GetStringAsync($"/admin/privacy/{clientId}", ct));
        Assert.Contains("<tr><td>Session notes</td><td>1</td></tr>", summary);
        Assert.Contains("<tr><td>Questions brought to supervision</td><td>1</td></tr>", summary);
        Assert.Contains("<tr><td>Consultation notes</td><td>1</td></tr>", summary);
        Assert.Contains("<tr><td>Safety plan versions</td><td>1</td></tr>", summary);
        Assert.Contains("<tr><td>Questionnaire responses</td><td>2</td></tr>", summary);
        Assert.DoesNotContain(Note, summary);

        // Issue 17: the whole record (unshared notes included) opened with no reason asked and no one told. Now the copy
        // opens only under a disclosure with its reason, and the client's clinician hears of it.
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Http.GetAsync($"/admin/privacy/{clientId}/bundle", ct)).StatusCode);
        var noReason = await admin.Http.GetAsync($"/admin/privacy/{clientId}/copy?disclosure={Guid.NewGuid()}", ct);
        Assert.Equal(HttpStatusCode.Forbidden, noReason.StatusCode);
        Assert.DoesNotContain(Note, await noReason.Content.ReadAsStringAsync(ct));
        var vague = await admin.PostFormAsync($"/admin/privacy/{clientId}", "disclose", new() { ["Reason"] = "other", ["Words"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, vague.StatusCode);
        var disclosed = await admin.PostFormAsync($"/admin/privacy/{clientId}", "disclose", new() { ["Reason"] = "right-of-access", ["Words"] = "Emailed request of 1 November" });
        Assert.Equal(HttpStatusCode.OK, disclosed.StatusCode);
        var disclosure = System.Text.RegularExpressions.Regex.Match(await disclosed.Content.ReadAsStringAsync(ct), "bundle\\?disclosure=([0-9a-f-]{36})").Groups[1].Value;
        Assert.NotEmpty(disclosure);
        await using (var db = app.CreateDbContext())
        {
            // The clinician and their supervisor, told without the client's name.
            var notices = await db.Outbox.AsNoTracking().Where(m => m.Kind == OutboxKinds.Disclosure).ToListAsync(ct);
            Assert.Contains(notices, n => n.To == Demo.ClinicianEmail);
            Assert.Contains(notices, n => n.To == Demo.SupervisorEmail);
            Assert.All(notices, n => Assert.DoesNotContain("Petra", Slice.WithoutLinks(n.Body)));
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.ClientId == clientId && e.Action == "disclose" && e.EntityId == Guid.Parse(disclosure), ct));
            Assert.Equal(0, await db.AuditEvents.CountAsync(e => e.ClientId == clientId && e.Action == "export", ct));
        }

        var download = await admin.Http.GetAsync($"/admin/privacy/{clientId}/bundle?disclosure={disclosure}", ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/fhir+json", download.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", download.Content.Headers.ContentDisposition?.ToString());
        var json = await download.Content.ReadAsStringAsync(ct);
        var bundle = FhirJson.Deserialize<Bundle>(json);
        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        var resources = bundle.Entry.Select(e => e.Resource).ToList();
        var patient = Assert.Single(resources.OfType<Patient>());
        Assert.Equal("Petra Privacy", patient.Name.Single().Text);
        Assert.Equal("petra.privacy@example.org", patient.Telecom.Single().Value);
        Assert.Single(resources.OfType<EpisodeOfCare>());
        Assert.Single(resources.OfType<Encounter>());
        Assert.Equal(2, resources.OfType<QuestionnaireResponse>().Count());
        var phq = resources.OfType<QuestionnaireResponse>().Single(q => q.Questionnaire?.EndsWith("phq-9") == true);
        Assert.Equal(9, phq.Item.Single(i => i.LinkId == "stem").Item.Count);
        var score = resources.OfType<Observation>().Single(o => o.DerivedFrom.Single().Reference == $"urn:uuid:{phq.Id}");
        Assert.Equal(4m, Assert.IsType<Quantity>(score.Value).Value);
        var texts = resources.OfType<DocumentReference>().Select(d => Encoding.UTF8.GetString(d.Content.Single().Attachment.Data!)).ToList();
        Assert.Contains(Note, texts);
        Assert.Contains(PhaseReason, texts);
        Assert.Contains(texts, t => t.Contains(CheckInWords, StringComparison.Ordinal));
        Assert.Contains(SafetyWords, texts);
        Assert.Contains("Agree a ladder with her first.", texts);
        Assert.Contains("How do I pace the exposure work?", texts);
        Assert.Single(resources.OfType<Practitioner>());
        Assert.NotEmpty(resources.OfType<Hl7.Fhir.Model.AuditEvent>());
        // Every entry has a full URL, and every reference inside the bundle points at an entry of it.
        var urls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();
        Assert.Equal(bundle.Entry.Count, urls.Count);
        Assert.All(bundle.Entry, e => Assert.StartsWith("urn:uuid:", e.FullUrl));
        var references = System.Text.RegularExpressions.Regex.Matches(json, "\"reference\"\\s*:\\s*\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.True(references.Count > 10, $"{references.Count} references");
        Assert.All(references, r => Assert.Contains(r, urls));
        // Nothing of another client.
        Assert.DoesNotContain("Alex M.", await (await admin.Http.GetAsync($"/admin/privacy/{clientId}/bundle?disclosure={disclosure}", ct)).Content.ReadAsStringAsync(ct));

        var readable = WebUtility.HtmlDecode(await admin.Http.GetStringAsync($"/admin/privacy/{clientId}/copy?disclosure={disclosure}", ct));
        Assert.Contains("Petra Privacy", readable);
        Assert.Contains(Note, readable);
        Assert.Contains(CheckInWords, readable);
        Assert.Contains("Safety plan, version 1: Warning signs", readable);
        Assert.Contains("Supervisor's consultation note", readable);
        Assert.Contains(SafetyWords, readable);
        Assert.Contains("Who read or changed this record", readable);
        // Issue 18, point 10: in plain words, not codes: the session's way and attendance, each answer's item and label.
        Assert.Contains("<td>Video</td><td>Attended</td>", readable);
        Assert.Contains("<li>1. Little interest or pleasure in doing things: <strong>Several days (1)</strong></li>", readable);
        Assert.Contains("<li>9. Thoughts that you would be better off dead or of hurting yourself in some way: <strong>Not at all (0)</strong></li>", readable);
        Assert.DoesNotContain("InPerson", readable);
        Assert.DoesNotContain("\"heard\"", readable);

        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.ClientId == clientId && e.Action == "export", ct));
            // The events name the record, never its content.
            Assert.All(await db.AuditEvents.Where(e => e.ClientId == clientId).ToListAsync(ct), e => Assert.DoesNotContain("Petra", e.EntityType + e.Action));
        }

        // Only the clinic's admins: not the treating clinician, not another clinic's admin.
        Assert.Contains("/denied", StaffClient.Target(await staff.Http.GetAsync($"/admin/privacy/{clientId}/bundle", ct)));
        var otherOrg = await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password");
        await Demo.AddStaffAsync(app, otherOrg, "otheradmin@elsewhere.example", "other-admin-password", StaffRoles.Admin, "Other Admin");
        var otherAdmin = await StaffClient.SignInAsync(app, "otheradmin@elsewhere.example", "other-admin-password");
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.Http.GetAsync($"/admin/privacy/{clientId}/bundle?disclosure={disclosure}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.Http.GetAsync($"/admin/privacy/{clientId}/copy?disclosure={disclosure}", ct)).StatusCode);
        // A disclosure holds for an hour.
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Http.GetAsync($"/admin/privacy/{clientId}/bundle?disclosure={disclosure}", ct)).StatusCode);
        Assert.DoesNotContain("Petra", await otherAdmin.Http.GetStringAsync("/admin/privacy?q=petra", ct));
    }

    [Theory, AllDatabases]
    public async Task Erasure_removes_the_client_and_keeps_the_audit_chain_intact(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await ClientWithARecordAsync(app, staff, "Erin Erase");
        var keptId = await ClientWithARecordAsync(app, staff, "Kim Kept");
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var kept = await RecordCountsAsync(app, keptId);
        var erasedBefore = await RecordCountsAsync(app, clientId);
        Assert.All(new[] { "relationships", "sessions", "checkins", "responses", "notes", "noteversions", "phasechanges", "safetyplans", "safetyplanversions", "supervisionquestions", "consultationnotes", "consultationversions" }, k => Assert.True(erasedBefore[k] > 0, k));
        int eventsAbout;
        await using (var db = app.CreateDbContext())
            eventsAbout = await db.AuditEvents.CountAsync(e => e.ClientId == clientId, ct);

        // A wrong confirmation changes nothing.
        var path = $"/admin/privacy/{clientId}";
        var wrong = await admin.PostFormAsync(path, "erase", new() { ["Confirm"] = "Erin" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal(erasedBefore, await RecordCountsAsync(app, clientId));

        var erased = await admin.PostFormAsync(path, "erase", new() { ["Confirm"] = "Erin Erase" });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Contains("The client's record has been erased", WebUtility.HtmlDecode(await erased.Content.ReadAsStringAsync(ct)));

        // Nothing of the client is left in any table; the other client is untouched.
        Assert.All(await RecordCountsAsync(app, clientId), c => Assert.True(c.Value == 0, $"{c.Key}: {c.Value} left"));
        Assert.Equal(kept, await RecordCountsAsync(app, keptId));
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.Outbox.AnyAsync(m => m.To == "erin.erase@example.org", ct));
            var rows = string.Join("\n", (await db.AuditEvents.AsNoTracking().ToListAsync(ct)).Select(e => $"{e.EntityType} {e.Action} {e.RemoteAddress}"));
            Assert.DoesNotContain("Erin", rows);
            // The audit trail keeps every event about the client (ids only), plus the erasure, and still verifies.
            // + two reads of the summary page (each form post reads the page first) + the erasure.
            Assert.Equal(eventsAbout + 3, await db.AuditEvents.CountAsync(e => e.ClientId == clientId, ct));
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.ClientId == clientId && e.Action == "erase", ct));
            var verification = await AuditChain.VerifyAsync(db, ct: ct);
            Assert.True(verification.Intact, string.Join("; ", verification.Problems));
        }
        var (exit, output, _) = await CommandLine.RunAsync(["audit", "verify", .. app.DatabaseArguments]);
        Assert.True(exit == 0, output);
        if (provider == "postgres")
        {
            // The erasure's tables were vacuumed after it, so their dead rows are pruned from the pages.
            await using var db = app.CreateDbContext();
            var vacuumed = await db.Database.SqlQueryRaw<DateTime?>("SELECT last_vacuum AS \"Value\" FROM pg_stat_user_tables WHERE relname = 'Clients'").SingleAsync(ct);
            Assert.NotNull(vacuumed);
        }

        // The client is gone from every page.
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Http.GetAsync($"/clients/{clientId}", ct)).StatusCode);
        Assert.DoesNotContain("Erin Erase", await staff.Http.GetStringAsync("/", ct));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync(path, ct)).StatusCode);
        Assert.Contains("Kim Kept", await staff.Http.GetStringAsync("/", ct));
    }

    /// <summary>
    /// Issue 17: after "Erase" and a checkpoint, grep still found the client's name, email, phone, the check-in email
    /// with its link and the PHQ-9 answers in the SQLite file. Now every value stored about the client is first found in
    /// the database file or its log, and after the erasure in neither.
    /// </summary>
    [Fact]
    public async Task Erasure_leaves_no_value_stored_about_the_client_in_the_database_file_or_its_log()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Zephyrine Quill", email: "zephyrine.quill@example.org", phone: "+15550107733");
        var page = await staff.Http.GetStringAsync($"/clients/{clientId}", ct);
        await Slice.FollowAsync(staff, await staff.PostFormFromHtmlAsync($"/clients/{clientId}", page, "checkin", new() { ["CheckInInput.Email"] = "true" },
            [new("CheckInInput.Instruments", "connection-check"), new("CheckInInput.Instruments", "phq-9")]));
        var values = new List<string> { "Zephyrine Quill", "zephyrine.quill@example.org", "+15550107733" };
        string file;
        await using (var db = app.CreateDbContext())
        {
            file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var body = (await db.Outbox.AsNoTracking().SingleAsync(m => m.To == "zephyrine.quill@example.org", ct)).Body;
            var link = System.Text.RegularExpressions.Regex.Match(body, @"/c/\S+").Value;
            values.Add(link);
            Assert.Equal(HttpStatusCode.OK, (await Slice.SubmitAsync(app, link, new(Slice.ConnectionCheck(note: "Quillfeather-words-only-here")) { ["connection-check/heard"] = "3", ["connection-check/seen"] = "9", ["connection-check/room"] = "4", ["phq-9/1"] = "2", ["phq-9/2"] = "1", ["phq-9/3"] = "1", ["phq-9/4"] = "0", ["phq-9/5"] = "0", ["phq-9/6"] = "1", ["phq-9/7"] = "0", ["phq-9/8"] = "0", ["phq-9/9"] = "3" })).StatusCode);
        }
        await using (var db = app.CreateDbContext())
        {
            // What the database holds about the client, as stored: the answers as their JSON text, the sealed free text.
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT r.\"Answers\", coalesce(r.\"ProtectedText\", '') FROM \"Responses\" r JOIN \"Relationships\" e ON e.\"Id\" = r.\"RelationshipId\" WHERE e.\"ClientId\" = $id";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "$id";
            parameter.Value = clientId.ToString().ToUpperInvariant();
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                values.AddRange(new[] { reader.GetString(0), reader.GetString(1) }.Where(v => v.Length > 0));
            Assert.Contains(values, v => v.Contains("\"9\":3", StringComparison.Ordinal)); // item 9 answered "nearly every day"
            Assert.True(await db.Alerts.AnyAsync(a => a.Urgent, ct));
        }
        Assert.True(values.Count >= 7, string.Join(" | ", values));

        byte[] Files() => [.. File.ReadAllBytes(file), .. File.Exists(file + "-wal") ? File.ReadAllBytes(file + "-wal") : []];
        bool Held(byte[] bytes, string value) => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) >= 0;
        var before = Files();
        Assert.All(values, v => Assert.True(Held(before, v), $"not in the files before erasure: {v}"));

        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var erased = await admin.PostFormAsync($"/admin/privacy/{clientId}", "erase", new() { ["Confirm"] = "Zephyrine Quill" });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        var after = Files();
        Assert.All(values, v => Assert.False(Held(after, v), $"still in the files after erasure: {v}"));
        // The database is whole, and its audit trail verifies.
        await using (var db = app.CreateDbContext())
            Assert.True((await AuditChain.VerifyAsync(db, ct: ct)).Intact);
    }

    /// <summary>Rows held on the client, table by table, found through the client's episodes.</summary>
    private static async Task<Dictionary<string, int>> RecordCountsAsync(AttuneFactory app, Guid clientId)
    {
        await using var db = app.CreateDbContext();
        var ids = await db.Relationships.Where(r => r.ClientId == clientId).Select(r => r.Id).ToListAsync();
        var noteIds = await db.Notes.Where(n => ids.Contains(n.RelationshipId)).Select(n => n.Id).ToListAsync();
        var goalIds = await db.Goals.Where(g => ids.Contains(g.RelationshipId)).Select(g => g.Id).ToListAsync();
        return new()
        {
            ["clients"] = await db.Clients.CountAsync(c => c.Id == clientId),
            ["relationships"] = ids.Count,
            ["sessions"] = await db.Sessions.CountAsync(s => ids.Contains(s.RelationshipId)),
            ["phasechanges"] = await db.PhaseChanges.CountAsync(s => ids.Contains(s.RelationshipId)),
            ["checkins"] = await db.CheckIns.CountAsync(c => ids.Contains(c.RelationshipId)),
            ["responses"] = await db.Responses.CountAsync(r => ids.Contains(r.RelationshipId)),
            ["alerts"] = await db.Alerts.CountAsync(a => ids.Contains(a.RelationshipId)),
            ["goals"] = goalIds.Count,
            ["goalratings"] = await db.GoalRatings.CountAsync(r => goalIds.Contains(r.GoalId)),
            ["reflections"] = await db.Reflections.CountAsync(r => ids.Contains(r.RelationshipId)),
            ["ruptures"] = await db.Ruptures.CountAsync(r => ids.Contains(r.RelationshipId)),
            ["notes"] = noteIds.Count,
            ["noteversions"] = await db.Set<Attune.Core.Notes.SessionNoteVersion>().CountAsync(v => noteIds.Contains(v.NoteId)),
            ["intakes"] = await db.Intakes.CountAsync(i => ids.Contains(i.RelationshipId)),
            ["endings"] = await db.Endings.CountAsync(e => ids.Contains(e.RelationshipId)),
            ["breakglass"] = await db.BreakGlass.CountAsync(b => b.ClientId == clientId),
            ["riskreviews"] = await db.RiskReviews.CountAsync(r => ids.Contains(r.RelationshipId)),
            ["safetyplans"] = await db.SafetyPlans.CountAsync(p => p.ClientId == clientId),
            ["safetyplanversions"] = await db.SafetyPlans.Where(p => p.ClientId == clientId).SelectMany(p => p.Versions).CountAsync(),
            ["supervisionquestions"] = await db.SupervisionQuestions.CountAsync(q => q.ClientId == clientId),
            ["consultationnotes"] = await db.ConsultationNotes.CountAsync(n => n.ClientId == clientId),
            ["consultationversions"] = await db.ConsultationNotes.Where(n => n.ClientId == clientId).SelectMany(n => n.Versions).CountAsync(),
        };
    }
}
