namespace Attune.Web.Features.Notifications;

/// <summary>SMTP settings under "Mail". With no Smtp:Host, messages stay in the outbox and are not sent.</summary>
public sealed class MailOptions
{
    public string From { get; set; } = "Attune <attune@localhost>";
    public SmtpOptions Smtp { get; set; } = new();
    /// <summary>How often the outbox is read.</summary>
    public int PollSeconds { get; set; } = 15;
    /// <summary>After this many failed attempts a message is left for a person to look at.</summary>
    public int MaxAttempts { get; set; } = 10;
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>"auto", "starttls", "ssl" or "none".</summary>
    public string Security { get; set; } = "auto";
    public string? Username { get; set; }
    public string? Password { get; set; }
}
