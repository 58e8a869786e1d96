using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Attune.Core.Analytics;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Time;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Analytics;

/// <summary>The research export as a file: a ZIP of the rows, the data dictionary and a read-me.</summary>
public sealed record ResearchExportFile(byte[] Zip, string FileName, int Relationships);

/// <summary>
/// The de-identified research export (issue 20, point 4): one row per closed relationship, for the clinic's own research
/// or a partner's. No names, contact details, references or free text ever; Attune's ids replaced by random ones made
/// afresh for each export (so two exports cannot be joined); every date of a client shifted by the same random number of
/// days (1 to 182, earlier or later), so that lengths and order hold but the days do not; ages in bands at the
/// relationship's opening. The measures are those of the analytics (<see cref="AnalyticsCase"/>). Admin only; the
/// export and each client whose rows leave are in the audit trail.
/// </summary>
public sealed class ResearchExport(AttuneDbContext db, CurrentStaff staff, AnalyticsQuery query, AuditTrail audit, ClinicClock clock)
{
    public const string WhoMay = "Only an admin can download the research export.";
    public const int MaxShiftDays = 182;

    /// <summary>One column: its name, type, meaning, and how a row gives its value.</summary>
    public sealed record Column(string Name, string Type, string Meaning, Func<ResearchRow, object?> Value);

    /// <summary>A relationship as exported: its random ids, its client's age band and shifted days, and its measures.</summary>
    public sealed record ResearchRow(string CaseId, string ClientId, string ClinicianId, string AgeBand, DateOnly Opened, DateOnly Closed, AnalyticsCase Case, AnalyticsSettings Settings);

    private static string? Number(double? v) => v?.ToString("R", CultureInfo.InvariantCulture);
    private static string Flag(bool v) => v ? "1" : "0";

