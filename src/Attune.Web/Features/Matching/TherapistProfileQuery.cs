using Attune.Core.Matching;
using Attune.Data;
using Attune.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Matching;

/// <summary>A clinician's own profile and their own track record (what they decide whether to share).</summary>
public sealed record OwnProfileView(TherapistProfile? Profile, IReadOnlyList<(ProblemDomain Domain, ClinicianTrackRecord? Record)> Record, TrackRecordSettings Settings);

public sealed class TherapistProfileQuery(AttuneDbContext db, CurrentStaff staff, TrackRecordQuery trackRecords)
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
}
