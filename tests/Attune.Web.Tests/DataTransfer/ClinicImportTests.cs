using System.Text.Json;
using System.Net;
using System.Text;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Web.Features.Signals;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.DataTransfer;

public class ClinicImportTests
{
    /// <summary>The import form as an admin sends it: the kind, the file, and Check or Import.</summary>
    private static async Task<(HttpStatusCode Status, string Page)> SendAsync(StaffClient admin, string kind, string csv, bool apply)
    {
        var form = await admin.Http.GetStringAsync("/admin/data/import");
        using var content = new MultipartFormDataContent
        {
            { new StringContent("import"), "_handler" },
            { new StringContent(StaffClient.Token(form)), "__RequestVerificationToken" },
            { new StringContent(kind), "kind" },
            { new StringContent(apply ? "import" : "check"), "mode" },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", $"{kind}.csv");
        var response = await admin.Http.PostAsync("/admin/data/import", content);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Theory, AllDatabases]
    public async Task A_clinics_history_comes_in_checked_first_then_all_at_once_and_gives_its_own_expected_response_bands(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var (admin, org) = await AdminAsync(app);

        // 25 finished episodes from the old system (intake PHQ-9 18, weekly for 8 weeks) and one still in work.
        var start = new DateTime(2025, 1, 6, 9, 0, 0);
        var clients = new StringBuilder("reference,name,email,clinician_email,phase,opened_at,closed_at,ending,ending_reason\n");
        var sessions = new StringBuilder("reference,starts_at,modality,attendance\n");
        var scores = new StringBuilder("reference,instrument,completed_at,score,answers\n");
        for (var i = 1; i <= 25; i++)
        {
            var opened = start.AddDays(i);
            clients.Append($"H-{i:000},Old Client {i},,{Demo.ClinicianEmail},Closed,{opened:yyyy-MM-dd HH:mm},{opened.AddDays(60):yyyy-MM-dd},{(i % 2 == 0 ? "Planned" : "Unplanned")},GoalsMet\n");
            for (var week = 0; week < 8; week++)
            {
                var at = opened.AddDays(7 * week);
                sessions.Append($"H-{i:000},{at:yyyy-MM-dd HH:mm},{(week % 2 == 0 ? "InPerson" : "Video")},Attended\n");
                scores.Append($"H-{i:000},phq-9,{at.AddMinutes(50):yyyy-MM-dd HH:mm},{Math.Max(0, 18 - week - i % 3)},\n");
            }
        }
        clients.Append($"H-100,Current Client,current@example.org,{Demo.ClinicianEmail},Working,2026-10-01,,,\n");
        // A response with its answers (item 9 answered: a risk answer from history).
        scores.Append("H-100,phq-9,2026-10-01 10:00,,1=2;2=2;3=1;4=1;5=1;6=1;7=1;8=1;9=1\n");

        // Check: every row ready, nothing written.
        var before = await ClinicalState.FingerprintAsync(app, org);
        var check = await SendAsync(admin, "clients", clients.ToString(), apply: false);
        Assert.Equal(HttpStatusCode.OK, check.Status);
        Assert.Contains("Checked: ready to import", check.Page);
        Assert.Contains("26 rows in clients.csv: 26 to add, 0 already here, 0 with problems", check.Page);
        Assert.Equal(before, await ClinicalState.FingerprintAsync(app, org));

        // Import, in order: clients, sessions, scores.
        Assert.Contains("26 added", (await SendAsync(admin, "clients", clients.ToString(), apply: true)).Page);
        Assert.Contains("200 added", (await SendAsync(admin, "sessions", sessions.ToString(), apply: true)).Page);
        var scored = await SendAsync(admin, "scores", scores.ToString(), apply: true);
        Assert.Contains("201 added", scored.Page);
        Assert.Contains("A risk answer: stored as history; no alert is raised for it.", scored.Page);

        await using (var db = app.CreateDbContext())
        {
            var imported = await db.Clients.Where(c => c.OrganisationId == org && c.Reference!.StartsWith("H-")).ToListAsync(ct);
            Assert.Equal(26, imported.Count);
            var ids = imported.Select(c => c.Id).ToList();
            var episodes = await db.Relationships.Include(r => r.Sessions).Where(r => ids.Contains(r.ClientId)).ToListAsync(ct);
            Assert.Equal(25, episodes.Count(r => r.Phase == RelationshipPhase.Closed));
            Assert.Equal(RelationshipPhase.Working, episodes.Single(r => r.ClosedAt == null).Phase);
            Assert.Equal(25, await db.Endings.CountAsync(e => episodes.Select(r => r.Id).Contains(e.RelationshipId), ct));
            Assert.All(episodes.Where(r => r.ClosedAt != null), r => Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], r.Sessions.OrderBy(s => s.StartsAt).Select(s => s.Number ?? 0)));
            var responses = await db.Responses.Where(r => episodes.Select(e => e.Id).Contains(r.RelationshipId)).ToListAsync(ct);
            Assert.Equal(201, responses.Count);
            Assert.All(responses.Where(r => r.Answers.Count == 0), r => Assert.NotNull(r.SessionId));
            var risky = responses.Single(r => r.Answers.Count > 0);
            Assert.Equal((11m, true), (risky.Score, risky.IsRisk));
            // History raises no alert.
            Assert.False(await db.Alerts.AnyAsync(a => episodes.Select(e => e.Id).Contains(a.RelationshipId), ct));
            Assert.Equal(26 + 200 + 201, await db.AuditEvents.CountAsync(e => e.Action == "import" && e.OrganisationId == org, ct));
        }

