using System.Net;
using Attune.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Clients;

public class SessionNoteTests
{
    [Theory, AllDatabases]
    public async Task A_session_note_is_encrypted_versioned_and_read_only_by_the_clinician_or_a_supervisor_it_is_shared_with(string provider)
    {
        await using var app = await AttuneFactory.StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var staff = await Demo.ClinicianAsync(app);
        var clientId = await Slice.AddClientAsync(staff, "Noa Notes");
        var sessionId = await Slice.RecordEndedSessionAsync(app, staff, clientId);
        var path = $"/clients/{clientId}/sessions/{sessionId}/note";
        Assert.Contains(path, await staff.Http.GetStringAsync($"/clients/{clientId}", ct));

        foreach (var (text, why) in new[] { ("   ", "Give the note"), (new string('n', 20_001), "Keep the note to 20000 characters") })
        {
            var refused = await staff.PostFormAsync(path, "note", new() { ["text"] = text });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains(why, await refused.Content.ReadAsStringAsync(ct));
        }
        await using (var db = app.CreateDbContext())
            Assert.False(await db.Notes.AnyAsync(ct));

        Assert.Contains("Note saved", await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "note", new() { ["text"] = "Talked about her sister's visit." })));
        var supervisor = await StaffClient.SignInAsync(app, Demo.SupervisorEmail, Demo.SupervisorPassword);
        var hidden = await supervisor.Http.GetStringAsync(path, ct);
        Assert.Contains("has not shared a note", hidden);
        Assert.DoesNotContain("sister", hidden);

        app.Clock.Advance(TimeSpan.FromHours(1));
        var saved = WebUtility.HtmlDecode(await Slice.FollowAsync(staff, await staff.PostFormAsync(path, "note",
            new() { ["text"] = "Talked about her sister's visit and the argument after it.", ["shared"] = "true" })));
        Assert.Contains("Note saved as version 2; the earlier versions are kept.", saved);
        Assert.Contains("Talked about her sister's visit.</div>", saved); // version 1, under "Earlier versions"

        await using (var db = app.CreateDbContext())
        {
            var note = await db.Notes.Include(n => n.Versions).AsNoTracking().SingleAsync(ct);
            Assert.Equal([1, 2], note.Versions.OrderBy(v => v.Number).Select(v => v.Number));
            Assert.All(note.Versions, v => Assert.DoesNotContain("sister", v.ProtectedText)); // the stored bytes hold no text
            Assert.True(note.SharedWithSupervisor);
        }
        var shown = WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync(path, ct));
        Assert.Contains("Shared with you by the clinician. Version 2", shown);
        Assert.Contains("and the argument after it.", shown);
        Assert.DoesNotContain("name=\"text\"", shown); // read only
        Assert.Contains("Session note shared with you", WebUtility.HtmlDecode(await supervisor.Http.GetStringAsync($"/clients/{clientId}/timeline", ct)));

        await using (var db = app.CreateDbContext())
        {
            var reads = await db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "SessionNote").ToListAsync(ct);
            Assert.Equal(1, reads.Count(e => e.Action == "create"));
            Assert.Equal(1, reads.Count(e => e.Action == "update"));
            Assert.Contains(reads, e => e.Action == "read" && e.ActorKind == "staff" && e.ClientId == clientId);
        }

        // Nobody else: another clinic's clinician gets 404, the admin has no access to records.
        await Demo.CreateOtherClinicAsync(app, "other@elsewhere.example", "other-clinic-password");
        var other = await StaffClient.SignInAsync(app, "other@elsewhere.example", "other-clinic-password");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(path, ct)).StatusCode);
        var admin = await StaffClient.SignInAsync(app, Demo.AdminEmail, Demo.AdminPassword);
        var adminResponse = await admin.Http.GetAsync(path, ct);
        Assert.NotEqual(HttpStatusCode.OK, adminResponse.StatusCode);
        Assert.DoesNotContain("sister", await adminResponse.Content.ReadAsStringAsync(ct));
    }
}
