using Microsoft.AspNetCore.Identity;

namespace Attune.Data;

/// <summary>A staff log-in: clinician, supervisor or clinic admin. Clients have no account.</summary>
public sealed class StaffUser : IdentityUser<Guid>
{
    public Guid OrganisationId { get; set; }
    /// <summary>The clinician record this user acts as; null for an admin who does not see clients.</summary>
    public Guid? ClinicianId { get; set; }
    public string DisplayName { get; set; } = "";
}

public static class StaffRoles
{
    public const string Clinician = "clinician";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";
    /// <summary>Assigns new clients to a therapist from the ranked suggestions; sees no client records.</summary>
    public const string Coordinator = "coordinator";
    public static readonly string[] All = [Clinician, Supervisor, Coordinator, Admin];
}
