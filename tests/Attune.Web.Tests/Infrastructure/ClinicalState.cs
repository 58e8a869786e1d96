using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>
/// A fingerprint of everything clinical: the row count of each clinical table, every alert's state, every relationship's
/// phase, and how many audit events record a change (every change writes one). A refused request leaves it as it was.
/// </summary>
public static class ClinicalState
{
    private static readonly string[] Tables =
    [
        "Clients", "Relationships", "Sessions", "PhaseChanges", "Intakes", "Endings", "Goals", "GoalRatings", "CheckIns",
        "Responses", "Alerts", "Reflections", "Ruptures", "Notes", "BreakGlass", "AspNetUsers", "Outbox", "RiskReviews", "SafetyPlans", "SafetyPlanVersions",
    ];

    /// <param name="organisation">Count only this organisation's audited changes (another clinic may change its own data).</param>
    public static async Task<string> FingerprintAsync(AttuneFactory app, Guid? organisation = null)
    {
        await using var db = app.CreateDbContext();
        // One round trip for the counts (the same SQL on SQLite and PostgreSQL).
        var counts = string.Join(" || ',' || ", Tables.Select(t => $"CAST((SELECT count(*) FROM \"{t}\") AS TEXT)"));
#pragma warning disable EF1002 // table names are the constants above
        var tables = await db.Database.SqlQueryRaw<string>($"SELECT {counts} AS \"Value\"").SingleAsync();
#pragma warning restore EF1002
        var changes = await db.AuditEvents.CountAsync(e => e.Action != "read" && e.Action != "export" && e.Action != "break-glass-read" && e.Action != "verify" && (organisation == null || e.OrganisationId == organisation));
        var alerts = await db.Alerts.OrderBy(a => a.Id).Select(a => a.Id + ":" + a.Status).ToListAsync();
        var phases = await db.Relationships.OrderBy(r => r.Id).Select(r => r.Id + ":" + r.Phase).ToListAsync();
        return $"{tables}|{changes}|{string.Join(",", alerts)}|{string.Join(",", phases)}";
    }
}
