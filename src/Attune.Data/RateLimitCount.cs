namespace Attune.Data;

/// <summary>
/// How many requests one door has had from one caller in the current window, kept in the database so that every node of
/// a clinic behind a load balancer counts against the same limit (RateLimits:Store = database). The caller's key (a
/// policy and an address, or a system's client id) is stored only as its SHA-256; rows of past windows are deleted.
/// </summary>
public sealed class RateLimitCount
{
    /// <summary>SHA-256 of the policy and the caller, in hexadecimal.</summary>
    public string Key { get; set; } = "";
    /// <summary>The start of the window counted, in seconds since 1970 (UTC).</summary>
    public long WindowStart { get; set; }
    public int Count { get; set; }
}
