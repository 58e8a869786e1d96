using System.Globalization;
using Attune.Core;
using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Endings;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Data;
using Attune.Web.Features.Audit;
using Attune.Web.Forms;
using Attune.Web.Features.Security;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Attune.Web.Time;

namespace Attune.Web.Features.DataTransfer;

/// <summary>One row of an import: its line in the file, what it is about, and what is wrong with it (nothing, if it can go in).</summary>
public sealed record ImportRow(int Line, string Key, IReadOnlyList<string> Problems, bool AlreadyHere = false, string? Note = null);

/// <summary>What an import found, and whether it wrote anything (only when every row is right).</summary>
public sealed record ImportReport(string Kind, bool Applied, IReadOnlyList<string> FileProblems, IReadOnlyList<ImportRow> Rows)
{
    public bool Ok => FileProblems.Count == 0 && Rows.All(r => r.Problems.Count == 0);
    public int ToAdd => Rows.Count(r => r.Problems.Count == 0 && !r.AlreadyHere);
    public int AlreadyHere => Rows.Count(r => r.Problems.Count == 0 && r.AlreadyHere);
}

/// <summary>
/// Brings a clinic's history in from CSV (CsvHelper): clients with their episodes (closed ones too, so that the
/// clinic's expected-response bands come from its own history at once), sessions, and historical scores. Every row is
/// checked first and every problem reported with its line; only a file with no problem is written, in one
/// transaction, so an import is all or nothing. A check ("dry run") writes nothing at all. Rows already here (the same
/// client reference, the same session time, the same response) are left as they are, so a file can be given again.
/// Historical risk answers are stored and counted in the report but raise no alert: they were the earlier system's
/// to act on.
/// </summary>
public sealed class ClinicImport(
    AttuneDbContext db, InstrumentCatalog catalog, ClinicClock clock, AuditTrail audit, FreeTextProtector protector, Signals.ExpectedResponses expected,
    Microsoft.AspNetCore.Identity.UserManager<StaffUser> users, Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole<Guid>> roles,
    Account.StaffInvitations invitations)
{
    public static readonly IReadOnlyList<string> Kinds = ["clinicians", "clients", "sessions", "scores"];
    public const int MaxRows = 50_000;

    /// <summary>The columns of each file: required ones first.</summary>
    public static (string[] Required, string[] Optional) Columns(string kind) => kind switch
    {
        "clinicians" => (["email", "name"], ["roles", "supervisor_email"]),
        "clients" => (["reference", "name", "clinician_email"], ["email", "phone", "phase", "opened_at", "closed_at", "ending", "ending_reason"]),
        "sessions" => (["reference", "starts_at"], ["modality", "attendance"]),
        "scores" => (["reference", "instrument", "completed_at"], ["score", "answers"]),
        _ => ([], []),
    };

    private sealed record Line(int Number, Dictionary<string, string> Fields)
    {
        public string Get(string column) => Fields.GetValueOrDefault(column, "").Trim();
    }

    /// <param name="baseUrl">Where the invitation links of imported clinicians point.</param>
    public Task<ImportReport> RunAsync(StaffUser admin, string kind, Stream file, bool apply, string baseUrl, CancellationToken ct) =>
        RunAsync(new Importer(admin.OrganisationId, admin), kind, file, apply, baseUrl, ct);

    /// <summary>Who imports: an admin from the web page, or the server's command line (audited as the system) for an organisation.</summary>
    public sealed record Importer(Guid OrganisationId, StaffUser? Admin);

    private void Audited(Importer who, string entityType, Guid entityId, Guid? clientId = null)
    {
        if (who.Admin is { } admin)
            audit.Staff(admin, "import", entityType, entityId, clientId);
        else
            audit.System(who.OrganisationId, "import", entityType, entityId, clientId);
    }

    public async Task<ImportReport> RunAsync(Importer admin, string kind, Stream file, bool apply, string baseUrl, CancellationToken ct)
    {
        if (!Kinds.Contains(kind))
            return new ImportReport(kind, false, [$"Attune imports {string.Join(", ", Kinds)}; not '{kind}'."], []);
        var (lines, fileProblems) = Read(kind, file);
        if (fileProblems.Count > 0)
            return new ImportReport(kind, false, fileProblems, []);

        var plan = kind switch
        {
            "clinicians" => await PlanCliniciansAsync(admin, lines, baseUrl, ct),
            "clients" => await PlanClientsAsync(admin, lines, ct),
            "sessions" => await PlanSessionsAsync(admin, lines, ct),
            _ => await PlanScoresAsync(admin, lines, ct),
        };
        var report = new ImportReport(kind, false, [], plan.Rows);
        if (!apply || !report.Ok || (report.ToAdd == 0 && !report.Rows.Any(r => r.Note is not null)))
            return report;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await plan.Apply();
        }
        catch (Exception e) when (e is ImportFailedException or DomainRuleException)
        {
            // A rule the checks above did not foresee: said plainly, and nothing is kept.
            // Rolled back when the transaction is disposed uncommitted.
            return report with { FileProblems = [$"Nothing was written: {e.Message}"] };
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        // The clinic's expected-response bands come from its closed episodes: from now on, with this history.
        expected.Forget(admin.OrganisationId);
        return report with { Applied = true };
    }

    private sealed record Plan(IReadOnlyList<ImportRow> Rows, Func<Task> Apply)
    {
        public Plan(IReadOnlyList<ImportRow> rows, List<Action> work) : this(rows, () => { work.ForEach(w => w()); return Task.CompletedTask; }) { }
    }

    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture)
    {
        DetectDelimiter = true,
        DetectDelimiterValues = [",", ";", "\t"],
        PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(),
        MissingFieldFound = null,
        BadDataFound = null,
        TrimOptions = TrimOptions.Trim,
    };

    private static (List<Line> Lines, List<string> Problems) Read(string kind, Stream file)
    {
        var lines = new List<Line>();
        try
        {
            using var reader = new StreamReader(file, detectEncodingFromByteOrderMarks: true);
            using var csv = new CsvReader(reader, Config);
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
                return (lines, ["The file is empty: the first line names the columns."]);
            var names = header.Select(h => h.Trim().ToLowerInvariant()).ToArray();
            var (required, _) = Columns(kind);
            var missing = required.Where(r => !names.Contains(r)).ToList();
            if (missing.Count > 0)
                return (lines, [$"The file has no column {string.Join(", ", missing)}. The first line names the columns: {string.Join(", ", required)} are needed."]);
            var twice = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (twice.Count > 0)
                return (lines, [$"The column {string.Join(", ", twice)} is named twice."]);
            while (csv.Read())
            {
                if (lines.Count == MaxRows)
                    return (lines, [$"The file has more than {MaxRows} rows: split it."]);
                var fields = new Dictionary<string, string>();
                for (var i = 0; i < names.Length; i++)
                    fields[names[i]] = csv.TryGetField<string>(i, out var value) ? value ?? "" : "";
                if (fields.Values.All(string.IsNullOrWhiteSpace)) continue;
                lines.Add(new Line(csv.Parser.RawRow, fields));
            }
        }
        catch (Exception e) when (e is CsvHelperException or System.Text.DecoderFallbackException or IOException)
        {
            return (lines, ["Attune could not read this as a CSV file (UTF-8, a header line, then one row per record)."]);
        }
        return (lines, lines.Count == 0 ? ["The file has a header but no rows."] : []);
    }

    /// <summary>
    /// A time as the file gives it: ISO 8601 with an offset, or a local date and time (yyyy-MM-dd HH:mm, or a date
    /// alone for midnight) in the clinic's time zone.
    /// </summary>
    private bool TryTime(string text, out DateTimeOffset at)
    {
        at = default;
        if (text.Length == 0) return false;
        if ((text.Contains('+') || text.EndsWith('Z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"T.*-\d\d:\d\d$"))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out at))
            return true;
        string[] formats = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];
        if (!DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return false;
        if (clock.Zone.IsInvalidTime(local)) return false;
        at = new DateTimeOffset(local, clock.Zone.GetUtcOffset(local));
        return true;
    }

    private const string TimeHelp = "as 2026-03-14 09:30 (clinic time) or 2026-03-14T09:30:00+00:00";

    private static readonly string[] ImportableRoles = [StaffRoles.Clinician, StaffRoles.Supervisor];

    /// <summary>
    /// Clinicians and supervisors (admins are made by hand: they need a second factor). Each new one gets an email with
    /// a link to choose their password; one who has not chosen it yet is sent a new link when the file is given again.
    /// </summary>
    private async Task<Plan> PlanCliniciansAsync(Importer admin, List<Line> lines, string baseUrl, CancellationToken ct)
    {
        var org = admin.OrganisationId;
        var now = clock.Now;
        var everyone = await db.Users.AsNoTracking().Select(u => new { u.Id, u.NormalizedEmail, u.OrganisationId, u.ClinicianId, HasPassword = u.PasswordHash != null }).ToListAsync(ct);
        var supervisorsHere = (await (from u in db.Users
                                      join ur in db.UserRoles on u.Id equals ur.UserId
                                      join r in db.Roles on ur.RoleId equals r.Id
                                      where u.OrganisationId == org && u.ClinicianId != null && r.Name == StaffRoles.Supervisor
                                      select new { u.NormalizedEmail, u.ClinicianId }).ToListAsync(ct))
            .ToDictionary(x => x.NormalizedEmail!, x => x.ClinicianId!.Value);
        var allowed = users.Options.User.AllowedUserNameCharacters;
        var rows = new List<ImportRow>();
        var fresh = new List<(string Email, string Name, string[] Roles, string? Supervisor)>();
        var reinvite = new List<Guid>();
        var seen = new HashSet<string>();
        var supervisorsInFile = lines.Where(l => l.Get("roles").Contains(StaffRoles.Supervisor, StringComparison.OrdinalIgnoreCase))
            .Select(l => l.Get("email").ToUpperInvariant()).ToHashSet();
        foreach (var line in lines)
        {
            var problems = new List<string>();
            var email = line.Get("email");
            var normalized = email.ToUpperInvariant();
            var name = line.Get("name");
            if (!Staff.StaffActions.IsPlainEmail(email) || email.Any(c => !allowed.Contains(c)))
                problems.Add("email: not an email address Attune can use to sign in.");
            else if (!seen.Add(normalized))
                problems.Add($"email: {email} is on an earlier line too.");
            var existing = everyone.FirstOrDefault(u => u.NormalizedEmail == normalized);
            if (problems.Count == 0 && existing is not null)
            {
                if (existing.OrganisationId != org || existing.ClinicianId is null)
                    problems.Add("email: another account already uses this address.");
                else if (!existing.HasPassword)
                {
                    reinvite.Add(existing.Id);
                    rows.Add(new ImportRow(line.Number, email, problems, AlreadyHere: true, Note: "Already here, without a password yet: a new invitation is sent."));
                    continue;
                }
                else
                {
                    rows.Add(new ImportRow(line.Number, email, problems, AlreadyHere: true));
                    continue;
                }
            }
            if (name.Length is 0 or > 200) problems.Add("name: give the name colleagues and clients know them by (1 to 200 characters).");
            var roleNames = line.Get("roles").ToLowerInvariant().Split([' ', ';', ','], StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
            if (roleNames.Length == 0) roleNames = [StaffRoles.Clinician];
            if (roleNames.Any(r => !ImportableRoles.Contains(r)))
                problems.Add("roles: clinician, supervisor, or both (admins are added by hand, with a second factor).");
            var supervisor = line.Get("supervisor_email");
            if (supervisor.Length > 0)
            {
                var key = supervisor.ToUpperInvariant();
                if (key == normalized) problems.Add("supervisor_email: a clinician cannot supervise themselves.");
                else if (!supervisorsHere.ContainsKey(key) && !supervisorsInFile.Contains(key))
                    problems.Add("supervisor_email: not a supervisor of this clinic, here or in this file.");
            }
            if (problems.Count == 0)
                fresh.Add((email, name, roleNames, supervisor.Length > 0 ? supervisor.ToUpperInvariant() : null));
            rows.Add(new ImportRow(line.Number, email.Length > 0 ? email : name, problems));
        }

        async Task Apply()
        {
            var clinicName = await db.Organisations.Where(o => o.Id == org).Select(o => o.Name).SingleAsync(ct);
            foreach (var role in ImportableRoles)
                if (!await roles.RoleExistsAsync(role))
                    await roles.CreateAsync(new Microsoft.AspNetCore.Identity.IdentityRole<Guid>(role));
            var created = new Dictionary<string, (StaffUser User, Clinician Clinician)>();
            foreach (var (email, name, roleNames, _) in fresh)
            {
                var clinician = new Clinician(org, name, now);
                db.Clinicians.Add(clinician);
                var user = new StaffUser { UserName = email, Email = email, DisplayName = name, OrganisationId = org, ClinicianId = clinician.Id };
                var made = await users.CreateAsync(user);
                if (made.Succeeded) made = await users.AddToRolesAsync(user, roleNames);
                if (!made.Succeeded)
                    throw new ImportFailedException($"{email}: {string.Join(" ", made.Errors.Select(e => e.Description))}");
                Audited(admin, "StaffUser", user.Id);
                created[email.ToUpperInvariant()] = (user, clinician);
            }
            foreach (var (email, _, _, supervisor) in fresh.Where(f => f.Supervisor is not null))
            {
                var chosen = created.TryGetValue(supervisor!, out var made) ? made.Clinician
                    : await db.Clinicians.SingleAsync(c => c.Id == supervisorsHere[supervisor!], ct);
                created[email.ToUpperInvariant()].Clinician.AssignSupervisor(chosen);
            }
            foreach (var (user, _) in created.Values)
                await invitations.QueueAsync(user, clinicName, baseUrl);
            foreach (var id in reinvite)
                await invitations.QueueAsync((await users.FindByIdAsync(id.ToString()))!, clinicName, baseUrl);
        }
        return new Plan(rows, Apply);
    }

    private sealed class ImportFailedException(string message) : Exception(message);


    private async Task<Plan> PlanClientsAsync(Importer admin, List<Line> lines, CancellationToken ct)
    {
        var org = admin.OrganisationId;
        var now = clock.Now;
        var clinicians = await db.Users.AsNoTracking().Where(u => u.OrganisationId == org && u.ClinicianId != null)
            .ToDictionaryAsync(u => u.NormalizedEmail!, u => u.ClinicianId!.Value, ct);
        var existing = (await db.Clients.AsNoTracking().Where(c => c.OrganisationId == org && c.Reference != null).Select(c => c.Reference!).ToListAsync(ct))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var rows = new List<ImportRow>();
        var work = new List<Action>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            var problems = new List<string>();
            var reference = line.Get("reference");
            var name = line.Get("name");
            if (reference.Length is 0 or > 100) problems.Add("reference: give the clinic's own reference for the client (1 to 100 characters).");
            else if (!seen.Add(reference)) problems.Add($"reference: {reference} is on an earlier line too.");
            if (existing.Contains(reference) && reference.Length > 0)
            {
                rows.Add(new ImportRow(line.Number, reference, problems, AlreadyHere: true));
                continue;
            }
            if (name.Length is 0 or > 200) problems.Add("name: give the client's name as the clinic shows it (1 to 200 characters).");
            var email = line.Get("email");
            var phone = line.Get("phone");
            if (email.Length > 0 && !Staff.StaffActions.IsPlainEmail(email)) problems.Add("email: not an email address (just the address, such as name@example.org).");
            if (phone.Length > 40) problems.Add("phone: at most 40 characters.");
            if (!clinicians.TryGetValue(line.Get("clinician_email").ToUpperInvariant(), out var clinician))
                problems.Add("clinician_email: not a clinician or supervisor of this clinic (add them first).");

            var phaseText = line.Get("phase");
            var phase = RelationshipPhase.Intake;
            if (phaseText.Length > 0 && !FormChoice.TryParse(phaseText, out phase))
                problems.Add($"phase: one of {string.Join(", ", Enum.GetNames<RelationshipPhase>())}.");
            var opened = now;
            if (line.Get("opened_at") is { Length: > 0 } openedText && !TryTime(openedText, out opened))
                problems.Add($"opened_at: not a time; write it {TimeHelp}.");
            else if (opened > now) problems.Add("opened_at: in the future.");

            DateTimeOffset? closed = null;
            var kind = EndingKind.Unplanned;
            var reason = EndingReason.ClientMovedOn;
            if (line.Get("closed_at") is { Length: > 0 } closedText)
            {
                if (!TryTime(closedText, out var closedAt)) problems.Add($"closed_at: not a time; write it {TimeHelp}.");
                else if (closedAt > now) problems.Add("closed_at: in the future.");
                else if (closedAt < opened) problems.Add("closed_at: before opened_at.");
                else closed = closedAt;
                if (line.Get("ending") is { Length: > 0 } endingText && !FormChoice.TryParse(endingText, out kind))
                    problems.Add("ending: Planned or Unplanned.");
                if (!FormChoice.TryParse(line.Get("ending_reason"), out reason) || reason == EndingReason.ReferredOn)
                    problems.Add($"ending_reason: a closed episode says why it ended, one of {string.Join(", ", Enum.GetNames<EndingReason>().Where(r => r != nameof(EndingReason.ReferredOn)))}.");
                else if (kind == EndingKind.Planned && reason == EndingReason.NoContact)
                    problems.Add("ending: an ending for lack of contact is Unplanned.");
            }
            else if (phase == RelationshipPhase.Closed)
                problems.Add("phase: a Closed episode needs closed_at and ending_reason.");

            if (problems.Count == 0)
            {
                var (d, e, p, o, c, k, r, cl) = (name, email, phone, opened, closed, kind, reason, clinician);
                var target = phase;
                work.Add(() =>
                {
                    var client = new Client(org, d, now, e.Length > 0 ? e : null, p.Length > 0 ? p : null, reference);
                    var episode = new TherapeuticRelationship(org, client.Id, cl, o);
                    db.Clients.Add(client);
                    db.Relationships.Add(episode);
                    var why = protector.Protect("Imported from the clinic's earlier records")!;
                    if (c is { } at)
                    {
                        if (k == EndingKind.Planned) episode.MoveTo(RelationshipPhase.Termination, why, at);
                        db.Endings.Add(episode.End(k, r, protector.Protect($"Imported from the clinic's earlier records on {clock.ToLocal(now):yyyy-MM-dd}.")!, null, at));
                    }
                    else if (target is RelationshipPhase.Working or RelationshipPhase.Termination)
                        episode.MoveTo(target, why, o);
                    Audited(admin, "Client", client.Id, client.Id);
                });
            }
            rows.Add(new ImportRow(line.Number, reference.Length > 0 ? reference : name, problems));
        }
        return new Plan(rows, work);
    }

    /// <summary>The episode of each client reference that history lands in: the open one, else the latest.</summary>
    private async Task<Dictionary<string, TherapeuticRelationship>> EpisodesByReferenceAsync(Guid org, CancellationToken ct)
    {
        var clients = await db.Clients.AsNoTracking().Where(c => c.OrganisationId == org && c.Reference != null)
            .Select(c => new { c.Id, c.Reference }).ToListAsync(ct);
        var ids = clients.Select(c => c.Id).ToList();
        var episodes = await db.Relationships.Include(r => r.Sessions).Where(r => r.OrganisationId == org && ids.Contains(r.ClientId)).ToListAsync(ct);
        var result = new Dictionary<string, TherapeuticRelationship>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in clients)
            if (episodes.Where(r => r.ClientId == c.Id).OrderByDescending(r => r.ClosedAt == null).ThenByDescending(r => r.OpenedAt).FirstOrDefault() is { } e)
                result.TryAdd(c.Reference!, e);
        return result;
    }

    private async Task<Plan> PlanSessionsAsync(Importer admin, List<Line> lines, CancellationToken ct)
    {
        var now = clock.Now;
        var episodes = await EpisodesByReferenceAsync(admin.OrganisationId, ct);
        var rows = new List<ImportRow>();
        var work = new List<Action>();
        var seen = new HashSet<(Guid, DateTimeOffset)>();
        foreach (var line in lines)
        {
            var problems = new List<string>();
            var reference = line.Get("reference");
            if (!episodes.TryGetValue(reference, out var episode))
                problems.Add("reference: no client of this clinic has this reference (import clients first).");
            if (!TryTime(line.Get("starts_at"), out var startsAt))
                problems.Add($"starts_at: not a time; write it {TimeHelp}.");
            var modality = SessionModality.InPerson;
            if (line.Get("modality") is { Length: > 0 } m && !FormChoice.TryParse(m, out modality))
                problems.Add($"modality: one of {string.Join(", ", Enum.GetNames<SessionModality>())}.");
            var attendance = SessionAttendance.Attended;
            if (line.Get("attendance") is { Length: > 0 } a && !FormChoice.TryParse(a, out attendance))
                problems.Add($"attendance: one of {string.Join(", ", Enum.GetNames<SessionAttendance>())}.");
            if (problems.Count == 0 && attendance != SessionAttendance.Scheduled && startsAt > now)
                problems.Add("starts_at: in the future, for a session that has happened (Scheduled is for those to come).");
            if (problems.Count == 0 && episode!.ClosedAt is { } closedAt && startsAt > closedAt)
                problems.Add($"starts_at: after the client's episode closed ({clock.ToLocal(closedAt):yyyy-MM-dd}).");
            var here = problems.Count == 0 && episode!.Sessions.Any(s => s.StartsAt == startsAt);
            if (problems.Count == 0 && !here && !seen.Add((episode!.Id, startsAt)))
                problems.Add("starts_at: this client's session at this time is on an earlier line too.");
            if (problems.Count == 0 && !here)
            {
                var (e, s, mo, at) = (episode!, startsAt, modality, attendance);
                work.Add(() =>
                {
                    var session = e.RecordEarlierSession(s, mo, at);
                    db.Sessions.Add(session);
                    Audited(admin, "TherapySession", session.Id, e.ClientId);
                });
            }
            rows.Add(new ImportRow(line.Number, $"{reference} {line.Get("starts_at")}".Trim(), problems, here));
        }
        return new Plan(rows, work);
    }

    private async Task<Plan> PlanScoresAsync(Importer admin, List<Line> lines, CancellationToken ct)
    {
        var now = clock.Now;
        var episodes = await EpisodesByReferenceAsync(admin.OrganisationId, ct);
        var episodeIds = episodes.Values.Select(e => e.Id).ToList();
        var existing = (await db.Responses.AsNoTracking().Where(r => episodeIds.Contains(r.RelationshipId))
            .Select(r => new { r.RelationshipId, r.Instrument, r.CompletedAt }).ToListAsync(ct))
            .Select(r => (r.RelationshipId, r.Instrument, r.CompletedAt)).ToHashSet();
        var rows = new List<ImportRow>();
        var work = new List<Action>();
        var seen = new HashSet<(Guid, string, DateTimeOffset)>();
        foreach (var line in lines)
        {
            var problems = new List<string>();
            var reference = line.Get("reference");
            if (!episodes.TryGetValue(reference, out var episode))
                problems.Add("reference: no client of this clinic has this reference (import clients first).");
            var instrument = line.Get("instrument").ToLowerInvariant();
            var d = catalog.Find(instrument) is { ForClients: true } known ? known : null;
            if (d is null)
                problems.Add($"instrument: not one Attune knows for clients ({string.Join(", ", catalog.All.Where(x => x.ForClients).Select(x => x.Id).Order(StringComparer.Ordinal))}).");
            if (!TryTime(line.Get("completed_at"), out var completedAt))
                problems.Add($"completed_at: not a time; write it {TimeHelp}.");
            else if (completedAt > now)
                problems.Add("completed_at: in the future.");

            ScoreResult? result = null;
            Dictionary<string, decimal?> answers = [];
            if (d is not null)
            {
                var scoreText = line.Get("score");
                var answersText = line.Get("answers");
                decimal? given = null;
                if (scoreText.Length > 0)
                {
                    if (decimal.TryParse(scoreText, NumberStyles.Number, CultureInfo.InvariantCulture, out var s) && s >= d.Scoring.Min && s <= d.Scoring.Max)
                        given = s;
                    else
                        problems.Add($"score: a number from {d.Scoring.Min} to {d.Scoring.Max} for {d.ShortName}.");
                }
                if (answersText.Length > 0)
                {
                    foreach (var part in answersText.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
                        if (pair.Length != 2 || d.FindItem(pair[0]) is null || !decimal.TryParse(pair[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var v))
                        {
                            problems.Add($"answers: '{part}' is not item=value for an item of {d.ShortName}.");
                            continue;
                        }
                        answers[pair[0]] = v;
                    }
                    if (problems.Count == 0)
                    {
                        var outcome = InstrumentScorer.Score(d, answers);
                        if (!outcome.IsValid)
                            problems.AddRange(outcome.Errors.Select(e => $"answers: {(e.ItemId is null ? "" : $"item {e.ItemId}: ")}{e.Message}"));
                        else if (given is { } g && g != outcome.Result!.Score)
                            problems.Add($"score: {g} does not match the answers, which score {outcome.Result!.Score}.");
                        else
                            result = outcome.Result;
                    }
                }
                else if (given is { } total)
                    result = new ScoreResult
                    {
                        Instrument = d.Id, Score = total, Method = d.Scoring.Method, Min = d.Scoring.Min, Max = d.Scoring.Max,
                        Band = d.BandFor(total)?.Label, Clinical = d.IsClinical(total), Cutoff = d.Cutoff?.Value,
                    };
                else if (scoreText.Length == 0)
                    problems.Add("score: give the total score, the answers, or both.");
            }
            if (problems.Count == 0 && episode!.ClosedAt is { } closedAt && completedAt > closedAt)
                problems.Add($"completed_at: after the client's episode closed ({clock.ToLocal(closedAt):yyyy-MM-dd}).");
            var here = problems.Count == 0 && existing.Contains((episode!.Id, d!.Id, completedAt));
            if (problems.Count == 0 && !here && !seen.Add((episode!.Id, d!.Id, completedAt)))
                problems.Add("completed_at: this client's response to this instrument at this time is on an earlier line too.");
            if (problems.Count == 0 && !here)
            {
                var (e, r, a, at) = (episode!, result!, answers, completedAt);
                var session = e.Sessions.Where(s => s.Attendance == SessionAttendance.Attended && s.StartsAt <= at && at - s.StartsAt < TimeSpan.FromDays(1))
                    .OrderByDescending(s => s.StartsAt).FirstOrDefault();
                work.Add(() =>
                {
                    var response = new InstrumentResponse(e.Id, null, session?.Id, a, r, at);
                    db.Responses.Add(response);
                    Audited(admin, "InstrumentResponse", response.Id, e.ClientId);
                });
            }
            var key = $"{reference} {instrument} {line.Get("completed_at")}".Trim();
            rows.Add(new ImportRow(line.Number, key, problems, here,
                result is { IsRisk: true } && problems.Count == 0 && !here ? "A risk answer: stored as history; no alert is raised for it." : null));
        }
        return new Plan(rows, work);
    }
}
