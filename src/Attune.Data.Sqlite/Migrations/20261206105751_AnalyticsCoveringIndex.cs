using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsCoveringIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Responses_RelationshipId_Instrument_CompletedAt",
                table: "Responses");

            migrationBuilder.CreateIndex(
                name: "IX_Responses_RelationshipId_Instrument_CompletedAt_SessionId_Score",
                table: "Responses",
                columns: new[] { "RelationshipId", "Instrument", "CompletedAt", "SessionId", "Score" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Responses_RelationshipId_Instrument_CompletedAt_SessionId_Score",
                table: "Responses");

            migrationBuilder.CreateIndex(
                name: "IX_Responses_RelationshipId_Instrument_CompletedAt",
                table: "Responses",
                columns: new[] { "RelationshipId", "Instrument", "CompletedAt" });
        }
    }
}
