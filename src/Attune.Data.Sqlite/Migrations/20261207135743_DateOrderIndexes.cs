using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DateOrderIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Sessions_StartsAt_Id",
                table: "Sessions",
                columns: new[] { "StartsAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Responses_CompletedAt_Id",
                table: "Responses",
                columns: new[] { "CompletedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sessions_StartsAt_Id",
                table: "Sessions");

            migrationBuilder.DropIndex(
                name: "IX_Responses_CompletedAt_Id",
                table: "Responses");
        }
    }
}
