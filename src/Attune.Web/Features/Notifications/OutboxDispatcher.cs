using Attune.Data;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Attune.Web.Features.Notifications;

/// <summary>
/// Sends the outbox over SMTP (MailKit) when a mail server is configured, and texts through the <see cref="ISmsSender"/>.
/// Several instances may share one database: each pass first claims the messages it will send with one conditional
/// UPDATE (only rows unclaimed or whose claim has lapsed), so a message is sent by one instance once. Logs message ids only.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, IOptions<MailOptions> options, TimeProvider clock, ILogger<OutboxDispatcher> logger, IEnumerable<ISmsSender> smsSenders) : BackgroundService
{
    /// <summary>How long a claim holds: an instance that dies mid-pass leaves its messages to another after this.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private const int Batch = 50;
    /// <summary>Who claims: the machine and process (for whoever reads the table), and a fresh id per pass.</summary>
    private static string NewClaim() =>
        $"{(Environment.MachineName.Length > 40 ? Environment.MachineName[..40] : Environment.MachineName)}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>
    /// Claims up to <see cref="Batch"/> waiting messages of a channel for this pass, oldest first, and loads them. The
    /// claim is one UPDATE whose WHERE repeats "not sent, not claimed (or the claim lapsed)": of two instances racing for
    /// a row, the database lets one update it, and the other's WHERE no longer matches.
    /// </summary>
    private async Task<List<OutboxMessage>> ClaimAsync(AttuneDbContext db, string channel, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var max = options.Value.MaxAttempts;
        var candidates = (await db.Outbox.Where(m => m.SentAt == null && m.Attempts < max && m.Channel == channel && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                .Select(m => new { m.Id, m.CreatedAt }).ToListAsync(ct))
            .OrderBy(m => m.CreatedAt).Take(Batch).Select(m => m.Id).ToList();
        if (candidates.Count == 0)
            return [];
        var pass = NewClaim();
        var until = now + Lease;
        await db.Outbox
            .Where(m => candidates.Contains(m.Id) && m.SentAt == null && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedBy, pass).SetProperty(m => m.ClaimedUntil, until), ct);
        return (await db.Outbox.Where(m => m.ClaimedBy == pass).ToListAsync(ct)).OrderBy(m => m.CreatedAt).ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mail = options.Value;
        if (string.IsNullOrWhiteSpace(mail.Smtp.Host) && !smsSenders.Any())
            return;
        var poll = TimeSpan.FromSeconds(Math.Max(1, mail.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Outbox pass failed: {ErrorType}", e.GetType().Name);
            }
            // A fresh delay after each pass (as in PeriodicPass): a jump of the clock owes one pass, not one per poll missed.
            try
            {
                await Task.Delay(poll, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends what is waiting; returns how many were sent.</summary>
    public async Task<int> SendPendingAsync(CancellationToken ct) => await SendPendingSmsAsync(ct) + await SendPendingEmailAsync(ct);

    private async Task<int> SendPendingSmsAsync(CancellationToken ct)
    {
        if (smsSenders.FirstOrDefault() is not { } sms)
            return 0;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var pending = await ClaimAsync(db, "sms", ct);
        var sent = 0;
        foreach (var message in pending)
        {
            try
            {
                await sms.SendAsync(message.To, message.Body, ct);
                message.MarkSent(clock.GetUtcNow());
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Fail(message, e);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
        return sent;
    }

    private async Task<int> SendPendingEmailAsync(CancellationToken ct)
    {
        var mail = options.Value;
        if (string.IsNullOrWhiteSpace(mail.Smtp.Host))
            return 0;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var pending = await ClaimAsync(db, "email", ct);
        if (pending.Count == 0)
            return 0;

        var sent = 0;
        var failed = new HashSet<Guid>();
        using var smtp = new SmtpClient();
        try
        {
            await smtp.ConnectAsync(mail.Smtp.Host, mail.Smtp.Port, Security(mail.Smtp.Security), ct);
            if (!string.IsNullOrEmpty(mail.Smtp.Username))
                await smtp.AuthenticateAsync(mail.Smtp.Username, mail.Smtp.Password ?? "", ct);
            foreach (var message in pending)
            {
                try
                {
                    var mime = new MimeMessage();
                    mime.From.Add(MailboxAddress.Parse(mail.From));
                    mime.To.Add(MailboxAddress.Parse(message.To));
                    mime.Subject = message.Subject;
                    mime.Body = new TextPart("plain") { Text = message.Body };
                    mime.MessageId = $"{message.Id:N}@attune";
                    await smtp.SendAsync(mime, ct);
                    message.MarkSent(clock.GetUtcNow());
                    sent++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Fail(message, e);
                    failed.Add(message.Id);
                }
            }
            await smtp.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The server could not be reached or refused us: every message not yet sent or failed counts one attempt.
            foreach (var message in pending.Where(m => m.SentAt is null && !failed.Contains(m.Id)))
                Fail(message, e);
        }
        finally
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return sent;
    }

    private void Fail(OutboxMessage message, Exception e)
    {
        message.Attempts++;
        // Free for the next pass (of any instance).
        message.ClaimedBy = null;
        message.ClaimedUntil = null;
        message.LastError = e.GetType().Name;
        logger.LogWarning("Outbox message {MessageId} not sent ({ErrorType}), attempt {Attempt}", message.Id, e.GetType().Name, message.Attempts);
    }

    private static SecureSocketOptions Security(string value) => value.Trim().ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
