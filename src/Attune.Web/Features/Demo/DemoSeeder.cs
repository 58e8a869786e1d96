using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Demo;

public sealed record DemoLogin(string Role, string Email, string Password);

/// <summary>
/// Seeds a demo clinic into an empty database so that a first start has something to look at.
/// The demo passwords are public (they are printed and in the README): a real clinic turns seeding off.
/// </summary>
public sealed class DemoSeeder(AttuneDbContext db, UserManager<StaffUser> users, RoleManager<IdentityRole<Guid>> roles, InstrumentCatalog catalog, TimeProvider clock, AuditTrail audit, Signals.SignalEvaluator signals, Security.FreeTextProtector protector)
{
    public static readonly IReadOnlyList<DemoLogin> Logins =
    [
        new(StaffRoles.Clinician, "clinician@riverside.example", "demo-clinician-2026"),
        new(StaffRoles.Supervisor, "supervisor@riverside.example", "demo-supervisor-2026"),
        new(StaffRoles.Admin, "admin@riverside.example", "demo-admin-2026"),
    ];

    /// <summary>Seeds and returns the logins, or returns null when the database already has an organisation.</summary>
    public async Task<IReadOnlyList<DemoLogin>?> SeedIfEmptyAsync(CancellationToken ct = default)
    {
        if (await db.Organisations.AnyAsync(ct))
            return null;
        // The first encryption creates the Data Protection key, stored in the database through another connection:
        // make it before the seed's transaction holds SQLite's write lock.
        _ = protector.Protect("key ring ready");
        // All or nothing: a failed seed leaves an empty database, so the next start tries again.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var role in StaffRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole<Guid>(role));

        var org = new Organisation("Riverside Counselling (demo)", now);
        db.Organisations.Add(org);
        // Dr. Okafor joined before her thirty past clients; Sam a year ago (the admin's analytics number clinicians by when they were added).
        var supervisorClinician = new Clinician(org.Id, "Dr. Amara Okafor", now.AddDays(-7 * 100));
        var clinician = new Clinician(org.Id, "Sam Rivera", now.AddDays(-365));
        clinician.AssignSupervisor(supervisorClinician);
        db.Clinicians.AddRange(supervisorClinician, clinician);
        await db.SaveChangesAsync(ct);

        await CreateUser(org, Logins[0], clinician.DisplayName, clinician.Id);
        await CreateUser(org, Logins[1], supervisorClinician.DisplayName, supervisorClinician.Id);
        await CreateUser(org, Logins[2], "Jordan Lee (clinic admin)", null);

        SeedHistory(org, supervisorClinician, now);
        var samProfile = SeedProfile(org, clinician, now, 4, 120,
            ("state", ["CA"]), ("language", ["English", "Spanish"]), ("modality", ["InPerson", "Video"]), ("approach", ["cbt", "act"]),
            ("communication", ["talking", "writing"]), ("pace", ["steady"]), ("talk", ["balanced"]), ("stance", ["directive"]), ("times", ["weekday-afternoons", "weekday-evenings"]));
        var okaforProfile = SeedProfile(org, supervisorClinician, now, 2, 150,
            ("state", ["CA", "OR"]), ("language", ["English"]), ("modality", ["Video", "Phone"]), ("approach", ["psychodynamic", "person-centred", "emdr"]),
            ("communication", ["talking", "experiential"]), ("pace", ["gentle"]), ("talk", ["listens"]), ("stance", ["exploratory"]), ("neurodivergent", ["yes"]),
            ("times", ["weekday-mornings", "weekends"]));
        // Supervision: what Sam wants from it, and what Dr. Okafor offers as a supervisor.
        samProfile.UpdateSupervision(new Dictionary<string, IReadOnlyList<string>>(), 0,
            [new("areas", ["trauma work"], Core.Matching.Importance.NiceToHave), new("modality", ["Video"], Core.Matching.Importance.NiceToHave)], now);
        okaforProfile.UpdateSupervision(new Dictionary<string, IReadOnlyList<string>>
        {
            ["areas"] = ["trauma work", "risk", "licensure hours"], ["approach"] = ["psychodynamic", "emdr"], ["modality"] = ["Video", "InPerson"], ["times"] = ["weekday-mornings"],
        }, 4, [], now);
        var alex = SeedClient(org, clinician, "Alex M.", now, weeksAgo: 8, phq9: [18, 16, 15, 12, 11, 9], alliance: [8, 8.5m, 6, 8, 8.5m, 9]);
        // Alex's rupture in session 3, logged and repaired: Attune links the Connection Check's recovery to it.
        var third = alex.Sessions.Single(s => s.Number == 3);
        db.Ruptures.Add(new Core.Ruptures.RuptureRecord(alex.Id, third.Id, third.StartsAt, Core.Ruptures.RuptureMarker.ComplaintAboutActivities, Core.Ruptures.NoticedBy.ClientReport,
            [Core.Ruptures.RepairStrategy.InviteDiscussion, Core.Ruptures.RepairStrategy.ChangeTaskOrGoal], Core.Ruptures.RuptureResolution.Resolved, null, null, Guid.Empty, third.StartsAt.AddDays(1)));
        SeedLifecycle(alex);
        // What Alex looked for at intake, given on their phone: shown in the privacy copy and as FHIR (Patient.communication, a QuestionnaireResponse).
        var alexPreferences = new Core.Matching.ClientMatchPreferences(org.Id, alex.ClientId);
        alexPreferences.Update(Matching.MatchPreferenceActions.Protect(new Core.Matching.MatchPreferences(["depression"],
        [
            new("language", ["English"], Core.Matching.Importance.MustHave), new("modality", ["Video", "InPerson"], Core.Matching.Importance.NiceToHave),
            new("pace", ["steady"], Core.Matching.Importance.NiceToHave), new("state", ["CA"], Core.Matching.Importance.MustHave), new("fee", ["130"], Core.Matching.Importance.NiceToHave),
        ]), protector), byClient: true, null, alex.OpenedAt.AddDays(-2));
        db.MatchPreferences.Add(alexPreferences);
        var priya = SeedClient(org, clinician, "Priya K.", now, weeksAgo: 3, phq9: [13, 14, 12], alliance: [8, 8.5m, 9]);
        SeedClient(org, clinician, "Jo T.", now, weeksAgo: 1, phq9: [20], alliance: [9]);
        // Chris is getting worse and the sessions feel less right: not on track, and the alliance is slipping.
        var chris = SeedClient(org, clinician, "Chris D.", now, weeksAgo: 4, phq9: [16, 17, 19, 21], alliance: [9, 8.5m, 8, 6]);
        db.Reflections.Add(new Core.Reflections.SessionReflection(chris.Id, chris.Sessions.Single(s => s.Number == 4).Id, clinician.Id, 9, Core.Reflections.Tension.None, null, now.AddDays(-1)));
        audit.System(org.Id, "seed", "Organisation", org.Id);
        await db.SaveChangesAsync(ct);
        foreach (var r in new[] { alex, priya, chris })
            await signals.EvaluateAsync(r.Id, ct);
        await tx.CommitAsync(ct);
        return Logins;
    }

