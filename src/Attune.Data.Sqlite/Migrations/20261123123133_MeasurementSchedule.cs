using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MeasurementSchedule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CheckIns_SessionId",
                table: "CheckIns");

            migrationBuilder.AddColumn<int>(
                name: "Measures_AllianceEvery",
                table: "Relationships",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Measures_AllianceMeasure",
                table: "Relationships",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Measures_OutcomeMeasure",
                table: "Relationships",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Measures_AllianceEvery",
                table: "Organisations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 4);

            migrationBuilder.AddColumn<string>(
                name: "Measures_AllianceMeasure",
                table: "Organisations",
                type: "TEXT",
                maxLength: 64,
                nullable: true,
                defaultValue: "wai-sr");

            migrationBuilder.AddColumn<bool>(
                name: "Measures_ConnectionCheck",
                table: "Organisations",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "Measures_FitCheck",
                table: "Organisations",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "Measures_OutcomeMeasure",
                table: "Organisations",
                type: "TEXT",
                maxLength: 64,
                nullable: true,
                defaultValue: "phq-9");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "CheckIns",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "AdHoc");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_SessionId_Kind",
                table: "CheckIns",
                columns: new[] { "SessionId", "Kind" },
                unique: true,
                filter: "\"Kind\" <> 'AdHoc'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CheckIns_SessionId_Kind",
                table: "CheckIns");

            migrationBuilder.DropColumn(
                name: "Measures_AllianceEvery",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "Measures_AllianceMeasure",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "Measures_OutcomeMeasure",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "Measures_AllianceEvery",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "Measures_AllianceMeasure",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "Measures_ConnectionCheck",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "Measures_FitCheck",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "Measures_OutcomeMeasure",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "CheckIns");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_SessionId",
                table: "CheckIns",
                column: "SessionId");
        }
    }
}