    public static readonly IReadOnlyList<Column> Columns =
    [
        new("case_id", "text", "A random id for the relationship, new in each export.", r => r.CaseId),
        new("client_id", "text", "A random id for the client, the same for each of the client's relationships in this export only.", r => r.ClientId),
        new("clinician_id", "text", "A random id for the clinician, the same for each of their relationships in this export only.", r => r.ClinicianId),
        new("age_band", "category", "The client's age when the relationship opened: under 18, 18-24, 25-34, 35-44, 45-54, 55-64, 65+, or unknown.", r => r.AgeBand),
        new("opened_day", "date (yyyy-mm-dd)", $"The day the relationship opened, shifted by the client's random offset (1 to {MaxShiftDays} days, earlier or later; the same for all of the client's days).", r => r.Opened.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        new("closed_day", "date (yyyy-mm-dd)", "The day the relationship closed, shifted by the same offset.", r => r.Closed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        new("length_days", "integer", "Days from opening to closing (not changed by the shift).", r => r.Closed.DayNumber - r.Opened.DayNumber),
        new("sessions_attended", "integer", "Attended sessions.", r => r.Case.Sessions.Count),
        new("sessions_video", "integer", "Attended sessions by video.", r => r.Case.Sessions.Count(s => s.Video)),
        new("modality", "category", "video when most attended sessions were by video, else in_person (analytics C).", r => r.Case.Video ? "video" : "in_person"),
        new("cc_count", "integer", "Attended sessions with a Connection Check (0 to 10, as Attune scores it).", r => r.Case.Sessions.Count(s => s.ConnectionCheck is not null)),
        new("cc_early_mean", "number or empty", "The mean Connection Check over attended sessions 1 to 3 (analytics A); empty when none.", r => Number(r.Case.EarlyAlliance)),
        new("cc_mean", "number or empty", "The mean Connection Check over all attended sessions (analytics C); empty when none.", r => Number(r.Case.Alliance)),
        new("phq9_count", "integer", "PHQ-9 scores answered.", r => r.Case.Phq9.Count),
        new("phq9_first", "integer or empty", "The first PHQ-9 total (0 to 27).", r => r.Case.Phq9.Count > 0 ? Number(r.Case.Phq9[0]) : null),
        new("phq9_last", "integer or empty", "The last PHQ-9 total; empty with fewer than two.", r => r.Case.Scored ? Number(r.Case.Phq9[^1]) : null),
        new("phq9_improvement", "integer or empty", "First minus last PHQ-9 (positive is better); empty with fewer than two.", r => Number(r.Case.Improvement)),
        new("reliably_improved", "0/1 or empty", "Improvement of at least the PHQ-9's reliable-change value (analytics D).", r => r.Case.Scored ? Flag(r.Case.ReliablyImproved(r.Settings)) : null),
        new("reliably_deteriorated", "0/1 or empty", "Deterioration of at least the reliable-change value.", r => r.Case.Scored ? Flag(r.Case.ReliablyDeteriorated(r.Settings)) : null),
        new("recovered", "0/1 or empty", "At or above the PHQ-9 cut-off at first, below it at last, and reliably improved.", r => r.Case.Scored ? Flag(r.Case.Recovered(r.Settings)) : null),
        new("ending_kind", "category or empty", "Planned or Unplanned.", r => r.Case.Ending?.ToString()),
        new("ending_reason", "category or empty", "Why it ended, as Attune records it (GoalsMet, NoContact, ClientMovedOn, FinancialOrPractical, ReferredOn, …).", r => r.Case.Reason?.ToString()),
        new("dropout", "0/1", "Unplanned with no contact (analytics E).", r => Flag(r.Case.Dropout)),
        new("ruptures", "category", "None (no rupture logged), Repaired (every logged rupture repaired) or Unrepaired (analytics F).", r => r.Case.Ruptures.ToString()),
        new("top_suggestion", "yes/no or empty", "Whether the clinician assigned at intake was the top suggestion (analytics G); empty when not assigned through matching.", r => r.Case.TopSuggestion switch { true => "yes", false => "no", null => null }),
    ];

    /// <param name="from">Relationships closed on or after this time.</param>
    /// <param name="to">Relationships closed before this time.</param>
    public async Task<ActionResult<ResearchExportFile>> ForCurrentAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default)
    {
        var admin = await staff.GetAsync(ct);
        if (!staff.Principal.IsInRole(StaffRoles.Admin))
            return Refusal.Forbidden(WhoMay);
        // Made in a method of its own, so that the clinic's rows are unreachable once it returns and their memory can be
        // given back (as the analytics page does).
        var (zip, today, clientIds, count, rows) = await MakeAsync(admin, from, to, ct);
        await Database.LargeReads.DoneAsync(rows);

        audit.Staff(admin, "export", "ResearchExport", admin.OrganisationId);
        foreach (var client in clientIds)
            audit.Staff(admin, "export", "Client", client, client);
        await db.SaveChangesAsync(ct);
        return new ResearchExportFile(zip, $"attune-research-export-{today:yyyy-MM-dd}.zip", count);
    }

    /// <summary>The export's zip, the day it was made, the clients in it, its number of relationships and the rows read for it.</summary>
    private async Task<(byte[] Zip, DateOnly Today, List<Guid> ClientIds, int Count, long Rows)> MakeAsync(StaffUser admin, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var rows = await query.RowsAsync(admin.OrganisationId, null, from, to, ct);
        var clientIds = rows.Select(r => r.ClientId).Distinct().ToList();
        var births = (await db.Clients.AsNoTracking().Where(c => c.OrganisationId == admin.OrganisationId && c.DateOfBirth != null)
            .Select(c => new { c.Id, c.DateOfBirth }).ToListAsync(ct)).ToDictionary(c => c.Id, c => c.DateOfBirth!.Value);
        var settings = query.Settings();

        var ids = new HashSet<string>();
        string NewId(char prefix)
        {
            string id;
            do id = prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5)); while (!ids.Add(id));
            return id;
        }
        var clientId = clientIds.ToDictionary(c => c, _ => NewId('P'));
        var shift = clientIds.ToDictionary(c => c, _ => RandomNumberGenerator.GetInt32(1, MaxShiftDays + 1) * (RandomNumberGenerator.GetInt32(2) == 0 ? -1 : 1));
        var clinicianId = rows.Select(r => r.Case.ClinicianId).Distinct().ToDictionary(c => c, _ => NewId('T'));
        DateOnly Day(DateTimeOffset at, Guid client) => DateOnly.FromDateTime(clock.ToLocal(at)).AddDays(shift[client]);
        var research = rows
            .Select(r => new ResearchRow(NewId('C'), clientId[r.ClientId], clinicianId[r.Case.ClinicianId],
                AgeBand(births.TryGetValue(r.ClientId, out var born) ? born : null, DateOnly.FromDateTime(clock.ToLocal(r.OpenedAt))),
                Day(r.OpenedAt, r.ClientId), Day(r.ClosedAt, r.ClientId), r.Case, settings))
            // In no order that follows Attune's: by the random case id.
            .OrderBy(r => r.CaseId, StringComparer.Ordinal).ToList();