    /// <summary>Alex's intake record (fit discussed in session 2) and a goal with attainment levels, rated twice: a milestone.</summary>
    private void SeedLifecycle(TherapeuticRelationship alex)
    {
        var first = alex.Sessions.Single(s => s.Number == 1);
        var intake = new IntakeRecord(alex.Id, first.StartsAt.AddHours(1));
        intake.Update(protector.Protect("Low mood and poor sleep since losing their job in the spring; wants to feel like themselves again."),
            WorkingStyle.VerbalDiscussion | WorkingStyle.WrittenReflection, Pacing.Steady, TherapistInput.Balanced, FitImpression.Promising,
            protector.Protect("Engaged, open about what they want; liked having something to try between sessions."), first.StartsAt.AddHours(1));
        intake.FitDiscussed(protector.Protect("Asked how the first sessions felt and said it is fine to tell me if something does not fit."),
            alex.Sessions.Single(s => s.Number == 2).StartsAt.AddHours(1));
        db.Intakes.Add(intake);
        var goal = new Core.Goals.TreatmentGoal(alex.Id, Core.Goals.GoalKind.Goal, protector.Protect("Sleep through most nights")!, first.StartsAt.AddHours(2));
        goal.Respond(Core.Goals.GoalAgreement.Agreed, null, first.StartsAt.AddDays(1));
        goal.SetScale(Goals.GoalView.ProtectLevels(
        [
            "Awake for hours most nights",
            "Sleeping through about one night a week",
            "Sleeping through three or four nights a week",
            "Sleeping through most nights",
            "Sleeping through nearly every night and waking rested",
        ], protector), 1);
        db.Goals.Add(goal);
        db.GoalRatings.Add(goal.Rate(-1, first.StartsAt.AddHours(2)));
        db.GoalRatings.Add(goal.Rate(0, alex.Sessions.Single(s => s.Number == 5).StartsAt.AddHours(1)));
    }

