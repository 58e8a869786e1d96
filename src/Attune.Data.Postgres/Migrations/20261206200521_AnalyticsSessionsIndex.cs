using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsSessionsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Sessions_RelationshipId_Number_Modality_Id",
                table: "Sessions",
                columns: new[] { "RelationshipId", "Number", "Modality", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sessions_RelationshipId_Number_Modality_Id",
                table: "Sessions");
        }
    }
}
