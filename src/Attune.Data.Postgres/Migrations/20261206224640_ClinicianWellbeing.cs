using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Postgres.Migrations
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
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "WellbeingIntervalDays",
                table: "Organisations",
                type: "integer",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.CreateTable(
                name: "WellbeingChecks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClinicianId = table.Column<Guid>(type: "uuid", nullable: false),
                    Energy = table.Column<int>(type: "integer", nullable: false),
                    Workload = table.Column<int>(type: "integer", nullable: false),
                    Connection = table.Column<int>(type: "integer", nullable: false),
                    Support = table.Column<int>(type: "integer", nullable: false),
                    Sleep = table.Column<int>(type: "integer", nullable: false),
                    CompassionSatisfaction = table.Column<int>(type: "integer", nullable: true),
                    Burnout = table.Column<int>(type: "integer", nullable: true),
                    SecondaryTraumaticStress = table.Column<int>(type: "integer", nullable: true),
                    SharedWithSupervisor = table.Column<bool>(type: "boolean", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
