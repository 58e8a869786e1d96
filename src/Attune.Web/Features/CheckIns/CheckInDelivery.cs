using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Data;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.CheckIns;

/// <summary>
/// Emails check-in links to clients through the outbox, and sends one reminder for a link that is still
/// unanswered after CheckIns:ReminderAfterHours (default 48). The email says nothing about the answers.
/// </summary>
public sealed class CheckInDelivery(AttuneDbContext db, CheckInLinks links, TimeProvider clock, Time.ClinicClock clinicClock, IConfiguration config, Crisis.ClinicCrisisResources crisis)
{
    public TimeSpan ReminderAfter => TimeSpan.FromHours(Math.Max(1, config.GetValue("CheckIns:ReminderAfterHours", 48)));

    /// <summary>The address every link sent to a client points at: the configured public URL, never the request's host.</summary>
    public string PublicUrl => (config["PublicUrl"] ?? config["urls"]?.Split(';')[0] ?? AttuneHost.DefaultUrl).TrimEnd('/');

    /// <summary>Adds a text message with the link to the unit of work; the caller saves it with the check-in.</summary>
    public void QueueSms(CheckIn checkIn, Client client, Guid organisationId)
    {
        if (client.Phone is null)
            throw new InvalidOperationException("The client has no phone number.");
        db.Outbox.Add(new OutboxMessage
        {
            OrganisationId = organisationId,
            Channel = "sms",
            Kind = OutboxKinds.CheckInLink,
            ClientId = client.Id,
            To = client.Phone,
            Subject = "Check-in link",
            Body = $"Your therapist has asked for a short check-in (about a minute): {LinkUrl(checkIn)}",
            CreatedAt = clock.GetUtcNow(),
        });
        checkIn.MarkSentToClient(clock.GetUtcNow());
    }

    private string LinkUrl(CheckIn checkIn) =>
        $"{PublicUrl}{links.PathFor(checkIn)}";

    /// <summary>Adds the email to the unit of work; the caller saves it with the check-in.</summary>
    public async Task QueueEmailAsync(CheckIn checkIn, Client client, Guid organisationId, bool reminder, CancellationToken ct = default)
    {
        // The clinic's crisis lines, as every client page shows them.
        var crisisLines = Crisis.ClinicCrisisResources.AsText(await crisis.ForOrganisationAsync(organisationId, ct));
        if (client.Email is null)
            throw new InvalidOperationException("The client has no email address.");
        var url = LinkUrl(checkIn);
        // In the clinic's time and the format of every date Attune shows: a link that ends this evening says so.
        var expires = clinicClock.Format(checkIn.ExpiresAt);
        db.Outbox.Add(new OutboxMessage
        {
            OrganisationId = organisationId,
            Kind = reminder ? OutboxKinds.CheckInReminder : OutboxKinds.CheckInLink,
            ClientId = client.Id,
            To = client.Email,
            Subject = reminder ? "Reminder: your check-in" : "Your check-in",
            Body = (reminder ? "A gentle reminder: your" : "Your") +
                   $" therapist has asked for a short check-in. It takes about a minute, and your answers help shape your sessions.\n\n{url}\n\n" +
                   $"The link works once and until {expires}.\n\n{crisisLines}",
            CreatedAt = clock.GetUtcNow(),
        });
        if (reminder) checkIn.MarkReminded(clock.GetUtcNow());
        else checkIn.MarkSentToClient(clock.GetUtcNow());
    }

    /// <summary>Queues every reminder that is due; returns how many.</summary>
    public async Task<int> QueueDueRemindersAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var candidates = (await db.CheckIns.Where(c => c.Status == CheckInStatus.Pending && c.SentToClientAt != null && c.ReminderSentAt == null).ToListAsync(ct))
            .Where(c => c.NeedsReminder(now, ReminderAfter)).ToList();
        var count = 0;
        foreach (var checkIn in candidates)
        {
            var target = await (from r in db.Relationships
                                join c in db.Clients on r.ClientId equals c.Id
                                where r.Id == checkIn.RelationshipId
                                select new { Client = c, r.OrganisationId }).SingleAsync(ct);
            if (target.Client.Email is null) continue;
            await QueueEmailAsync(checkIn, target.Client, target.OrganisationId, reminder: true, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                count++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another pass reminded (or the client answered) first; this one sends nothing.
                db.ChangeTracker.Clear();
            }
        }
        return count;
    }
}

/// <summary>Runs the reminder pass every few minutes.</summary>
public sealed class CheckInReminderService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<CheckInReminderService> logger)
    : Background.PeriodicPass(scopes, clock, logger, TimeSpan.FromMinutes(10), "Check-in reminder pass")
{
    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<CheckInDelivery>().QueueDueRemindersAsync(ct);
}