        var today = DateOnly.FromDateTime(clock.ToLocal(clock.Now));
        var range = (from, to) switch
        {
            (null, null) => "all closed relationships",
            _ => $"relationships closed from {(from is { } f ? clock.FormatDate(f) : "the first")} to {(to is { } t ? clock.FormatDate(t.AddDays(-1)) : "today")}",
        };
        return (Zip(research, settings, range, today), today, clientIds, research.Count, AnalyticsQuery.RowsOf(rows.Select(r => r.Case)));
    }

    /// <summary>Ten-year bands from 25, with the young adult years apart; "unknown" without a date of birth.</summary>
    public static string AgeBand(DateOnly? born, DateOnly on)
    {
        if (born is not { } b || b > on)
            return "unknown";
        var age = on.Year - b.Year - (on < b.AddYears(on.Year - b.Year) ? 1 : 0);
        return age switch
        {
            < 18 => "under 18",
            < 25 => "18-24",
            < 35 => "25-34",
            < 45 => "35-44",
            < 55 => "45-54",
            < 65 => "55-64",
            _ => "65+",
        };
    }

    // Every value is Attune's own (codes, numbers, categories), never typed text; the spreadsheet-formula guard stays for
    // '=', '+', '@', tab and return but not '-', which would turn a negative PHQ-9 improvement into text.
    private static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        InjectionCharacters = ['=', '+', '@', '\t', '\r'],
    };

    /// <summary>analytics.R, shipped in each export: A–G from relationships.csv, in R.</summary>
    public static string AnalyticsScript { get; } = ReadScript();

    private static string ReadScript()
    {
        using var stream = typeof(ResearchExport).Assembly.GetManifestResourceStream("Attune.Analytics.analytics.R")
            ?? throw new InvalidOperationException("analytics.R is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static byte[] Zip(IReadOnlyList<ResearchRow> rows, AnalyticsSettings settings, string range, DateOnly today)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Entry(string name, Action<TextWriter> write)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open(), new UTF8Encoding(false));
                write(writer);
            }
            Entry("relationships.csv", w =>
            {
                using var csv = new CsvWriter(w, Csv);
                foreach (var c in Columns) csv.WriteField(c.Name);
                csv.NextRecord();
                foreach (var row in rows)
                {
                    foreach (var c in Columns) csv.WriteField(c.Value(row));
                    csv.NextRecord();
                }
            });
            Entry("data-dictionary.csv", w =>
            {
                using var csv = new CsvWriter(w, Csv);
                csv.WriteField("column"); csv.WriteField("type"); csv.WriteField("meaning");
                csv.NextRecord();
                foreach (var c in Columns)
                {
                    csv.WriteField(c.Name); csv.WriteField(c.Type); csv.WriteField(c.Meaning);
                    csv.NextRecord();
                }
            });
            Entry("analytics.R", w => w.Write(AnalyticsScript));
            Entry("README.txt", w => w.Write(string.Create(CultureInfo.InvariantCulture, $"""
                Attune research export, made {today:yyyy-MM-dd}: {range}, {rows.Count} relationships.

                relationships.csv has one row per closed relationship; data-dictionary.csv says what each column means.
                It is de-identified, not anonymous: there are no names, contact details, references or free text, the
                ids are random and made afresh for this export, each client's days are shifted by one random number of
                days (1 to {MaxShiftDays}, earlier or later), and ages are in bands. Keep it as the clinic's data
                protection policy says for pseudonymised data, and do not try to re-identify anyone.

                PHQ-9 reliable change {settings.ReliableChange}, cut-off {settings.Cutoff}. The definitions are those
                of Attune's analytics (docs/analytics.md). analytics.R recomputes the analytics A to G from
                relationships.csv (R with lme4: Rscript analytics.R relationships.csv) and prints each figure with its n;
                Attune's test suite runs it on an export and gets Attune's own figures.
                """)));
        }
        return buffer.ToArray();
    }
}
