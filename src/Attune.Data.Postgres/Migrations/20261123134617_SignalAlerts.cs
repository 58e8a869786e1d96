using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SignalAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Alerts_RelationshipId",
                table: "Alerts");

            migrationBuilder.AddColumn<string>(
                name: "Explanation",
                table: "Alerts",
                type: "character varying(500)",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Key",
                table: "Alerts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            // Alerts from before keys existed were all risk alerts: give each its key before keys must be unique.
            migrationBuilder.Sql(@"UPDATE ""Alerts"" SET ""Key"" = 'risk:' || COALESCE(""ResponseId"", ""Id"")::text, ""Explanation"" = 'A risk answer (recorded before alerts carried explanations).'");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_RelationshipId_Key",
                table: "Alerts",
                columns: new[] { "RelationshipId", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Alerts_RelationshipId_Key",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "Explanation",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "Key",
                table: "Alerts");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_RelationshipId",
                table: "Alerts",
                column: "RelationshipId");
        }
    }
}
