using Attune.Web.Features.CheckIns;
using Attune.Core.Relationships;
using Attune.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Progress;

/// <summary>
/// Links to a client's own progress page: the relationship id and an expiry, signed. Unlike a check-in link
/// it can be opened again until it expires (ProgressLinks:Days, default 30); it shows, never changes.
/// </summary>
public sealed class ProgressLinks(IDataProtectionProvider provider, TimeProvider clock, IConfiguration config)
    : SignedLinks(provider, "Attune.ProgressLink.v1", "/p/")
{
    public TimeSpan Lifetime => TimeSpan.FromDays(Math.Clamp(config.GetValue("ProgressLinks:Days", 30), 1, 365));

    /// <summary>
    /// The relationship a progress link names, with the status to answer: 200, 410 when it has expired, 400 when it is
    /// not a valid link (or names nothing).
    /// </summary>
    public async Task<(TherapeuticRelationship? Relationship, int Status)> OpenAsync(string token, AttuneDbContext db)
    {
        if (Read(token) is not { } link)
            return (null, StatusCodes.Status400BadRequest);
        if (clock.GetUtcNow() >= link.ExpiresAt)
            return (null, StatusCodes.Status410Gone);
        var relationship = await db.Relationships.AsNoTracking().SingleOrDefaultAsync(r => r.Id == link.Id);
        return (relationship, relationship is null ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    /// <summary>A new link for the relationship, expiring after <see cref="Lifetime"/>.</summary>
    public string PathForRelationship(Guid relationshipId) => PathFor(CreateToken(relationshipId, clock.GetUtcNow() + Lifetime));
}
