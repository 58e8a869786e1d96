using Attune.Core.Matching;

namespace Attune.Web.Features.Matching;

/// <summary>One clinician's track record in one domain, as the command line and the REST API give it.</summary>
public sealed record TrackRecordRow(string Domain, Guid ClinicianId, string Clinician, string Name, int Cases, double? MeanResidual, double? Lower, double? Upper, string Class);

/// <summary>A domain's clinic-wide line of change on intake score (the risk adjustment), without any clinician or client in it.</summary>
public sealed record DomainModelRow(string Domain, string Name, string Instrument, int Cases, double Intercept, double Slope);

/// <summary>A clinic's track records: the settings they were computed with, each domain's line, and the rows shown.</summary>
public sealed record TrackRecordReport(int MinimumCases, double IntervalLevel, IReadOnlyList<DomainModelRow> Models, IReadOnlyList<TrackRecordRow> Records)
{
    /// <summary>The report of these records, ordered by domain, then clinician (by email, else name).</summary>
    public static TrackRecordReport From(TrackRecordView view, Func<ClinicianTrackRecord, bool>? shown = null) => new(
        view.Settings.MinimumCases, view.Settings.IntervalLevel,
        view.Models.Join(view.Domains, m => m.DomainId, d => d.Id, (m, d) => new DomainModelRow(m.DomainId, d.Name, d.InstrumentId, m.Cases, m.Intercept, m.Slope)).ToList(),
        view.Records.Where(shown ?? (_ => true)).Select(r =>
            {
                var (name, email) = view.Clinicians.TryGetValue(r.ClinicianId, out var c) ? c : (r.ClinicianId.ToString(), null);
                return new TrackRecordRow(r.DomainId, r.ClinicianId, email ?? name, name, r.Cases, r.MeanResidual, r.Lower, r.Upper, r.Class.ToString());
            })
            .OrderBy(r => r.Domain, StringComparer.Ordinal).ThenBy(r => r.Clinician, StringComparer.Ordinal).ToList());
}
