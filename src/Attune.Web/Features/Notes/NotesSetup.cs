namespace Attune.Web.Features.Notes;

public static class NotesSetup
{
    /// <summary>Session notes.</summary>
    public static IServiceCollection AddNotes(this IServiceCollection services) => services
        .AddScoped<NoteActions>().AddScoped<NoteQuery>()
        .AddScoped<BreakGlassActions>().AddScoped<BreakGlassQuery>();
}
