namespace Attune.Data;

/// <summary>
/// A staff member's sign-in, kept on the server: the browser's cookie holds only this row's key. Signing out deletes the
/// row, so a copy of the cookie opens nothing afterwards; a password or second-factor change (a new security stamp)
/// ends every other session at its next request; and a session ends at its absolute lifetime however active it is.
/// </summary>
public sealed class StaffSession
{
    public string Id { get; set; } = "";
    public Guid UserId { get; set; }
    /// <summary>The authentication ticket (claims and properties), serialized by ASP.NET Core's TicketSerializer.</summary>
    public byte[] Ticket { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The sliding expiry the cookie handler gave the ticket.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}