        // The clinic's own bands, at once: intake 18 at the second measurement comes from its history.
        using (var scope = app.Services.CreateScope())
        {
            var tables = await scope.ServiceProvider.GetRequiredService<ExpectedResponses>().ForClinicAsync(org, ct);
            var expectation = tables["phq-9"].For(18, 2);
            Assert.Equal(ExpectationSource.ClinicHistory, expectation!.Source);
            Assert.True(expectation.Clients >= 25);
        }

        // The same file again: everything is already here; nothing is added twice.
        var again = await SendAsync(admin, "scores", scores.ToString(), apply: true);
        Assert.Contains("0 to add, 201 already here", again.Page);
        await using (var db = app.CreateDbContext())
            Assert.Equal(201, await db.Responses.CountAsync(r => db.Relationships.Any(x => x.Id == r.RelationshipId && db.Clients.Any(c => c.Id == x.ClientId && c.Reference!.StartsWith("H-"))), ct));
    }

    [Theory, AllDatabases]
    public async Task A_file_with_any_problem_writes_nothing_and_every_problem_is_named_by_line(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var (admin, org) = await AdminAsync(app);
        var before = await ClinicalState.FingerprintAsync(app, org);

        var clients = $"""
            reference,email,name,clinician_email,phase,opened_at,closed_at,ending_reason
            P-1,,Fine Person,{Demo.ClinicianEmail},Intake,2026-01-05,,
            P-2,,,{Demo.ClinicianEmail},Intake,2026-01-05,,
            P-3,"Nobody <nobody@example.org>",Nobody's Client,nobody@riverside.example,Intake,2026-01-05,,
            P-4,,Odd Phase,{Demo.ClinicianEmail},Someday,2026-01-05,,
            P-5,,Bad Date,{Demo.ClinicianEmail},Intake,05/01/2026,,
            P-1,,Twice,{Demo.ClinicianEmail},Intake,2026-01-05,,
            P-6,,Closed Without Reason,{Demo.ClinicianEmail},Closed,2026-01-05,2026-02-01,
            P-7,,Future,{Demo.ClinicianEmail},Intake,2099-01-01,,
            """;
        var (status, page) = await SendAsync(admin, "clients", clients, apply: true);
        Assert.Equal(HttpStatusCode.UnprocessableContent, status);
        Assert.Contains("Problems found: nothing was written", page);
        foreach (var expected in new[]
                 {
                     "name: give the client's name", "clinician_email: not a clinician or supervisor of this clinic", "phase: one of Intake",
                     "opened_at: not a time", "reference: P-1 is on an earlier line too", "ending_reason: a closed episode says why it ended",
                     "opened_at: in the future", "email: not an email address (just the address",
                 })
            Assert.Contains(expected, page);
        Assert.Contains("<td>3</td>", page);   // line numbers, counting the header as line 1
        Assert.Equal(before, await ClinicalState.FingerprintAsync(app, org));

        // Scores: unknown client, unknown instrument, out of range, answers that disagree with the score.
        var scores = """
            reference,instrument,completed_at,score,answers
            NOPE,phq-9,2026-01-05 10:00,5,
            """ + "\n" + $"""
            {await AlexReferenceAsync(app)},mood-ring,2026-01-05 10:00,5,
            {await AlexReferenceAsync(app)},phq-9,2026-01-05 10:00,99,
            {await AlexReferenceAsync(app)},phq-9,2026-01-05 11:00,3,1=1;2=1;3=1;4=1;5=0;6=0;7=0;8=0;9=0
            {await AlexReferenceAsync(app)},phq-9,2026-01-05 12:00,,
            """;
        (status, page) = await SendAsync(admin, "scores", scores, apply: false);
        Assert.Equal(HttpStatusCode.UnprocessableContent, status);
        foreach (var expected in new[] { "reference: no client of this clinic has this reference", "instrument: not one Attune knows", "score: a number from 0 to 27", "does not match the answers, which score 4", "score: give the total score, the answers, or both" })
            Assert.Contains(expected, page);

        // Whole-file problems: a missing column, an empty file, something that is not CSV.
        Assert.Contains("The file has no column clinician_email", (await SendAsync(admin, "clients", "reference,name\nX,Y\n", apply: true)).Page);
        Assert.Contains("Choose a CSV file.", (await SendAsync(admin, "sessions", "", apply: true)).Page);
        Assert.Contains("The file has a header but no rows.", (await SendAsync(admin, "sessions", "reference,starts_at\n", apply: true)).Page);
        Assert.Contains("The file is empty", (await SendAsync(admin, "sessions", "\n\n", apply: true)).Page);
        Assert.Equal(before, await ClinicalState.FingerprintAsync(app, org));

        // Admins only.
        var clinician = await Demo.ClinicianAsync(app);
        Assert.Contains("/denied", StaffClient.Target(await clinician.Http.GetAsync("/admin/data/import", ct)));
    }

    [Theory, AllDatabases]
    public async Task Imported_clinicians_are_invited_to_choose_their_own_password_and_then_sign_in(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var (admin, org) = await AdminAsync(app);
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinician-2026");
        var clinicians = $"""
            email,name,roles,supervisor_email
            new.supervisor@riverside.example,Dr. New Supervisor,supervisor clinician,
            new.clinician@riverside.example,New Clinician,clinician,new.supervisor@riverside.example
            second@riverside.example,Second Clinician,,{Demo.SupervisorEmail}
            {Demo.ClinicianEmail},Sam Rivera,clinician,
            """;
        var checkedOnly = await SendAsync(admin, "clinicians", clinicians, apply: false);
        Assert.Contains("4 rows in clinicians.csv: 3 to add, 1 already here, 0 with problems", checkedOnly.Page);
        await using (var db = app.CreateDbContext())
            Assert.False(await db.Users.AnyAsync(u => u.Email == "new.clinician@riverside.example", ct));

        Assert.Contains("3 added", (await SendAsync(admin, "clinicians", clinicians, apply: true)).Page);
        string link;
        await using (var db = app.CreateDbContext())
        {
            var made = await db.Users.Where(u => u.OrganisationId == org && u.Email!.StartsWith("new.") || u.Email == "second@riverside.example").ToListAsync(ct);
            Assert.Equal(3, made.Count);
            Assert.All(made, u => Assert.Null(u.PasswordHash));
            var byEmail = await db.Clinicians.Where(c => c.OrganisationId == org).ToDictionaryAsync(c => c.Id, ct);
            var supervisor = made.Single(u => u.Email == "new.supervisor@riverside.example");
            Assert.Equal(supervisor.ClinicianId, byEmail[made.Single(u => u.Email == "new.clinician@riverside.example").ClinicianId!.Value].SupervisorId);
            var demoSupervisor = await db.Users.Where(u => u.Email == Demo.SupervisorEmail).Select(u => u.ClinicianId).SingleAsync(ct);
            Assert.Equal(demoSupervisor, byEmail[made.Single(u => u.Email == "second@riverside.example").ClinicianId!.Value].SupervisorId);
            var roles = await (from u in db.Users join ur in db.UserRoles on u.Id equals ur.UserId join r in db.Roles on ur.RoleId equals r.Id
                               where u.Email == "new.supervisor@riverside.example" select r.Name).ToListAsync(ct);
            Assert.Equal(["clinician", "supervisor"], roles.Order());
            var invitations = await db.Outbox.Where(m => m.Subject == "Your Attune account").ToListAsync(ct);
            Assert.Equal(3, invitations.Count);
            var body = invitations.Single(m => m.To == "new.clinician@riverside.example").Body;
            link = new Uri(System.Text.RegularExpressions.Regex.Match(body, @"http\S+/account/set-password\S+").Value).PathAndQuery;
        }

        // The link: two different passwords are refused; a good one is set, and the link is then spent.
        var visitor = new StaffClient(StaffClient.Anonymous(app));
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync(link, ct)).StatusCode);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + link).Query);
        var fields = new Dictionary<string, string> { ["user"] = query["user"]!, ["token"] = query["token"]!, ["password"] = "a long new password", ["confirm"] = "a different one entirely" };
        Assert.Equal(HttpStatusCode.UnprocessableContent, (await visitor.PostFormAsync(link, "set-password", fields)).StatusCode);
        fields["confirm"] = "a long new password";
        var set = await visitor.PostFormAsync(link, "set-password", fields);
        Assert.Equal("/login?done=password", StaffClient.Target(set));
        var signedIn = await StaffClient.SignInAsync(app, "new.clinician@riverside.example", "a long new password");
        Assert.Equal(HttpStatusCode.OK, (await signedIn.Http.GetAsync("/", ct)).StatusCode);
        var again = await visitor.PostFormAsync(link, "set-password", fields);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("expired or has already been used", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync(ct)));

        // The same file again: nothing new; those still without a password get a fresh invitation.
        var repeat = await SendAsync(admin, "clinicians", clinicians, apply: true);
        Assert.Contains("0 added, 4 already here", repeat.Page);
        await using (var db = app.CreateDbContext())
        {
            var invitations = await db.Outbox.Where(m => m.Subject == "Your Attune account").ToListAsync(ct);
            Assert.Equal(5, invitations.Count);
            Assert.Single(invitations, m => m.To == "new.clinician@riverside.example");
        }

        // Problems: an admin role, an unknown supervisor, an address another clinic's account uses.
        var bad = """
            email,name,roles,supervisor_email
            boss@riverside.example,Boss,admin,
            lost@riverside.example,Lost,clinician,nobody@riverside.example
            other@elsewhere.example,Other Person,clinician,
            """;
        var refused = await SendAsync(admin, "clinicians", bad, apply: true);
        Assert.Equal(HttpStatusCode.UnprocessableContent, refused.Status);
        foreach (var expected in new[] { "roles: clinician, supervisor, or both", "supervisor_email: not a supervisor of this clinic", "email: another account already uses this address" })
            Assert.Contains(expected, refused.Page);
        await using (var db = app.CreateDbContext())
            Assert.False(await db.Users.AnyAsync(u => u.Email == "boss@riverside.example" || u.Email == "lost@riverside.example", ct));
    }

    [Fact]
    public async Task The_command_line_imports_a_folder_into_a_new_organisation_and_a_second_run_adds_nothing()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("attune-import-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "clinicians.csv"), "email,name,roles,supervisor_email\nlee@hill.example,Lee Hill,clinician;supervisor,\nmo@hill.example,Mo Hill,clinician,lee@hill.example\n", ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "clients.csv"), "reference,name,clinician_email,phase,opened_at,closed_at,ending,ending_reason\nK-1,Kim K.,mo@hill.example,Closed,2025-03-03 09:00,2025-05-26,Planned,GoalsMet\n", ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "scores.csv"), "reference,instrument,completed_at,score\nK-1,phq-9,2025-03-03 10:00,17\nK-1,phq-9,2025-05-19 10:00,6\n", ct);

            var (exit, output, error) = await CommandLine.RunAsync(["import", "--organisation", "Hillside Practice", folder, .. app.DatabaseArguments]);
            Assert.True(exit == 0, error + output);
            var json = JsonDocument.Parse(output).RootElement;
            Assert.True(json.GetProperty("created").GetBoolean());
            Assert.Equal([("clinicians.csv", 2), ("clients.csv", 1), ("scores.csv", 2)],
                json.GetProperty("files").EnumerateArray().Select(f => (f.GetProperty("file").GetString()!, f.GetProperty("added").GetInt32())));
            await using (var db = app.CreateDbContext())
            {
                var org = await db.Organisations.SingleAsync(o => o.Name == "Hillside Practice", ct);
                var mo = await db.Clinicians.SingleAsync(c => c.OrganisationId == org.Id && c.DisplayName == "Mo Hill", ct);
                Assert.Equal(await db.Clinicians.Where(c => c.DisplayName == "Lee Hill").Select(c => (Guid?)c.Id).SingleAsync(ct), mo.SupervisorId);
                var kim = await db.Relationships.SingleAsync(r => r.OrganisationId == org.Id, ct);
                Assert.Equal((mo.Id, RelationshipPhase.Closed, 2), (kim.ClinicianId, kim.Phase, await db.Responses.CountAsync(x => x.RelationshipId == kim.Id, ct)));
                // Audited as the system: no staff member did it.
                Assert.Equal(6, await db.AuditEvents.CountAsync(e => e.OrganisationId == org.Id && e.ActorKind == "system" && (e.Action == "import" || e.Action == "create"), ct));
            }

            // Again: everything is already here. A broken file stops the run there, and nothing of it is written.
            (exit, output, _) = await CommandLine.RunAsync(["import", "--organisation", "Hillside Practice", folder, .. app.DatabaseArguments]);
            Assert.Equal(0, exit);
            Assert.All(JsonDocument.Parse(output).RootElement.GetProperty("files").EnumerateArray(), f => Assert.Equal(0, f.GetProperty("added").GetInt32()));
            await File.WriteAllTextAsync(Path.Combine(folder, "clients.csv"), "reference,name,clinician_email\nK-2,Kay K.,nobody@hill.example\n", ct);
            (exit, output, _) = await CommandLine.RunAsync(["import", "--organisation", "Hillside Practice", folder, .. app.DatabaseArguments]);
            Assert.Equal(1, exit);
            var clients = JsonDocument.Parse(output).RootElement.GetProperty("files").EnumerateArray().Last();
            Assert.Equal("clients.csv", clients.GetProperty("file").GetString());
            Assert.Contains("line 2 (K-2)", clients.GetProperty("problems")[0].GetString());
            await using (var db = app.CreateDbContext())
                Assert.False(await db.Clients.AnyAsync(c => c.DisplayName == "Kay K.", ct));
            var (noFolder, _, noFolderError) = await CommandLine.RunAsync(["import", "--organisation", "Hillside Practice", Path.Combine(folder, "missing"), .. app.DatabaseArguments]);
            Assert.Equal(2, noFolder);
            Assert.Contains("There is no folder", noFolderError);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(StaffClient Admin, Guid Organisation)> AdminAsync(AttuneFactory app)
    {
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        await using var db = app.CreateDbContext();
        return (admin, await db.Users.Where(u => u.Email == Demo.AdminEmail).Select(u => u.OrganisationId).SingleAsync());
    }

    private static async Task<string> AlexReferenceAsync(AttuneFactory app)
    {
        await using var db = app.CreateDbContext();
        var alex = await db.Clients.SingleAsync(c => c.DisplayName == "Alex M.");
        if (alex.Reference is { } reference) return reference;
        // The demo gives Alex no reference: set one as a clinic would have.
        await db.Database.ExecuteSqlRawAsync("UPDATE \"Clients\" SET \"Reference\" = 'ALEX-1' WHERE \"Id\" = {0}", alex.Id);
        return "ALEX-1";
    }
}
