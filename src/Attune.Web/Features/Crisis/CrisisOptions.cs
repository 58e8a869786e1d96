using Attune.Core.Clinic;

namespace Attune.Web.Features.Crisis;

/// <summary>
/// The installation's crisis resources, shown on every client page of a clinic that has not set its own; US defaults
/// from PRODUCT.md, configurable under "Crisis". A clinic's admins set the clinic's own on /settings/crisis.
/// </summary>
public sealed class CrisisOptions
{
    public string Heading { get; set; } = "If you need help now";
    public List<CrisisResource> Resources { get; set; } =
    [
        new() { Name = "988 Suicide & Crisis Lifeline", Detail = "Call or text 988", Href = "tel:988" },
        new() { Name = "Crisis Text Line", Detail = "Text HOME to 741741", Href = "sms:741741?body=HOME" },
        new() { Name = "SAMHSA National Helpline", Detail = "1-800-662-HELP (4357), 24/7, for substance use", Href = "tel:18006624357" },
        new() { Name = "Emergency", Detail = "Call 911 if you are in immediate danger", Href = "tel:911" },
    ];

    public CrisisResourceList ToList() => new(Heading, [.. Resources.Select(r => new CrisisLine(r.Name, r.Detail, r.Href))]);
}

public sealed class CrisisResource
{
    public string Name { get; set; } = "";
    public string Detail { get; set; } = "";
    public string? Href { get; set; }
}

public static class CrisisSetup
{
    /// <summary>The clinic's crisis resources; a clinic's own list replaces the defaults rather than adding to them.</summary>
    public static IServiceCollection AddCrisisResources(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<CrisisOptions>().Configure(o =>
        {
            var section = config.GetSection("Crisis");
            if (section.GetSection("Resources").Exists()) o.Resources.Clear();
            section.Bind(o);
        });
        return services.AddScoped<ClinicCrisisResources>().AddScoped<ClientClinic>().AddScoped<CrisisSettingsActions>();
    }
}
