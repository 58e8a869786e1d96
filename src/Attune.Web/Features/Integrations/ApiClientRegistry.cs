using System.Security.Cryptography;
using Attune.Data;
using Attune.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Attune.Web.Features.Integrations;

public sealed record NewApiClient(ApiClient Client, string Secret);

public sealed class ApiClientException(string message) : Exception(message);

/// <summary>
/// Registers and removes the systems that may call the API. The secret is made here, shown once, and kept only as
/// OpenIddict's salted hash.
/// </summary>
public sealed class ApiClientRegistry(AttuneDbContext db, IOpenIddictApplicationManager applications, AuditTrail audit, TimeProvider clock)
{
    public Task<List<ApiClient>> ListAsync(Guid organisationId, CancellationToken ct = default) =>
        db.ApiClients.AsNoTracking().Where(c => c.OrganisationId == organisationId).OrderBy(c => c.Name).ToListAsync(ct);

    /// <summary>Staff members a system may act as: those who see clients (clinicians and supervisors).</summary>
    public Task<List<StaffUser>> StaffAsync(Guid organisationId, CancellationToken ct = default) =>
        db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId && u.ClinicianId != null).OrderBy(u => u.DisplayName).ToListAsync(ct);

    /// <param name="admin">The admin registering it, or null when an operator does it on the server ('attune api-client add').</param>
    public async Task<NewApiClient> CreateAsync(StaffUser? admin, Guid organisationId, string? name, Guid actsAs, IReadOnlyCollection<string> scopes, CancellationToken ct = default)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
            throw new ApiClientException("Give the system a name of up to 200 characters, such as the product it is.");
        if (scopes.Count == 0)
            throw new ApiClientException("Choose at least one scope.");
        if (scopes.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
            throw new ApiClientException($"'{unknown}' is not a scope Attune knows.");
        var staff = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == actsAs && u.OrganisationId == organisationId, ct);
        if (staff?.ClinicianId is null)
            throw new ApiClientException("Choose a clinician or supervisor of your clinic for the system to act as.");

        var clientId = "attune-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = name,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes.Distinct())
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);

        var client = new ApiClient
        {
            OrganisationId = organisationId,
            StaffUserId = staff.Id,
            ClientId = clientId,
            Name = name,
            Scopes = [.. scopes.Distinct().Order(StringComparer.Ordinal)],
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = admin?.Id,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await applications.CreateAsync(descriptor, ct);
        db.ApiClients.Add(client);
        if (admin is null) audit.System(organisationId, "create", "ApiClient", client.Id);
        else audit.Staff(admin, "create", "ApiClient", client.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new NewApiClient(client, secret);
    }

    /// <summary>Removes a client: its next call is refused, even with a token that has not yet expired.</summary>
    public async Task<bool> RemoveAsync(StaffUser? admin, Guid organisationId, string clientId, CancellationToken ct = default)
    {
        var client = await db.ApiClients.SingleOrDefaultAsync(c => c.ClientId == clientId && c.OrganisationId == organisationId, ct);
        if (client is null) return false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await applications.FindByClientIdAsync(client.ClientId, ct) is { } application)
            await applications.DeleteAsync(application, ct);
        db.ApiClients.Remove(client);
        if (admin is null) audit.System(organisationId, "delete", "ApiClient", client.Id);
        else audit.Staff(admin, "delete", "ApiClient", client.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
