using Attune.Core;
using Attune.Core.Instruments;
using Attune.Core.Scoring;
using Attune.Core.Wellbeing;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Attune.Web.Time;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Wellbeing;

/// <summary>
/// A wellbeing check as the clinician gives it: Attune's items by name (energy, workload, connection, support,
/// sleep; "0" to "10"), ProQOL's answers by item id when they answered it ("1" to "5"; none: not answered), and
/// whether this check is shared with their supervisor.
/// </summary>
public sealed record WellbeingInput(IReadOnlyDictionary<string, string?> Items, IReadOnlyDictionary<string, string?>? ProQol, bool Share);

/// <summary>
/// The clinician's own wellbeing check (issue 21, point 5): recorded by the clinician for themself, private unless they
/// share a check with their supervisor; the clinic's admin sets the employee-assistance contact and how often the check
/// comes round. Called by the pages.
/// </summary>
public sealed class WellbeingActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, InstrumentCatalog catalog, ClinicClock clock)
{
    public const string ProQolId = "proqol-5";
    public const string WhoMay = "The wellbeing check is for clinicians, about themselves.";

    public async Task<ActionResult<WellbeingCheck>> RecordAsync(WellbeingInput input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } me)
            return Refusal.Forbidden(WhoMay);
        var items = new Dictionary<WellbeingItem, int>();
        foreach (var item in Enum.GetValues<WellbeingItem>())
        {
            var field = item.ToString().ToLowerInvariant();
            if (!int.TryParse(input.Items.GetValueOrDefault(field), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value > 10)
                return Refusal.Invalid(field, $"{WellbeingItems.Name(item)}: choose 0 to 10.");
            items[item] = value;
        }
        ProQolScores? proQol = null;
        var answered = (input.ProQol ?? new Dictionary<string, string?>()).Where(a => !string.IsNullOrWhiteSpace(a.Value)).ToList();
        if (answered.Count > 0)
        {
            if (catalog.Find(ProQolId) is not { ItemTextMissing: false } definition)
                return Refusal.Invalid("proqol", "ProQOL's text is not loaded in this clinic, so it cannot be answered here.");
            var answers = new Dictionary<string, decimal?>();
            foreach (var (id, text) in answered)
            {
                if (!decimal.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
                    return Refusal.Invalid("proqol", $"ProQOL item {id}: choose one of the answers.");
                answers[id] = value;
            }
            var scored = InstrumentScorer.Score(definition, answers);
            if (!scored.IsValid)
                return Refusal.Invalid("proqol", "ProQOL: answer all thirty items, or none. " + string.Join(" ", scored.Errors.Take(3).Select(e => e.Message)));
            int Scale(string id) => (int)scored.Result!.Subscales.Single(s => s.Id == id).Score!.Value;
            proQol = new ProQolScores(Scale("compassion-satisfaction"), Scale("burnout"), Scale("secondary-traumatic-stress"));
        }
        WellbeingCheck check;
        try
        {
            check = new WellbeingCheck(user.OrganisationId, me, items, proQol, input.Share, clock.Now);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        db.WellbeingChecks.Add(check);
        audit.Staff(user, "create", "WellbeingCheck", check.Id);
        await db.SaveChangesAsync(ct);
        return check;
    }

    /// <summary>The clinician shares one of their checks with their supervisor, or stops sharing it. Only that check.</summary>
    public async Task<ActionResult<WellbeingCheck>> ShareAsync(Guid checkId, bool share, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        var check = await db.WellbeingChecks.SingleOrDefaultAsync(c => c.Id == checkId && c.ClinicianId == user.ClinicianId && c.OrganisationId == user.OrganisationId, ct);
        if (check is null || user.ClinicianId is null)
            return Refusal.NotFound("wellbeing check");
        check.Share(share);
        audit.Staff(user, share ? "share" : "unshare", "WellbeingCheck", check.Id);
        await db.SaveChangesAsync(ct);
        return check;
    }

    /// <summary>The admin sets the clinic's employee-assistance contact and how often the check comes round (days).</summary>
    public async Task<ActionResult<Core.Clinic.Organisation>> SaveSettingsAsync(string? employeeAssistanceContact, int? intervalDays, CancellationToken ct = default)
    {
        var (user, refusal) = await staff.AdminAsync("Only the clinic's admins change the wellbeing check's settings.", ct);
        if (refusal is not null) return refusal;
        var (contact, problem) = TextLimits.Check(employeeAssistanceContact, Core.Clinic.Organisation.MaxEmployeeAssistanceContact, required: false, "the contact");
        if (problem is not null)
            return Refusal.Invalid("employeeAssistanceContact", problem);
        var organisation = await db.Organisations.SingleAsync(o => o.Id == user.OrganisationId, ct);
        var before = new { organisation.EmployeeAssistanceContact, organisation.WellbeingIntervalDays };
        try
        {
            organisation.SetWellbeing(contact, intervalDays ?? 0);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        audit.Change(user, "update", "WellbeingSettings", organisation.Id, before, new { organisation.EmployeeAssistanceContact, organisation.WellbeingIntervalDays });
        await db.SaveChangesAsync(ct);
        return organisation;
    }
}
