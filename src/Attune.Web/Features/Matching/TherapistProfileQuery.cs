using Attune.Core.Matching;
using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Matching;

/// <summary>A clinician's own profile and their own track record (what they decide whether to share).</summary>
public sealed record OwnProfileView(TherapistProfile? Profile, IReadOnlyList<(ProblemDomain Domain, ClinicianTrackRecord? Record)> Record, TrackRecordSettings Settings);

public sealed class TherapistProfileQuery(AttuneDbContext db, CurrentStaff staff, TrackRecordQuery trackRecords, Audit.AuditTrail audit)
{
    /// <returns>Null for staff who are not clinicians.</returns>
    public async Task<OwnProfileView?> OwnAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } clinicianId)
            return null;
        var profile = await db.TherapistProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.ClinicianId == clinicianId, ct);
        var records = await trackRecords.LoadAsync(user.OrganisationId, ct);
        return new OwnProfileView(profile,
            records.Domains.Select(d => (d, records.Records.FirstOrDefault(r => r.ClinicianId == clinicianId && r.DomainId == d.Id))).ToList(),
            records.Settings);
    }

    public const string OnlyClinicians = "Only clinicians read the clinic's track records.";

    /// <summary>
    /// The clinic's track records as a clinician may read them: the domains' lines (no one in them), their own record,
    /// and the records of colleagues who chose to share theirs. Audited as a read of the clinic's track record.
    /// </summary>
    public async Task<Actions.ActionResult<TrackRecordReport>> SharedAsync(CancellationToken ct = default)
    {
        var user = await staff.GetAsync(ct);
        if (user.ClinicianId is not { } clinicianId)
            return Actions.Refusal.Forbidden(OnlyClinicians);
        var sharing = await db.TherapistProfiles.AsNoTracking().Where(p => p.OrganisationId == user.OrganisationId && p.SharesTrackRecord)
            .Select(p => p.ClinicianId).ToListAsync(ct);
        var view = await trackRecords.LoadAsync(user.OrganisationId, ct);
        audit.Staff(user, "read", "TrackRecord", user.OrganisationId);
        await db.SaveChangesAsync(ct);
        return TrackRecordReport.From(view, r => r.ClinicianId == clinicianId || sharing.Contains(r.ClinicianId));
    }
}
