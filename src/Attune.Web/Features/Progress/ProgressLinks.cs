using Attune.Web.Features.CheckIns;
using Microsoft.AspNetCore.DataProtection;

namespace Attune.Web.Features.Progress;

/// <summary>
/// Links to a client's own progress page: the relationship id and an expiry, signed. Unlike a check-in link
/// it can be opened again until it expires (ProgressLinks:Days, default 30); it shows, never changes.
/// </summary>
public sealed class ProgressLinks(IDataProtectionProvider provider, TimeProvider clock, IConfiguration config)
    : SignedLinks(provider, "Attune.ProgressLink.v1", "/p/")
{
    public TimeSpan Lifetime => TimeSpan.FromDays(Math.Clamp(config.GetValue("ProgressLinks:Days", 30), 1, 365));

    /// <summary>A new link for the relationship, expiring after <see cref="Lifetime"/>.</summary>
    public string PathForRelationship(Guid relationshipId) => PathFor(CreateToken(relationshipId, clock.GetUtcNow() + Lifetime));
}
