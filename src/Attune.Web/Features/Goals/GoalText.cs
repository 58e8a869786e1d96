using Attune.Core.Goals;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Goals;

/// <summary>A goal with its texts decrypted, for showing on a page.</summary>
public sealed record GoalView(TreatmentGoal Goal, string Text, string? ClientWords, IReadOnlyList<string>? Levels)
{
    public static GoalView Read(TreatmentGoal goal, FreeTextProtector protector) =>
        new(goal, protector.Unprotect(goal.ProtectedText) ?? "", protector.Unprotect(goal.ProtectedClientWords),
            protector.Unprotect(goal.ProtectedScale) is { } json ? System.Text.Json.JsonSerializer.Deserialize<List<string>>(json) : null);

    /// <summary>
    /// A relationship's goals in the order they were made, texts decrypted and entities tracked (so a page can change
    /// them), with every attainment rating of them.
    /// </summary>
    public static async Task<(List<GoalView> Goals, List<GoalLevelRating> Ratings)> LoadAsync(Data.AttuneDbContext db, FreeTextProtector protector, Guid relationshipId, CancellationToken ct = default)
    {
        var goals = (await db.Goals.Where(g => g.RelationshipId == relationshipId).OrderBy(g => g.CreatedAt).ToListAsync(ct))
            .Select(g => Read(g, protector)).ToList();
        var ids = goals.Select(g => g.Goal.Id).ToList();
        var ratings = await db.GoalRatings.Where(r => ids.Contains(r.GoalId)).AsNoTracking().ToListAsync(ct);
        return (goals, ratings);
    }

    /// <summary>The description of a level (−2 … +2) on this goal's scale.</summary>
    public string? Level(int level) => Levels is { Count: 5 } l ? l[level + 2] : null;

    /// <summary>The five level descriptions, encrypted as one text for storing.</summary>
    public static string ProtectLevels(IReadOnlyList<string> levels, FreeTextProtector protector) =>
        protector.Protect(System.Text.Json.JsonSerializer.Serialize(levels))!;

    public static string Describe(GoalAgreement agreement) => agreement switch
    {
        GoalAgreement.Proposed => "waiting for the client",
        GoalAgreement.Agreed => "agreed",
        GoalAgreement.ChangeRequested => "client asked for a change",
        _ => "client disagrees",
    };

    /// <summary>Reads a posted answer; unknown values (and "Proposed") are refused rather than bound to a default.</summary>
    public static bool TryAnswer(string? value, out GoalAgreement answer) =>
        Forms.FormChoice.TryParse(value, out answer) && answer != GoalAgreement.Proposed;
}

/// <summary>The read model of a relationship's goals, for the clinician's and the client's pages.</summary>
public sealed class GoalQuery(Data.AttuneDbContext db, FreeTextProtector protector)
{
    public Task<(List<GoalView> Goals, List<GoalLevelRating> Ratings)> LoadAsync(Guid relationshipId, CancellationToken ct = default) =>
        GoalView.LoadAsync(db, protector, relationshipId, ct);
}
