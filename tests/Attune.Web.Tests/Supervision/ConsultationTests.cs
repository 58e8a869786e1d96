using System.Net;
using Attune.Data;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Supervision;

/// <summary>Issue 21, point 2: a clinician brings a client or an alert to supervision; the supervisor answers in a consultation note.</summary>
public class ConsultationTests
{
    private const string Question = "Remy answered item 9 for the first time. How do I raise a safety plan without losing her?";
    private const string Answer = "Name what she told the check-in, then build the plan together in this session.";
    private const string Revised = "Name what she told the check-in; build the plan together; ask how it felt to be asked.";

    [Theory, AllDatabases]
    public async Task An_alert_brought_to_supervision_reaches_the_supervisors_agenda_and_the_answer_reaches_only_the_clinician(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var sam = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(sam, "Remy Early");
        var link = await Slice.CreateCheckInAsync(sam, clientId, "phq-9");
        Assert.True((await Slice.SubmitAsync(app, link, Slice.Phq9(0, 1, 0, 0, 0, 0, 0, 0, 1))).IsSuccessStatusCode);
        Guid alertId, org;
        await using (var db = app.CreateDbContext())
        {
            alertId = await db.Alerts.Where(a => a.Urgent).Select(a => a.Id).SingleAsync(ct);
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
        }
        Assert.Contains($"/supervision/ask?client={clientId}&amp;alert={alertId}", await sam.Http.GetStringAsync($"/alerts/{alertId}", ct));

        // An empty question is refused beside the field, and nothing is stored.
        var ask = $"/supervision/ask?client={clientId}&alert={alertId}";
        var empty = await sam.PostFormAsync(ask, "ask", new() { ["question"] = "  " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Contains("Give your question", WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync(ct)));
        var asked = await sam.PostFormAsync(ask, "ask", new() { ["question"] = Question });
        Assert.Equal("/supervision/mine?done=asked", StaffClient.Target(asked));
        Guid questionId;
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.SupervisionQuestions.SingleAsync(ct);
            (questionId, var cipher) = (stored.Id, stored.ProtectedQuestion);
            Assert.Equal((clientId, alertId), (stored.ClientId!.Value, stored.AlertId!.Value));
            Assert.DoesNotContain("item 9", cipher);
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityType == "SupervisionQuestion" && e.Action == "create" && e.ClientId == clientId, ct));
        }

        // On Dr. Okafor's agenda: who asks, about whom and which alert, and the question.
        var okafor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var agenda = WebUtility.HtmlDecode(await okafor.Http.GetStringAsync("/supervision", ct));
        Assert.Contains("Brought to supervision", agenda);
        Assert.Contains(Question, agenda);
        Assert.Contains($"<a href=\"/clients/{clientId}\">Remy Early</a>", agenda);
        Assert.Contains($"<a href=\"/alerts/{alertId}\">the alert “Risk answer”</a>", agenda);
        Assert.Contains($"/supervision/consultations/new?question={questionId}", agenda);

        // Another supervisor, a clinician who is not the one who asked, and the admin see none of it and cannot answer.
        await Demo.AddStaffAsync(app, org, "other.supervisor@riverside.example", "other-supervisor-2026", StaffRoles.Supervisor, "Dr. Lee Other");
        await Demo.AddStaffAsync(app, org, "kai@riverside.example", "kai-clinician-2026", StaffRoles.Clinician, "Kai Other");
        var other = await StaffClient.SignInAsync(app, "other.supervisor@riverside.example", "other-supervisor-2026");
        var kai = await StaffClient.SignInAsync(app, "kai@riverside.example", "kai-clinician-2026");
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        Assert.DoesNotContain(Question, await other.Http.GetStringAsync("/supervision", ct));
        Assert.DoesNotContain(Question, await kai.Http.GetStringAsync("/supervision/mine", ct));
        foreach (var outsider in new[] { other, kai, admin })
        {
            var page = await outsider.Http.GetAsync($"/supervision/consultations/new?question={questionId}", ct);
            Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
            Assert.DoesNotContain("item 9", await page.Content.ReadAsStringAsync(ct));
        }
        var refused = await other.PostFormFromHtmlAsync($"/supervision/consultations/new?question={questionId}", await other.Http.GetStringAsync("/supervision", ct),
            "consultation", new() { ["text"] = "Not mine to answer." });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        // The clinician who asked does not answer it: the page is for supervisors (to the access-denied page).
        var self = await sam.PostFormFromHtmlAsync($"/supervision/consultations/new?question={questionId}",
            await sam.Http.GetStringAsync("/supervision/mine", ct), "consultation", new() { ["text"] = "Answering myself." });
        Assert.StartsWith("/denied", StaffClient.Target(self));

        // Dr. Okafor answers; an empty answer first changes nothing.
        var answerPath = $"/supervision/consultations/new?question={questionId}";
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await okafor.PostFormAsync(answerPath, "consultation", new() { ["text"] = "" })).StatusCode);
        await using (var db = app.CreateDbContext())
            Assert.Equal(0, await db.ConsultationNotes.CountAsync(ct));
        var saved = await okafor.PostFormAsync(answerPath, "consultation", new() { ["text"] = Answer });
        var notePath = StaffClient.Target(saved).Split('?')[0];
        Assert.StartsWith("/supervision/consultations/", notePath);
        Assert.Contains("Consultation note saved", WebUtility.HtmlDecode(await Slice.FollowAsync(okafor, saved)));
        // Answered: off the agenda; a second answer to it is a conflict.
        Assert.DoesNotContain(Question, WebUtility.HtmlDecode(await okafor.Http.GetStringAsync("/supervision", ct)).Split("Your latest consultation notes")[0]);
        var again = await okafor.PostFormFromHtmlAsync(answerPath, await okafor.Http.GetStringAsync("/supervision", ct), "consultation", new() { ["text"] = "Twice." });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // Sam reads the answer on their supervision page, on the note's page and on Remy's page; the note page has no form for Sam.
        var mine = WebUtility.HtmlDecode(await sam.Http.GetStringAsync("/supervision/mine", ct));
        Assert.Contains("Answered: read the consultation note", mine);
        Assert.Contains(Answer, mine);
        Assert.Contains("from Dr. Amara Okafor", mine);
        var noteForSam = WebUtility.HtmlDecode(await sam.Http.GetStringAsync(notePath, ct));
        Assert.Contains(Answer, noteForSam);
        Assert.Contains(Question, noteForSam);
        Assert.DoesNotContain("Save a new version", noteForSam);
        Assert.Contains(Answer, WebUtility.HtmlDecode(await sam.Http.GetStringAsync($"/clients/{clientId}", ct)));
        Assert.Contains(Answer, WebUtility.HtmlDecode(await okafor.Http.GetStringAsync($"/clients/{clientId}", ct)));
        foreach (var outsider in new[] { other, kai, admin })
        {
            // Not theirs: not found; the admin is not let in at all (to the access-denied page).
            var page = await outsider.Http.GetAsync(notePath, ct);
            Assert.Equal(outsider == admin ? HttpStatusCode.Redirect : HttpStatusCode.NotFound, page.StatusCode);
            Assert.DoesNotContain("safety plan", await page.Content.ReadAsStringAsync(ct));
        }

        // Dr. Okafor revises it: a second version, the first kept and shown to Sam. Sam cannot revise it.
        var revised = await okafor.PostFormAsync(notePath, "consultation", new() { ["text"] = Revised });
        Assert.Contains("as version 2; the earlier versions are kept", WebUtility.HtmlDecode(await Slice.FollowAsync(okafor, revised)));
        var both = WebUtility.HtmlDecode(await sam.Http.GetStringAsync(notePath, ct));
        Assert.Contains(Revised, both);
        Assert.Contains("Earlier versions (1)", both);
        Assert.Contains(Answer, both);
        var samRevises = await sam.PostFormFromHtmlAsync(notePath, await sam.Http.GetStringAsync("/supervision/mine", ct), "consultation", new() { ["text"] = "Mine now." });
        Assert.Equal(HttpStatusCode.Forbidden, samRevises.StatusCode);

        await using (var db = app.CreateDbContext())
        {
            var note = await db.ConsultationNotes.Include(n => n.Versions).SingleAsync(ct);
            Assert.Equal(2, note.Versions.Count);
            Assert.All(note.Versions, v => Assert.DoesNotContain("safety plan", v.ProtectedText));
            Assert.Equal((questionId, clientId), (note.QuestionId!.Value, note.ClientId!.Value));
            Assert.NotNull((await db.SupervisionQuestions.SingleAsync(ct)).AnsweredAt);
            var events = await db.AuditEvents.Where(e => e.EntityType == "ConsultationNote").ToListAsync(ct);
            Assert.Equal(1, events.Count(e => e.Action == "create"));
            Assert.Equal(1, events.Count(e => e.Action == "update"));
            var samUser = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.Id).SingleAsync(ct);
            Assert.Contains(events, e => e.Action == "read" && e.ActorId == samUser && e.ClientId == clientId);
        }
    }

    [Theory, AllDatabases]
    public async Task A_question_can_be_withdrawn_and_a_supervisor_writes_notes_only_for_their_own_supervisees_clients(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var sam = await Demo.ClinicianAsync(app);
        Guid org, samId, okaforClient, samClient;
        await using (var db = app.CreateDbContext())
        {
            org = await db.Organisations.Select(o => o.Id).SingleAsync(ct);
            samId = await db.Users.Where(u => u.Email == Demo.ClinicianEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            var okaforId = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId!.Value).SingleAsync(ct);
            okaforClient = await db.Relationships.Where(r => r.ClinicianId == okaforId).Select(r => r.ClientId).FirstAsync(ct);
            samClient = await db.Relationships.Where(r => r.ClinicianId == samId && r.Phase != Attune.Core.Relationships.RelationshipPhase.Closed).Select(r => r.ClientId).FirstAsync(ct);
        }

        // A question about Sam's practice, then withdrawn: off the agenda, and it cannot be withdrawn twice.
        var practice = "I feel I talk too much in first sessions.";
        Assert.Equal(HttpStatusCode.Redirect, (await sam.PostFormAsync("/supervision/ask", "ask", new() { ["question"] = practice })).StatusCode);
        var okafor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var agenda = WebUtility.HtmlDecode(await okafor.Http.GetStringAsync("/supervision", ct));
        Assert.Contains(practice, agenda);
        Assert.Contains("about their practice", agenda);
        Guid questionId;
        await using (var db = app.CreateDbContext())
            questionId = await db.SupervisionQuestions.Select(q => q.Id).SingleAsync(ct);
        var mine = await sam.Http.GetStringAsync("/supervision/mine", ct);
        var withdrawn = await sam.PostFormFromHtmlAsync("/supervision/mine", mine, "withdraw", new() { ["question"] = questionId.ToString() });
        Assert.Equal("/supervision/mine?done=withdrawn", StaffClient.Target(withdrawn));
        Assert.DoesNotContain(practice, WebUtility.HtmlDecode(await okafor.Http.GetStringAsync("/supervision", ct)));
        Assert.Equal(HttpStatusCode.Conflict, (await sam.PostFormFromHtmlAsync("/supervision/mine", mine, "withdraw", new() { ["question"] = questionId.ToString() })).StatusCode);
        var late = await okafor.PostFormFromHtmlAsync($"/supervision/consultations/new?question={questionId}", agenda, "consultation", new() { ["text"] = "Too late." });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);

        // Sam cannot ask about a client who is not his.
        var notHis = await sam.PostFormFromHtmlAsync($"/supervision/ask?client={okaforClient}", mine, "ask", new() { ["question"] = "About someone else's client." });
        Assert.Equal(HttpStatusCode.NotFound, notHis.StatusCode);

        // A note of the supervisor's own, about one of Sam's clients; not about a client who is not Sam's.
        var newNote = $"/supervision/consultations/new?supervisee={samId}";
        var wrong = await okafor.PostFormAsync(newNote, "consultation", new() { ["client"] = okaforClient.ToString(), ["text"] = "About my own client." });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("Choose one of Sam Rivera's clients, or none.", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync(ct)));
        var written = await okafor.PostFormAsync(newNote, "consultation", new() { ["client"] = samClient.ToString(), ["text"] = "Good pacing in the recording we watched." });
        Assert.StartsWith("/supervision/consultations/", StaffClient.Target(written));
        Assert.Contains("Good pacing in the recording we watched.", WebUtility.HtmlDecode(await sam.Http.GetStringAsync("/supervision/mine", ct)));
        Assert.Contains("Good pacing in the recording we watched.", WebUtility.HtmlDecode(await sam.Http.GetStringAsync($"/clients/{samClient}", ct)));

        // Another supervisor cannot write for Sam; a clinician with no supervisor is told to ask for one.
        await Demo.AddStaffAsync(app, org, "other.supervisor@riverside.example", "other-supervisor-2026", StaffRoles.Supervisor, "Dr. Lee Other");
        var other = await StaffClient.SignInAsync(app, "other.supervisor@riverside.example", "other-supervisor-2026");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostFormFromHtmlAsync(newNote, await other.Http.GetStringAsync("/supervision", ct), "consultation",
            new() { ["text"] = "Not my supervisee." })).StatusCode);
        await Demo.AddStaffAsync(app, org, "kai@riverside.example", "kai-clinician-2026", StaffRoles.Clinician, "Kai Other");
        var kai = await StaffClient.SignInAsync(app, "kai@riverside.example", "kai-clinician-2026");
        var alone = await kai.PostFormAsync("/supervision/ask", "ask", new() { ["question"] = "Who do I ask?" });
        Assert.Equal(HttpStatusCode.Conflict, alone.StatusCode);
        Assert.Contains("You have no supervisor yet", await alone.Content.ReadAsStringAsync(ct));
        await using (var db = app.CreateDbContext())
        {
            Assert.Equal(1, await db.SupervisionQuestions.CountAsync(ct));
            Assert.Equal(1, await db.ConsultationNotes.CountAsync(ct));
        }
    }
}
