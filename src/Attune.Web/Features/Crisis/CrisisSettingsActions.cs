using Attune.Core;
using Attune.Core.Clinic;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Crisis;

/// <summary>The clinic's own crisis lines, which every client page, check-in message and safety plan shows. Admins only.</summary>
public sealed class CrisisSettingsActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, ClinicCrisisResources crisis)
{
    private const string WhoMayChange = "Only the clinic's admins change the clinic's crisis lines.";

    /// <summary>
    /// The form's fields: "heading", and "name-i", "detail-i", "href-i" for each line i. A line left wholly empty is
    /// dropped (that is how a line is removed); every problem is told at once, beside its field; nothing changes
    /// unless all is right. Audited with the lines before and after.
    /// </summary>
    public async Task<ActionResult<CrisisResourceList>> SaveAsync(IReadOnlyDictionary<string, string?> form, CancellationToken ct = default)
    {
        var (user, refusal) = await staff.AdminAsync(WhoMayChange, ct);
        if (refusal is not null) return refusal;
        string Field(string name) => form.GetValueOrDefault(name)?.Trim() ?? "";
        // The lines as sent, by their number in the form; wholly empty ones are left out.
        var numbers = form.Keys.Select(k => k.Split('-') is [("name" or "detail" or "href"), var n] && int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < 100 ? i : -1)
            .Where(i => i >= 0).Distinct().Order().ToList();
        var kept = numbers.Where(i => Field($"name-{i}").Length + Field($"detail-{i}").Length + Field($"href-{i}").Length > 0).ToList();
        var list = new CrisisResourceList(Field("heading"),
            [.. kept.Select(i => new CrisisLine(Field($"name-{i}"), Field($"detail-{i}"), Field($"href-{i}") is { Length: > 0 } href ? href : null))]);
        if (list.Problems() is { Count: > 0 } problems)
            // Each problem beside the field it was sent in (the list's line k is the form's line kept[k]).
            return Refusal.Invalid([.. problems.Select(p => new FieldProblem(FormField(p.Field, kept), p.Message))]);
        return await SetAsync(user, list, ct);
    }

    /// <summary>Back to the installation's crisis lines (the configuration, else PRODUCT.md's).</summary>
    public async Task<ActionResult<CrisisResourceList>> ResetAsync(CancellationToken ct = default)
    {
        var (user, refusal) = await staff.AdminAsync(WhoMayChange, ct);
        if (refusal is not null) return refusal;
        return await SetAsync(user, null, ct);
    }

    private static string FormField(string field, List<int> kept) =>
        field.Split('-') is [var name, var k] && int.TryParse(k, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? $"{name}-{(index < kept.Count ? kept[index] : index)}"
            : field;

    private async Task<ActionResult<CrisisResourceList>> SetAsync(StaffUser user, CrisisResourceList? list, CancellationToken ct)
    {
        var organisation = await db.Organisations.SingleAsync(o => o.Id == user.OrganisationId, ct);
        var wasOwn = organisation.CrisisResources is not null;
        var before = organisation.CrisisResources ?? crisis.Installation;
        var after = list ?? crisis.Installation;
        try
        {
            organisation.SetCrisisResources(list);
        }
        catch (DomainRuleException e)
        {
            return Refusal.From(e);
        }
        if (!before.Equals(after) || wasOwn != (list is not null))
        {
            audit.Change(user, "update-crisis-lines", "Organisation", organisation.Id, before, after);
            await db.SaveChangesAsync(ct);
        }
        return after;
    }
}
