using Attune.Web.Features.CheckIns;
using Microsoft.AspNetCore.DataProtection;

namespace Attune.Web.Features.Matching;

/// <summary>
/// Signed, expiring links a client opens on their phone, without an account, to say what they look for in a therapist
/// (/m/{token}): the client's id, the expiry and the link's version, under a purpose of their own. The database keeps the
/// version and the expiry, so a new link stops the earlier ones.
/// </summary>
public sealed class PreferenceLinks(IDataProtectionProvider provider) : SignedLinks(provider, "Attune.PreferenceLink.v1", "/m/")
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
}

/// <summary>
/// Signed, expiring links on which a client waiting at intake chooses one of the two or three therapists the clinic
/// offers them (/m/choose/{token}): the offer's id and expiry, under a purpose of their own.
/// </summary>
public sealed class ChoiceLinks(IDataProtectionProvider provider) : SignedLinks(provider, "Attune.ChoiceLink.v1", "/m/choose/")
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
}
