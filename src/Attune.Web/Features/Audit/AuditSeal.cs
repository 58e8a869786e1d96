using System.Security.Cryptography;
using Attune.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Audit;

/// <summary>
/// Seals a read event saved without waiting for the chain (<see cref="AuditEvent.Seal"/>): its fields' SHA-256, encrypted
/// and authenticated with the Data Protection keys (kept in the database, themselves encrypted with the certificate
/// outside it, and shared by every node). One who can write to the database but has not the certificate can neither
/// forge a read nor change one before the chaining pass gives it its place.
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
/// Gives the sealed reads their places in the chain, in the order they were saved, every Audit:ChainReadsSeconds (2) on
/// the machine's clock. While they wait they are in the database, sealed, and
/// <see cref="AuditChain.VerifyAsync(AttuneDbContext, IReadOnlyCollection{AuditAnchor}, AuditAnchor?, Func{AuditEvent, bool}?, CancellationToken)"/>
/// checks them (a read deleted in those seconds is not noticed; one edited or forged is).
/// </summary>
public sealed class AuditReadChainer(IServiceScopeFactory scopes, IConfiguration config, ILogger<AuditReadChainer> logger)
    : Background.PeriodicPass(scopes, TimeProvider.System, logger, TimeSpan.FromSeconds(Math.Clamp(config.GetValue("Audit:ChainReadsSeconds", 2.0), 0.05, 60)), "Audit reads chained")
{
    private const int Batch = 500;

    protected override LogLevel DoneLevel => LogLevel.Debug;

    protected override Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct) =>
        ChainAsync(services.GetRequiredService<AttuneDbContext>(), services.GetRequiredService<AuditSeal>(), ct);

    /// <summary>A last pass at shutdown, before the checkpoint writer (added before this pass, so stopped after it) signs the head.</summary>
    protected override bool RunsAtShutdown => true;

    /// <summary>Chains every sealed read waiting now, a batch per transaction; returns how many.</summary>
    public static async Task<int> ChainAsync(AttuneDbContext db, AuditSeal seal, CancellationToken ct)
    {
        var total = 0;
        // Asked before the transaction, so that a quiet trail costs one indexed read and never the chain's turn.
        while (await db.AuditEvents.AnyAsync(e => e.Sequence == null && e.Seal != null, ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var chained = await AuditChain.ChainPendingAsync(db, seal.Holds, Batch, ct);
            if (chained == 0) return total; // only reads whose seal does not hold: left for verify to report
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            total += chained;
            if (chained < Batch) return total;
        }
        return total;
    }
}
