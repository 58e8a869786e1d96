using System.Text.Json.Serialization;

namespace Attune.Core.Relationships;

/// <summary>Where a client–therapist relationship stands (PRODUCT.md, "The relationship lifecycle").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RelationshipPhase>))]
public enum RelationshipPhase { Intake, Working, Termination, Closed }

[JsonConverter(typeof(JsonStringEnumConverter<SessionModality>))]
public enum SessionModality { InPerson, Video, Phone }

[JsonConverter(typeof(JsonStringEnumConverter<SessionAttendance>))]
public enum SessionAttendance { Attended, Cancelled, NoShow, Scheduled }
