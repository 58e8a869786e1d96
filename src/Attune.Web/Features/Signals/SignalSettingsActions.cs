using Attune.Core;
using Attune.Core.Signals;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Signals;

/// <summary>The clinic's own settings for signals: the risk protocol every risk alert shows. Admins only.</summary>
public sealed class SignalSettingsActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, SignalEvaluator evaluator)
{
    /// <summary>One signal level as the form shows it: the property of <see cref="SignalSettings"/> it sets (camel case), its label, whether it may be left empty (off), whether it is a whole number, and how to read it.</summary>
    public sealed record LevelField(string Field, string Label, bool Optional, bool Whole, Func<SignalSettings, decimal?> Read);

    /// <summary>The form's fields, in order.</summary>
    public static readonly LevelField[] LevelFields =
    [
        new("lowAllianceMeanBelow", "Low alliance: Connection Check mean below", false, false, s => s.LowAllianceMeanBelow),
        new("lowAllianceItemAtOrBelow", "Low alliance: any Connection Check item at or below", false, false, s => s.LowAllianceItemAtOrBelow),
        new("allianceDropAtLeast", "Alliance drop: this far or more below the client's own baseline", false, false, s => s.AllianceDropAtLeast),
        new("srsLowBelow", "SRS: low below", false, false, s => s.SrsLowBelow),
        new("srsDropAtLeast", "SRS: a drop of at least", false, false, s => s.SrsDropAtLeast),
        new("waiSrLowBelow", "WAI-SR: low below", true, false, s => s.WaiSrLowBelow),
        new("repairWindowSessions", "Rupture repaired: back at the baseline within this many later Connection Checks", true, true, s => s.RepairWindowSessions),
        new("perceptionGapAtLeast", "Perception gap: the clinician's rating this far or more above the client's", false, false, s => s.PerceptionGapAtLeast),
        new("longGapDays", "Engagement: a long gap after this many days without a session", true, true, s => s.LongGapDays),
    ];

    /// <summary>
    /// The clinic's own signal levels (the risk answers are not among them: a risk answer always raises an alert).
    /// Every field is checked and all problems are told at once; the change is audited with the levels before and after.
    /// </summary>
    public async Task<ActionResult<SignalSettings>> SaveLevelsAsync(IReadOnlyDictionary<string, string?> form, CancellationToken ct = default)
    {
        var (user, refusal) = await AdminAsync("signal levels", ct);
        if (refusal is not null) return refusal;
        var problems = new List<FieldProblem>();
        var values = new Dictionary<string, decimal?>();
        foreach (var (field, _, optional, whole, _) in LevelFields)
        {
            var text = form.GetValueOrDefault(field)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                if (optional) values[field] = null;
                else problems.Add(new(field, "Give a number."));
            }
            else if (!decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var v) || (whole && v != decimal.Truncate(v)))
                problems.Add(new(field, whole ? "Give a whole number." : "Give a number, such as 8.5."));
            else
                values[field] = v;
        }
        if (problems.Count > 0) return Refusal.Invalid(problems);
        var levels = new SignalSettings
        {
            LowAllianceMeanBelow = values["lowAllianceMeanBelow"]!.Value, LowAllianceItemAtOrBelow = values["lowAllianceItemAtOrBelow"]!.Value,
            AllianceDropAtLeast = values["allianceDropAtLeast"]!.Value, SrsLowBelow = values["srsLowBelow"]!.Value,
            SrsDropAtLeast = values["srsDropAtLeast"]!.Value, WaiSrLowBelow = values["waiSrLowBelow"],
            RepairWindowSessions = (int?)values["repairWindowSessions"], PerceptionGapAtLeast = values["perceptionGapAtLeast"]!.Value,
            LongGapDays = (int?)values["longGapDays"],
        };
        if (levels.Problems() is { Count: > 0 } wrong)
            return Refusal.Invalid([.. wrong.Select(p => new FieldProblem(p.Field, p.Message))]);
        return await SetLevelsAsync(user, levels, ct);
    }

    /// <summary>Back to the installation's levels (the configuration, else PRODUCT.md's).</summary>
    public async Task<ActionResult<SignalSettings>> ResetLevelsAsync(CancellationToken ct = default)
    {
        var (user, refusal) = await AdminAsync("signal levels", ct);
        if (refusal is not null) return refusal;
        return await SetLevelsAsync(user, null, ct);
    }

    private Task<(StaffUser User, Refusal? Refusal)> AdminAsync(string what, CancellationToken ct) =>
        staff.AdminAsync($"Only the clinic's admins change the clinic's {what}.", ct);

    private async Task<ActionResult<SignalSettings>> SetLevelsAsync(StaffUser user, SignalSettings? levels, CancellationToken ct)
    {
        var organisation = await db.Organisations.SingleAsync(o => o.Id == user.OrganisationId, ct);
        var wasOwn = organisation.SignalLevels is not null;
        var before = organisation.SignalLevels ?? evaluator.Defaults;
        var after = levels ?? evaluator.Defaults;
        organisation.SetSignalLevels(levels);
        if (before != after || wasOwn != (levels is not null))
        {
            audit.Change(user, "update-signal-levels", "Organisation", organisation.Id, before, after);
            await db.SaveChangesAsync(ct);
        }
        return after;
    }

    public async Task<ActionResult<string?>> SaveRiskProtocolAsync(string? protocol, CancellationToken ct = default)
    {
        var (user, refusal) = await AdminAsync("risk protocol", ct);
        if (refusal is not null) return refusal;
        var (_, problem) = TextLimits.Check(protocol, TextLimits.RiskProtocol, required: false, "the risk protocol");
        if (problem is not null)
            return Refusal.Invalid("protocol", problem);
        var organisation = await db.Organisations.SingleAsync(o => o.Id == user.OrganisationId, ct);
        try
        {
            organisation.SetRiskProtocol(protocol);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Staff(user, "update", "Organisation", organisation.Id);
        await db.SaveChangesAsync(ct);
        return organisation.RiskProtocol;
    }
}
