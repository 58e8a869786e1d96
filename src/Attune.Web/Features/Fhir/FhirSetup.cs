namespace Attune.Web.Features.Fhir;

public static class FhirSetup
{
    /// <summary>The FHIR R4 endpoint: reads and searches, and QuestionnaireResponses from other systems.</summary>
    public static IServiceCollection AddFhir(this IServiceCollection services) => services
        .AddScoped<FhirStore>()
        .AddScoped<QuestionnaireResponseIntake>();
}
