using Attune.Core;
using Attune.Core.Clinic;
using Attune.Data;
using Attune.Web.Actions;
using Attune.Web.Features.Account;
using Attune.Web.Features.Audit;
using Attune.Web.Features.CheckIns;
using Attune.Web.Features.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Attune.Web.Features.Staff;

/// <summary>What an admin sends to invite a staff member.</summary>
public sealed record StaffInvite(string? Name, string? Email, IReadOnlyList<string> Roles, string? SupervisorUserId);

/// <summary>
/// The clinic's staff accounts, run by its admins from the browser: invite (an email with a one-time link to choose a
/// password), roles, supervisor, deactivate and reactivate, and resetting a lost second factor. Every change is
/// audited with what it was before and after. A change of roles, a deactivation or a reset ends the staff member's
/// sessions (their security stamp changes), and API clients acting for a deactivated member are refused at once
/// (<see cref="Integrations.ApiAccess"/> checks the lockout on every call).
/// </summary>
public sealed class StaffActions(AttuneDbContext db, CurrentStaff staff, AuditTrail audit, UserManager<StaffUser> users,
    RoleManager<IdentityRole<Guid>> roles, StaffInvitations invitations, CheckInDelivery delivery, TimeProvider clock)
{
    public const int MaxName = 200;

    public async Task<ActionResult<StaffUser>> InviteAsync(StaffInvite input, CancellationToken ct = default)
    {
        var (admin, refusal) = await AdminAsync(ct);
        if (refusal is not null) return refusal;
        var problems = new List<FieldProblem>();
        var (name, nameProblem) = TextLimits.Check(input.Name, MaxName, required: true, "the name");
        if (nameProblem is not null) problems.Add(new("name", nameProblem));
        var email = input.Email?.Trim() ?? "";
        if (!IsPlainEmail(email)) problems.Add(new("email", "Give the staff member's email address (name@clinic.example)."));
        var (chosen, rolesProblem) = ParseRoles(input.Roles);
        if (rolesProblem is not null) problems.Add(new("roles", rolesProblem));
        Clinician? supervisor = null;
        if (!string.IsNullOrWhiteSpace(input.SupervisorUserId))
        {
            if (!chosen.Contains(StaffRoles.Clinician))
                problems.Add(new("supervisor", "Only a clinician has a supervisor."));
            else if ((supervisor = await SupervisorAsync(admin, input.SupervisorUserId, ct)) is null)
                problems.Add(new("supervisor", "Choose a supervisor of this clinic."));
        }
        if (problems.Count > 0) return Refusal.Invalid(problems);
        if (await users.FindByEmailAsync(email) is not null)
            return Refusal.Invalid("email", "Someone already has an account with this email address.");

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await EnsureRolesAsync();
        Clinician? clinician = null;
        if (SeesClients(chosen))
        {
            clinician = new Clinician(admin.OrganisationId, name!, clock.GetUtcNow());
            if (supervisor is not null) clinician.AssignSupervisor(supervisor);
            db.Clinicians.Add(clinician);
        }
        var user = new StaffUser { UserName = email, Email = email, DisplayName = name!, OrganisationId = admin.OrganisationId, ClinicianId = clinician?.Id };
        var made = await users.CreateAsync(user);
        if (made.Succeeded) made = await users.AddToRolesAsync(user, chosen);
        if (!made.Succeeded)
            return Refusal.Invalid("email", string.Join(" ", made.Errors.Select(e => e.Description)));
        audit.Change(admin, "invite", "StaffUser", user.Id, null, new { roles = chosen, supervisor = supervisor?.Id });
        await invitations.QueueAsync(user, await ClinicNameAsync(admin, ct), delivery.PublicUrl);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    /// <summary>A new invitation link for someone who has not chosen a password yet (the old link stops working).</summary>
    public async Task<ActionResult<StaffUser>> InviteAgainAsync(Guid userId, CancellationToken ct = default)
    {
        var (admin, user, refusal) = await TargetAsync(userId, ct);
        if (refusal is not null) return refusal;
        if (user!.PasswordHash is not null)
            return Refusal.Conflict($"{user.DisplayName} has already chosen a password; if it is lost they use “Forgot password” or you reset their second factor.");
        if (IsDeactivated(user))
            return Refusal.Conflict("Reactivate the account first.");
        // A new stamp makes the earlier link useless.
        await users.UpdateSecurityStampAsync(user);
        audit.Change(admin, "invite-again", "StaffUser", user.Id, null, null);
        await invitations.QueueAsync(user, await ClinicNameAsync(admin, ct), delivery.PublicUrl);
        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task<ActionResult<StaffUser>> SetRolesAsync(Guid userId, IReadOnlyList<string> wanted, CancellationToken ct = default)
    {
        var (admin, user, refusal) = await TargetAsync(userId, ct);
        if (refusal is not null) return refusal;
        var (chosen, problem) = ParseRoles(wanted);
        if (problem is not null) return Refusal.Invalid("roles", problem);
        var before = (await users.GetRolesAsync(user!)).Order().ToList();
        if (before.SequenceEqual(chosen)) return user!;
        if (before.Contains(StaffRoles.Admin) && !chosen.Contains(StaffRoles.Admin))
        {
            if (user!.Id == admin.Id)
                return Refusal.Conflict("You cannot take away your own admin role; another admin can.");
            if (await ActiveAdminsAsync(admin, ct) <= 1)
                return Refusal.Conflict("The clinic must keep at least one active admin.");
        }
        if (before.Contains(StaffRoles.Supervisor) && !chosen.Contains(StaffRoles.Supervisor) && user!.ClinicianId is { } own
            && await db.Clinicians.CountAsync(c => c.SupervisorId == own, ct) is var supervisees and > 0)
            return Refusal.Conflict($"{user.DisplayName} supervises {supervisees} clinician{(supervisees == 1 ? "" : "s")}: give them another supervisor first.");

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await EnsureRolesAsync();
        if (SeesClients(chosen) && user!.ClinicianId is null)
        {
            var clinician = new Clinician(admin.OrganisationId, user.DisplayName, clock.GetUtcNow());
            db.Clinicians.Add(clinician);
            user.ClinicianId = clinician.Id;
        }
        var changed = await users.RemoveFromRolesAsync(user!, before.Except(chosen));
        if (changed.Succeeded) changed = await users.AddToRolesAsync(user!, chosen.Except(before));
        if (!changed.Succeeded)
            return Refusal.Conflict(string.Join(" ", changed.Errors.Select(e => e.Description)));
        // Roles travel in the sign-in: the member signs in again to work with the new ones.
        await EndSessionsAsync(user!, ct);
        audit.Change(admin, "change-roles", "StaffUser", user!.Id, new { roles = before }, new { roles = chosen });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    public async Task<ActionResult<StaffUser>> AssignSupervisorAsync(Guid userId, string? supervisorUserId, CancellationToken ct = default)
    {
        var (admin, user, refusal) = await TargetAsync(userId, ct);
        if (refusal is not null) return refusal;
        if (user!.ClinicianId is not { } clinicianId || !await users.IsInRoleAsync(user, StaffRoles.Clinician))
            return Refusal.Conflict($"{user.DisplayName} is not a clinician, so has no supervisor.");
        var clinician = await db.Clinicians.SingleAsync(c => c.Id == clinicianId, ct);
        var before = clinician.SupervisorId;
        if (string.IsNullOrWhiteSpace(supervisorUserId))
            clinician.RemoveSupervisor();
        else
        {
            if (await SupervisorAsync(admin, supervisorUserId, ct) is not { } supervisor)
                return Refusal.Invalid("supervisor", "Choose a supervisor of this clinic.");
            try
            {
                clinician.AssignSupervisor(supervisor);
            }
            catch (DomainRuleException e)
            {
                return Refusal.Invalid("supervisor", e.Message);
            }
        }
        if (before == clinician.SupervisorId) return user;
        audit.Change(admin, "assign-supervisor", "StaffUser", user.Id, new { supervisor = before }, new { supervisor = clinician.SupervisorId });
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>The account can no longer sign in; its sessions end now and API clients acting for it are refused.</summary>
    public async Task<ActionResult<StaffUser>> DeactivateAsync(Guid userId, CancellationToken ct = default)
    {
        var (admin, user, refusal) = await TargetAsync(userId, ct);
        if (refusal is not null) return refusal;
        if (user!.Id == admin.Id)
            return Refusal.Conflict("You cannot deactivate your own account; another admin can.");
        if (IsDeactivated(user))
            return Refusal.Conflict($"{user.DisplayName}'s account is already deactivated.");
        if (await users.IsInRoleAsync(user, StaffRoles.Admin) && await ActiveAdminsAsync(admin, ct) <= 1)
            return Refusal.Conflict("The clinic must keep at least one active admin.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, DeactivatedUntil);
        await EndSessionsAsync(user, ct);
        audit.Change(admin, "deactivate", "StaffUser", user.Id, new { active = true }, new { active = false });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    public async Task<ActionResult<StaffUser>> ReactivateAsync(Guid userId, CancellationToken ct = default)
    {
        var (admin, user, refusal) = await TargetAsync(userId, ct);
        if (refusal is not null) return refusal;
        if (!IsDeactivated(user!))
            return Refusal.Conflict($"{user!.DisplayName}'s account is active.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await users.SetLockoutEndDateAsync(user!, null);
        await users.ResetAccessFailedCountAsync(user!);
        audit.Change(admin, "reactivate", "StaffUser", user!.Id, new { active = false }, new { active = true });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    /// <summary>
    /// For a member who lost their phone or passkey: the authenticator app, its recovery codes and every passkey are
    /// removed, their sessions end, and they are told by email. They set up a new one when they next sign in (admins
    /// must; others may).
    /// </summary>
    public async Task<ActionResult<StaffUser>> ResetSecondFactorAsync(Guid userId, CancellationToken ct = default)
    {
        var (admin, user, refusal) = await TargetAsync(userId, ct);
        if (refusal is not null) return refusal;
        if (user!.Id == admin.Id)
            return Refusal.Conflict("Change your own second factor on your sign-in security page.");
        var passkeys = await users.GetPasskeysAsync(user);
        var authenticator = await users.GetTwoFactorEnabledAsync(user);
        if (!authenticator && passkeys.Count == 0)
            return Refusal.Conflict($"{user.DisplayName} has no second factor to reset.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.RemoveAuthenticationTokenAsync(user, SecondFactorActions.IdentityStoreTokens.Provider, SecondFactorActions.IdentityStoreTokens.AuthenticatorKey);
        await users.RemoveAuthenticationTokenAsync(user, SecondFactorActions.IdentityStoreTokens.Provider, SecondFactorActions.IdentityStoreTokens.RecoveryCodes);
        foreach (var passkey in passkeys)
            await users.RemovePasskeyAsync(user, passkey.CredentialId);
        await EndSessionsAsync(user, ct);
        audit.Change(admin, "reset-second-factor", "StaffUser", user.Id,
            new { authenticator, passkeys = passkeys.Count }, new { authenticator = false, passkeys = 0 });
        db.Outbox.Add(new OutboxMessage
        {
            OrganisationId = admin.OrganisationId,
            Kind = OutboxKinds.Notice,
            To = user.Email!,
            Subject = "Your Attune second factor was reset",
            Body = $"{admin.DisplayName}, an admin of {await ClinicNameAsync(admin, ct)}, removed your authenticator app and passkeys on Attune " +
                   $"and signed you out everywhere.\n\nWhen you next sign in with your password, set up a new second factor on the page Attune shows you.\n\n" +
                   "If you did not ask for this, tell your clinic's admins at once.",
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    /// <summary>
    /// A deactivated account is locked out until the end of 9999 (a lockout after failed sign-ins lasts minutes); a
    /// date both databases store exactly.
    /// </summary>
    public static readonly DateTimeOffset DeactivatedUntil = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static bool IsDeactivated(StaffUser user) => user.LockoutEnd >= DeactivatedUntil;

    private static bool SeesClients(IReadOnlyList<string> roles) => roles.Contains(StaffRoles.Clinician) || roles.Contains(StaffRoles.Supervisor);

    private static (IReadOnlyList<string> Roles, string? Problem) ParseRoles(IReadOnlyList<string> wanted)
    {
        var chosen = wanted.Select(r => r.Trim().ToLowerInvariant()).Where(r => r.Length > 0).Distinct().Order().ToList();
        if (chosen.Count == 0) return (chosen, "Choose at least one role.");
        if (chosen.FirstOrDefault(r => !StaffRoles.All.Contains(r)) is { } unknown)
            return (chosen, $"“{unknown}” is not a role; the roles are {string.Join(", ", StaffRoles.All)}.");
        return (chosen, null);
    }

    private Task<(StaffUser User, Refusal? Refusal)> AdminAsync(CancellationToken ct) =>
        staff.AdminAsync("Only the clinic's admins manage staff accounts.", ct);

    private async Task<(StaffUser Admin, StaffUser? User, Refusal? Refusal)> TargetAsync(Guid userId, CancellationToken ct)
    {
        var (admin, refusal) = await AdminAsync(ct);
        if (refusal is not null) return (admin, null, refusal);
        var user = await users.FindByIdAsync(userId.ToString());
        return user is null || user.OrganisationId != admin.OrganisationId ? (admin, null, Refusal.NotFound("staff member")) : (admin, user, null);
    }

    /// <summary>A supervisor of the admin's clinic (an active account with the supervisor role), by their user id.</summary>
    private async Task<Clinician?> SupervisorAsync(StaffUser admin, string userId, CancellationToken ct)
    {
        if (!Guid.TryParse(userId, out var id)) return null;
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null || user.OrganisationId != admin.OrganisationId || user.ClinicianId is null || IsDeactivated(user)
            || !await users.IsInRoleAsync(user, StaffRoles.Supervisor))
            return null;
        return await db.Clinicians.SingleAsync(c => c.Id == user.ClinicianId, ct);
    }

    private async Task<int> ActiveAdminsAsync(StaffUser admin, CancellationToken ct) =>
        (await users.GetUsersInRoleAsync(StaffRoles.Admin)).Count(u => u.OrganisationId == admin.OrganisationId && !IsDeactivated(u));

    private async Task EndSessionsAsync(StaffUser user, CancellationToken ct)
    {
        await users.UpdateSecurityStampAsync(user);
        await db.StaffSessions.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(ct);
    }

    private async Task EnsureRolesAsync()
    {
        foreach (var role in StaffRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole<Guid>(role));
    }

    private Task<string> ClinicNameAsync(StaffUser admin, CancellationToken ct) =>
        db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).SingleAsync(ct);

    /// <summary>An address alone (no display name), as Attune stores it.</summary>
    public static bool IsPlainEmail(string text) =>
        text.Length is > 0 and <= 254 && System.Net.Mail.MailAddress.TryCreate(text, out var parsed) && parsed.Address == text;
}
