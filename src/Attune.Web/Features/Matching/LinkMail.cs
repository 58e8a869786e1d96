using Attune.Core.Clinic;
using Attune.Data;

namespace Attune.Web.Features.Matching;

/// <summary>
/// An email to a client at intake with a link of theirs (their preferences, their choice of therapist), with the
/// clinic's crisis lines below it as every message to a client has; queued in the outbox when the client has an email
/// address. It never names the client.
/// </summary>
public sealed class LinkMail(AttuneDbContext db, Crisis.ClinicCrisisResources crisis)
{
    public async Task QueueAsync(Client client, string kind, string subject, string body, DateTimeOffset now, CancellationToken ct)
    {
        if (client.Email is not { } email)
            return;
        var lines = Crisis.ClinicCrisisResources.AsText(await crisis.ForOrganisationAsync(client.OrganisationId, ct));
        db.Outbox.Add(new OutboxMessage
        {
            OrganisationId = client.OrganisationId,
            Kind = kind,
            ClientId = client.Id,
            To = email,
            Subject = subject,
            Body = $"{body}\n\n{lines}",
            CreatedAt = now,
        });
    }
}
