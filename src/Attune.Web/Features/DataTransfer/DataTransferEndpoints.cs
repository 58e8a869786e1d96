using System.Text;
using Attune.Web.Features.Security;
using Attune.Web.Time;

namespace Attune.Web.Features.DataTransfer;

public static class DataTransferEndpoints
{
    /// <summary>The clinic's data as CSV: export and the checked, all-or-nothing import.</summary>
    public static IServiceCollection AddDataTransfer(this IServiceCollection services) => services
        .AddScoped<ClinicExport>()
        .AddScoped<ClinicImport>();

    public const string ImportPath = "/admin/data/import";
    public const long ImportLimit = 10 * 1024 * 1024;

    /// <summary>History files are larger than any form: the import page takes up to 10 MB, everything else 1 MB.</summary>
    public static IApplicationBuilder UseImportUploadLimit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(ImportPath, StringComparison.OrdinalIgnoreCase)
            && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = ImportLimit;
        return next(context);
    });

    public static void MapDataTransferEndpoints(this IEndpointRouteBuilder app)
    {
        // One of the clinic's CSV files, for its admins; each client whose data leaves is in the audit trail.
        app.MapGet("/admin/export/{Kind}.csv", async (string kind, ClinicExport export, CurrentStaff staff, ClinicClock clock, CancellationToken ct) =>
        {
            var admin = await staff.GetAsync(ct);
            if (await export.ExportAsync(admin, kind, ct) is not { } csv)
                return Results.NotFound();
            var day = TimeZoneInfo.ConvertTime(clock.Now, clock.Zone).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            // With a byte-order mark, so that spreadsheet programs read the names' accents right.
            return Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", $"attune-{kind}-{day}.csv");
        }).RequireAuthorization(Policies.Admin).WithName("ClinicExport");
    }
}
