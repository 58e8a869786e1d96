using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Attune.Core.Fhir;

/// <summary>FHIR R4 JSON in and out, through the Firely SDK's System.Text.Json support.</summary>
public static class FhirJson
{
    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
    public static readonly JsonSerializerOptions Pretty = new JsonSerializerOptions { WriteIndented = true }.ForFhir(ModelInfo.ModelInspector);

    public static string Serialize(Resource resource, bool pretty = false) =>
        JsonSerializer.Serialize(resource, resource.GetType(), pretty ? Pretty : Options);

    public static T Deserialize<T>(string json) where T : Resource =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("The body held no FHIR resource.");
}
