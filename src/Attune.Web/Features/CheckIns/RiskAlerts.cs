using Attune.Core.CheckIns;
using Attune.Core.Instruments;
using Attune.Core.Relationships;
using Attune.Core.Signals;
using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.CheckIns;

/// <summary>The urgent alert a risk answer raises, however the answers arrived (a check-in link or the FHIR API).</summary>
public sealed class RiskAlerts(AttuneDbContext db, InstrumentCatalog catalog, CheckInDelivery delivery)
{
    /// <summary>
    /// An urgent alert, and an email and a text message to the clinician (to the addresses on their staff account),
    /// saved with the answers: if the answers are stored, so is the alert. Neither message names the client or an
    /// answer; they ask the clinician to sign in.
    /// </summary>
    public async Task<ClinicalAlert> RaiseAsync(TherapeuticRelationship relationship, InstrumentResponse response, DateTimeOffset now, CancellationToken ct)
    {
        var alert = new ClinicalAlert(relationship.OrganisationId, relationship.Id, relationship.ClinicianId, RiskRule.For(response, catalog.Find), now);
        db.Alerts.Add(alert);
        var staff = await db.Users.Where(u => u.ClinicianId == relationship.ClinicianId).Select(u => new { u.Email, u.PhoneNumber }).ToListAsync(ct);
        // From the configured public URL, never the request's host (a link sent to a person).
        var url = $"{delivery.PublicUrl}/clients/{relationship.ClientId}";
        foreach (var to in staff.Select(s => s.Email).OfType<string>())
            db.Outbox.Add(new OutboxMessage
            {
                OrganisationId = relationship.OrganisationId,
                Kind = OutboxKinds.RiskAlert,
                ClientId = relationship.ClientId,
                To = to,
                Subject = "Attune: urgent alert for one of your clients",
                Body = $"Answers from one of your clients have raised an urgent alert that needs your attention today.\n\nSign in to see it: {url}\n\nThis email holds no clinical details.",
                CreatedAt = now,
            });
        foreach (var to in staff.Select(s => s.PhoneNumber).Where(p => !string.IsNullOrWhiteSpace(p)).OfType<string>())
            db.Outbox.Add(new OutboxMessage
            {
                OrganisationId = relationship.OrganisationId,
                Channel = "sms",
                Kind = OutboxKinds.RiskAlert,
                ClientId = relationship.ClientId,
                To = to,
                Subject = "Urgent alert",
                Body = $"Attune: an urgent alert for one of your clients needs your attention today. Sign in: {url}",
                CreatedAt = now,
            });
        return alert;
    }
}
