using Attune.Core.Relationships;
using Attune.Core.Ruptures;
using Attune.Core.Supervision;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Supervision;

/// <summary>A growth goal as its clinician or supervisor reads it; with its measure month by month when asked for one goal.</summary>
public sealed record GrowthGoalView(
    Guid Id, Guid ClinicianId, string ClinicianName, string SupervisorName, string Text, GrowthMeasure Measure, decimal? Target,
    DateTimeOffset CreatedAt, DateTimeOffset? ClinicianAgreedAt, DateTimeOffset? SupervisorAgreedAt, DateTimeOffset? ClosedAt,
    bool ReaderIsClinician, IReadOnlyList<GrowthPoint> Points)
{
    public bool Agreed => ClinicianAgreedAt is not null && SupervisorAgreedAt is not null;
    /// <summary>The reader has yet to agree to it.</summary>
    public bool AwaitsReader => ClosedAt is null && (ReaderIsClinician ? ClinicianAgreedAt : SupervisorAgreedAt) is null;
}

/// <summary>Reading growth goals: the clinician's own, or a supervisor's for one supervisee; one goal with its measure over time. Reads are audited.</summary>
public sealed class GrowthGoalQuery(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, FreeTextProtector protector, ClinicClock clock)
{
    /// <summary>How many months the measure is shown for: the goal's months, and at least the six before now.</summary>
    public const int MinimumMonths = 6;

    /// <summary>The goals of one clinician (null: the caller's own), for the caller as that clinician or their supervisor.</summary>
    public async Task<IReadOnlyList<GrowthGoalView>> ListAsync(Guid? clinicianId = null, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return [];
        var of = clinicianId ?? me;
        var goals = await db.GrowthGoals.AsNoTracking()
            .Where(g => g.OrganisationId == user.OrganisationId && g.ClinicianId == of && (g.ClinicianId == me || g.SupervisorId == me)).ToListAsync(ct);
        return await ViewsAsync(user, goals, withPoints: false, ct);
    }

    public async Task<ActionResult<GrowthGoalView>> GoalAsync(Guid goalId, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var goal = await db.GrowthGoals.AsNoTracking().SingleOrDefaultAsync(g => g.Id == goalId && g.OrganisationId == user.OrganisationId
            && (g.ClinicianId == user.ClinicianId || g.SupervisorId == user.ClinicianId), ct);
        if (goal is null || user.ClinicianId is null)
            return Refusal.NotFound("growth goal");
        return (await ViewsAsync(user, [goal], withPoints: true, ct))[0];
    }

    private async Task<List<GrowthGoalView>> ViewsAsync(StaffUser user, List<GrowthGoal> goals, bool withPoints, CancellationToken ct)
    {
        var ids = goals.SelectMany(g => new[] { g.ClinicianId, g.SupervisorId }).Distinct().ToList();
        var names = await db.Clinicians.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var views = new List<GrowthGoalView>();
        foreach (var g in goals.OrderBy(g => g.ClosedAt is not null).ThenByDescending(g => g.CreatedAt))
        {
            audit.Staff(user, "read", "GrowthGoal", g.Id);
            views.Add(new GrowthGoalView(g.Id, g.ClinicianId, names.GetValueOrDefault(g.ClinicianId, "a former clinician"), names.GetValueOrDefault(g.SupervisorId, "a former supervisor"),
                protector.Unprotect(g.ProtectedText) ?? "", g.Measure, g.Target, g.CreatedAt, g.ClinicianAgreedAt, g.SupervisorAgreedAt, g.ClosedAt,
                g.ClinicianId == user.ClinicianId, withPoints ? await PointsAsync(g, ct) : []));
        }
        if (views.Count > 0)
            await db.SaveChangesAsync(ct);
        return views;
    }

    /// <summary>The measure month by month (clinic time), from six months before the goal (or before now) to this month.</summary>
    private async Task<IReadOnlyList<GrowthPoint>> PointsAsync(GrowthGoal goal, CancellationToken ct)
    {
        DateOnly Month(DateTimeOffset at) { var local = clock.ToLocal(at); return new DateOnly(local.Year, local.Month, 1); }
        var last = Month(clock.Now);
        var created = Month(goal.CreatedAt).AddMonths(-3);
        var first = created < last.AddMonths(-(MinimumMonths - 1)) ? created : last.AddMonths(-(MinimumMonths - 1));
        var from = clock.FromLocal(first.ToDateTime(TimeOnly.MinValue));
        var episodes = db.Relationships.Where(r => r.ClinicianId == goal.ClinicianId).Select(r => r.Id);
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => episodes.Contains(s.RelationshipId) && s.Attendance == SessionAttendance.Attended && s.StartsAt >= from && s.StartsAt <= clock.Now)
            .Select(s => new { s.Id, s.StartsAt }).ToListAsync(ct);
        var sessionIds = sessions.Select(s => s.Id).ToList();
        var checks = (await db.Responses.AsNoTracking()
                .Where(r => r.Instrument == "connection-check" && r.SessionId != null && sessionIds.Contains(r.SessionId.Value))
                .Select(r => new { SessionId = r.SessionId!.Value, r.Score, r.CompletedAt }).ToListAsync(ct))
            .GroupBy(r => r.SessionId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.CompletedAt)!.Score);
        var ratings = await db.Reflections.AsNoTracking().Where(r => sessionIds.Contains(r.SessionId))
            .ToDictionaryAsync(r => r.SessionId, r => (decimal)r.Connected, ct);
        var repairs = (await db.Ruptures.AsNoTracking()
                .Where(x => episodes.Contains(x.RelationshipId) && x.Resolution == RuptureResolution.Resolved && x.ResolvedAt != null)
                .Select(x => new { x.OccurredAt, ResolvedAt = x.ResolvedAt!.Value }).ToListAsync(ct))
            .Where(x => x.ResolvedAt >= from)
            .Select(x => (Month(x.ResolvedAt), (decimal)(x.ResolvedAt - x.OccurredAt).TotalDays)).ToList();
        var facts = new GrowthFacts(sessions.Select(s => (s.Id, Month(s.StartsAt))).ToList(), checks, ratings, repairs);
        return GrowthMeasures.Monthly(goal.Measure, facts, first, last);
    }
}
