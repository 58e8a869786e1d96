using System.Security.Cryptography;
using Attune.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Audit;

/// <summary>
/// Seals an audit event saved without waiting for the chain (<see cref="AuditEvent.Seal"/>): its fields' SHA-256, encrypted
/// and authenticated with the Data Protection keys (kept in the database, themselves encrypted with the certificate
/// outside it, and shared by every node). One who can write to the database but has not the certificate can neither
/// forge an event nor change one before the chaining pass gives it its place. (The purpose string keeps its first name:
/// reads were sealed first, and their seals must still hold.)
/// </summary>
public sealed class AuditSeal(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Attune.Audit.ReadSeal.v1");

    public string Seal(AuditEvent e) => WebEncoders.Base64UrlEncode(_protector.Protect(AuditChain.SealedFields(e)));

    public bool Holds(AuditEvent e)
    {
        if (e.Seal is null) return false;
        try
        {
            return CryptographicOperations.FixedTimeEquals(_protector.Unprotect(WebEncoders.Base64UrlDecode(e.Seal)), AuditChain.SealedFields(e));
        }
        catch (Exception x) when (x is CryptographicException or FormatException)
        {
            return false;
        }
    }
}

/// <summary>
/// Gives the sealed events their places in the chain, in the order they were saved, every Audit:ChainSeconds (2) on the
/// machine's clock. While they wait they are in the database, sealed, and
/// <see cref="AuditChain.VerifyAsync(AttuneDbContext, IReadOnlyCollection{AuditAnchor}, AuditAnchor?, Func{AuditEvent, bool}?, CancellationToken)"/>
/// checks them: one edited or forged is noticed; one deleted in those seconds is not, as an event chained after the last
/// signed checkpoint can be deleted and the chain's tail rebuilt by one who can write the database.
/// </summary>
/// <remarks>
/// Writers used to take the chain's turn in their own transactions; on PostgreSQL every check-in then waited for every
/// other's round trips (issue 22). One pass per node now takes it, for a batch at a time.
/// </remarks>
public sealed class AuditChainer(IServiceScopeFactory scopes, IConfiguration config, ILogger<AuditChainer> logger)
    : Background.PeriodicPass(scopes, TimeProvider.System, logger, TimeSpan.FromSeconds(Math.Clamp(Seconds(config), 0.05, 60)), "Audit events chained")
{
    private const int Batch = 500;

    /// <summary>Audit:ChainSeconds, or its first name Audit:ChainReadsSeconds, or 2.</summary>
    private static double Seconds(IConfiguration config) =>
        config.GetValue<double?>("Audit:ChainSeconds") ?? config.GetValue<double?>("Audit:ChainReadsSeconds") ?? 2.0;

    protected override LogLevel DoneLevel => LogLevel.Debug;

    protected override async Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct)
    {
        var chained = await ChainAsync(services.GetRequiredService<AttuneDbContext>(), services.GetRequiredService<AuditSeal>(), ct);
        // The first events a new clinic's chain is given are signed at once, not at the next checkpoint (up to
        // Audit:CheckpointMinutes later): until then verify would rightly report a chain without its checkpoint file.
        if (chained > 0 && !services.GetRequiredService<AuditCheckpoints>().Exists)
            await services.GetRequiredService<AuditCheckpointWriter>().WriteAsync(ct);
        return chained;
    }

    /// <summary>A last pass at shutdown, before the checkpoint writer (added before this pass, so stopped after it) signs the head.</summary>
    protected override bool RunsAtShutdown => true;

    /// <summary>Chains every sealed event waiting now, a batch per transaction; returns how many.</summary>
    public static async Task<int> ChainAsync(AttuneDbContext db, AuditSeal seal, CancellationToken ct)
    {
        var total = 0;
        // Asked before the transaction, so that a quiet trail costs one indexed read and never the chain's turn.
        while (await db.AuditEvents.AnyAsync(e => e.Sequence == null && e.Seal != null, ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var chained = await AuditChain.ChainPendingAsync(db, seal.Holds, Batch, ct);
            if (chained == 0) return total; // only events whose seal does not hold: left for verify to report
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            total += chained;
            if (chained < Batch) return total;
        }
        return total;
    }
}
