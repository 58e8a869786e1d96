using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ClinicianWellbeing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EmployeeAssistanceContact",
                table: "Organisations",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "WellbeingIntervalDays",
                table: "Organisations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.CreateTable(
                name: "WellbeingChecks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClinicianId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Energy = table.Column<int>(type: "INTEGER", nullable: false),
                    Workload = table.Column<int>(type: "INTEGER", nullable: false),
                    Connection = table.Column<int>(type: "INTEGER", nullable: false),
                    Support = table.Column<int>(type: "INTEGER", nullable: false),
                    Sleep = table.Column<int>(type: "INTEGER", nullable: false),
                    CompassionSatisfaction = table.Column<int>(type: "INTEGER", nullable: true),
                    Burnout = table.Column<int>(type: "INTEGER", nullable: true),
                    SecondaryTraumaticStress = table.Column<int>(type: "INTEGER", nullable: true),
                    SharedWithSupervisor = table.Column<bool>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingChecks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WellbeingChecks_Clinicians_ClinicianId",
                        column: x => x.ClinicianId,
                        principalTable: "Clinicians",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WellbeingChecks_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingChecks_ClinicianId_CompletedAt",
                table: "WellbeingChecks",
                columns: new[] { "ClinicianId", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingChecks_OrganisationId_CompletedAt",
                table: "WellbeingChecks",
                columns: new[] { "OrganisationId", "CompletedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WellbeingChecks");

            migrationBuilder.DropColumn(
                name: "EmployeeAssistanceContact",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "WellbeingIntervalDays",
                table: "Organisations");
        }
    }
}
