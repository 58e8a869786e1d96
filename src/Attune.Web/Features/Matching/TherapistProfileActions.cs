using System.Globalization;
using Attune.Core;
using Attune.Core.Matching;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Audit;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Matching;

/// <summary>A therapist profile as a page or the API sends it: values per criterion, open places and fee as typed, the opt-in.</summary>
public sealed record TherapistProfileInput(IReadOnlyDictionary<string, IReadOnlyList<string>> Offers, string? OpenPlaces, string? Fee, bool SharesTrackRecord);

/// <summary>What a clinician wants from supervision and, if they supervise, offers supervisees: as a page or the API sends it.</summary>
public sealed record SupervisionInput(IReadOnlyList<PreferenceInput> Wants, IReadOnlyDictionary<string, IReadOnlyList<string>> Offers, string? Places);

/// <summary>Each clinician keeps their own matching profile; no one else changes it. Audited with before and after.</summary>
public sealed class TherapistProfileActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, TimeProvider clock)
{
    public const string WhoMayChange = "Only clinicians keep a matching profile, each their own.";
    public const string OnlySupervisors = "Only supervisors offer supervision; what you want from your own supervision is kept.";

    /// <summary>What the clinician wants from supervision, each must-have or nice-to-have; and, for a supervisor, what they offer and how many supervisees they can take.</summary>
    public async Task<ActionResult<TherapistProfile>> SaveSupervisionAsync(SupervisionInput input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } clinicianId)
            return Refusal.Forbidden(WhoMayChange);
        var supervises = staff.Principal.IsInRole(StaffRoles.Supervisor);
        var places = 0;
        if (!string.IsNullOrWhiteSpace(input.Places) && !int.TryParse(input.Places.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out places))
            return Refusal.Invalid("supervisionPlaces", $"Give the supervisees you can take in all as a whole number from 0 to {TherapistProfile.MaxOpenPlaces}.");
        if (!supervises && (places > 0 || input.Offers.Any(o => o.Value.Count > 0)))
            return Refusal.Forbidden(OnlySupervisors);
        var wants = MatchPreferenceActions.WithImportance(input.Wants);
        if (wants.Refusal is { } invalid)
            return invalid;
        return await ChangeAsync(user, clinicianId, p => p.UpdateSupervision(input.Offers, places, wants.Value!, clock.GetUtcNow()), ct);
    }

    public async Task<ActionResult<TherapistProfile>> SaveAsync(TherapistProfileInput input, CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } clinicianId)
            return Refusal.Forbidden(WhoMayChange);
        if (!int.TryParse(input.OpenPlaces?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var places))
            return Refusal.Invalid("openPlaces", $"Give your open places as a whole number from 0 to {TherapistProfile.MaxOpenPlaces} (0: not taking new clients).");
        decimal? fee = null;
        if (!string.IsNullOrWhiteSpace(input.Fee))
        {
            if (!decimal.TryParse(input.Fee.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
                return Refusal.Invalid("fee", "Give your fee per session as an amount, like 120, or leave it empty.");
            fee = amount;
        }
        return await ChangeAsync(user, clinicianId, p => p.Update(input.Offers, places, fee, input.SharesTrackRecord, clock.GetUtcNow()), ct);
    }

    /// <summary>The clinician's own profile (made when they have none) changed by the domain, audited with before and after; the domain's refusal changes nothing.</summary>
    private async Task<ActionResult<TherapistProfile>> ChangeAsync(StaffUser user, Guid clinicianId, Action<TherapistProfile> change, CancellationToken ct)
    {
        var profile = await db.TherapistProfiles.SingleOrDefaultAsync(p => p.ClinicianId == clinicianId, ct);
        var before = profile is null ? null : Snapshot(profile);
        var isNew = profile is null;
        profile ??= new TherapistProfile(user.OrganisationId, clinicianId, clock.GetUtcNow());
        try
        {
            change(profile);
        }
        catch (DomainRuleException e)
        {
            db.ChangeTracker.Clear();
            return Refusal.From(e);
        }
        if (isNew)
            db.TherapistProfiles.Add(profile);
        audit.Change(user, isNew ? "create" : "update", nameof(TherapistProfile), profile.Id, before, Snapshot(profile));
        await db.SaveChangesAsync(ct);
        return profile;
    }

    private static object Snapshot(TherapistProfile p) => new { p.Offers, p.OpenPlaces, p.Fee, p.SharesTrackRecord, p.SupervisionWants, p.SupervisionOffers, p.SupervisionPlaces };
}
