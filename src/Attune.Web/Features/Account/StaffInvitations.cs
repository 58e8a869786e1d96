using Attune.Data;
using Microsoft.AspNetCore.Identity;

namespace Attune.Web.Features.Account;

/// <summary>
/// A staff member added by the clinic (an import of its clinicians) gets an email through the outbox with a link to
/// choose their own password; nobody else ever knows it. The link carries ASP.NET Core Identity's password-reset token:
/// it works once (setting the password changes the security stamp) and for seven days.
/// </summary>
public sealed class StaffInvitations(UserManager<StaffUser> users, AttuneDbContext db, TimeProvider clock)
{
    public const string Path = "/account/set-password";

    /// <summary>Adds the invitation email to the unit of work; the caller saves it.</summary>
    public async Task QueueAsync(StaffUser user, string clinicName, string baseUrl)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = $"{baseUrl.TrimEnd('/')}{Path}?user={user.Id}&token={Uri.EscapeDataString(token)}";
        db.Outbox.Add(new OutboxMessage
        {
            OrganisationId = user.OrganisationId,
            Kind = OutboxKinds.StaffInvitation,
            To = user.Email!,
            Subject = "Your Attune account",
            Body = $"{clinicName} has made you an account on Attune, the clinic's measurement-based care system.\n\n" +
                   $"Choose your password here (the link works once, for a week):\n{link}\n\n" +
                   $"Then sign in with this email address: {user.Email}\n\nIf you did not expect this, tell your clinic's admin.",
            CreatedAt = clock.GetUtcNow(),
        });
    }
}