    private async Task CreateUser(Organisation org, DemoLogin login, string name, Guid? clinicianId)
    {
        var user = new StaffUser
        {
            UserName = login.Email,
            Email = login.Email,
            EmailConfirmed = true,
            DisplayName = name,
            OrganisationId = org.Id,
            ClinicianId = clinicianId,
        };
        var created = await users.CreateAsync(user, login.Password);
        if (!created.Succeeded)
            throw new InvalidOperationException("Could not create a demo user: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, login.Role);
    }

    /// <summary>A clinician's matching profile, shared with the track record, so that the demo's suggestions have reasons to show.</summary>
    private Core.Matching.TherapistProfile SeedProfile(Organisation org, Clinician clinician, DateTimeOffset now, int openPlaces, decimal fee, params (string Key, string[] Values)[] offers)
    {
        var profile = new Core.Matching.TherapistProfile(org.Id, clinician.Id, now);
        profile.Update(offers.ToDictionary(o => o.Key, o => (IReadOnlyList<string>)o.Values), openPlaces, fee, sharesTrackRecord: true, now);
        db.TherapistProfiles.Add(profile);
        return profile;
    }

    /// <summary>
    /// Thirty past clients of the clinic's supervisor, closed, with eight PHQ-9 scores each, so that the demo's
    /// expected-treatment-response bands come from clinic history (PHQ-9 "Moderately severe" at intake); each session
    /// has a Connection Check (higher, loosely, where the client went on to improve faster), and a third of them met mostly by video,
    /// so that the clinic analytics have something to show.
    /// </summary>
    private void SeedHistory(Organisation org, Clinician clinician, DateTimeOffset now)
    {
        var random = new Random(2026);
        var alliances = new Random(2027);
        var (phq, cc) = (catalog.Get("phq-9"), catalog.Get("connection-check"));
        for (var c = 0; c < 30; c++)
        {
            var weeksAgo = 60 + c;
            var client = new Client(org.Id, $"Past client {c + 1:00}", now.AddDays(-7 * weeksAgo - 2));
            db.Clients.Add(client);
            var relationship = new TherapeuticRelationship(org.Id, client.Id, clinician.Id, now.AddDays(-7 * weeksAgo - 1));
            db.Relationships.Add(relationship);
            var start = 15 + random.Next(5);
            var rate = 0.4 + random.NextDouble() * 1.2;
            // Early alliance goes with improvement, loosely (the demo's r is .54 [.23, .76]; .28 in the published studies).
            var alliance = 6.2 + 1.5 * (rate - 0.4) / 1.2 + 2.8 * (alliances.NextDouble() - 0.5);
            for (var i = 0; i < 8; i++)
            {
                var at = new DateTimeOffset(now.AddDays(-7 * (weeksAgo - i)).Date.AddHours(10), TimeSpan.Zero);
                var session = relationship.RecordSession(at, c % 3 == 1 && i % 4 != 0 ? SessionModality.Video : SessionModality.InPerson, SessionAttendance.Attended);
                var score = i == 0 ? start : Math.Clamp((int)Math.Round(start - rate * i + random.Next(-2, 3)), 0, 27);
                AddResponse(relationship, session, phq, SpreadPhq9(score), at.AddMinutes(-10));
                AddResponse(relationship, session, cc, ConnectionAnswers(Math.Clamp(Math.Round((decimal)(alliance + 0.25 * i + alliances.NextDouble() - 0.5), 1), 0, 10)), at.AddMinutes(55));
            }
            relationship.MoveTo(RelationshipPhase.Termination, protector.Protect("Goals reached")!, now.AddDays(-7 * (weeksAgo - 8)));
            db.Endings.Add(relationship.End(Core.Endings.EndingKind.Planned, Core.Endings.EndingReason.GoalsMet,
                protector.Protect("Planned ending after eight sessions (demo history).")!, null, now.AddDays(-7 * (weeksAgo - 8)).AddHours(1)));
        }
    }

    private TherapeuticRelationship SeedClient(Organisation org, Clinician clinician, string name, DateTimeOffset now, int weeksAgo, decimal[] phq9, decimal[] alliance)
    {
        var client = new Client(org.Id, name, now.AddDays(-7 * weeksAgo - 2));
        db.Clients.Add(client);
        var relationship = new TherapeuticRelationship(org.Id, client.Id, clinician.Id, now.AddDays(-7 * weeksAgo - 1));
        db.Relationships.Add(relationship);
        var phq = catalog.Get("phq-9");
        var cc = catalog.Get("connection-check");
        for (var i = 0; i < phq9.Length; i++)
        {
            var at = now.AddDays(-7 * (weeksAgo - i)).Date.AddHours(10);
            var session = relationship.RecordSession(new DateTimeOffset(at, TimeSpan.Zero), i % 3 == 2 ? SessionModality.Video : SessionModality.InPerson, SessionAttendance.Attended);
            if (i == 1) relationship.MoveTo(RelationshipPhase.Working, protector.Protect("Goals agreed; fit discussed")!, session.StartsAt.AddHours(1));
            AddResponse(relationship, session, phq, SpreadPhq9(phq9[i]), session.StartsAt.AddMinutes(-10));
            AddResponse(relationship, session, cc, ConnectionAnswers(alliance[i]), session.StartsAt.AddMinutes(55));
        }
        // The next session is in the calendar, so the measurement plan has something to send before it.
        relationship.RecordSession(new DateTimeOffset(now.UtcDateTime.Date.AddDays(2).AddHours(10), TimeSpan.Zero), SessionModality.InPerson, SessionAttendance.Scheduled);
        return relationship;
    }

    private void AddResponse(TherapeuticRelationship r, TherapySession s, InstrumentDefinition d, Dictionary<string, decimal?> answers, DateTimeOffset at)
    {
        var outcome = InstrumentScorer.Score(d, answers);
        if (!outcome.IsValid)
            throw new InvalidOperationException($"Demo answers for {d.Id} do not score: {string.Join("; ", outcome.Errors.Select(e => e.Message))}");
        db.Responses.Add(new InstrumentResponse(r.Id, null, s.Id, answers, outcome.Result!, at));
    }

    /// <summary>PHQ-9 answers that add up to the total, with item 9 at 0.</summary>
    private static Dictionary<string, decimal?> SpreadPhq9(decimal total)
    {
        var answers = new Dictionary<string, decimal?>();
        var left = total;
        for (var i = 1; i <= 9; i++)
        {
            var value = i == 9 ? 0 : Math.Min(3, Math.Ceiling(left / (9 - i)));
            value = Math.Min(value, left);
            answers[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = value;
            left -= value;
        }
        return answers;
    }

    private static Dictionary<string, decimal?> ConnectionAnswers(decimal mean)
    {
        var whole = Math.Floor(mean);
        var answers = new Dictionary<string, decimal?>
        {
            ["heard"] = Math.Ceiling(mean), ["safe"] = whole, ["seen"] = Math.Ceiling(mean), ["goals"] = whole,
            ["approach"] = whole, ["room"] = whole, ["overall"] = Math.Round(mean), ["moment"] = mean < 7 ? 2 : 0,
        };
        return answers;
    }

    public static void PrintLogins(IReadOnlyList<DemoLogin> logins, TextWriter output, string url)
    {
        output.WriteLine();
        output.WriteLine("  Attune demo clinic created: Riverside Counselling (demo)");
        output.WriteLine($"  Open {url} and sign in as:");
        foreach (var login in logins)
            output.WriteLine($"    {login.Role,-11} {login.Email,-32} password: {login.Password}");
        output.WriteLine("  The admin sets up a second factor (an authenticator app or a passkey) at first sign-in.");
        output.WriteLine("  These demo passwords are public. For a real clinic, start with Demo:Seed=false.");
        output.WriteLine();
    }
}
