using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class MatchOffersSupervisionAndDomains : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SupervisionOffers",
                table: "TherapistProfiles",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<int>(
                name: "SupervisionPlaces",
                table: "TherapistProfiles",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "SupervisionWants",
                table: "TherapistProfiles",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<bool>(
                name: "ChosenByClient",
                table: "MatchAssignments",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ClinicProblemDomains",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    InstrumentId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClinicProblemDomains", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ClinicProblemDomains_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MatchOffers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<Guid>(type: "uuid", nullable: false),
                    Choices = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OfferedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    OfferedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WithdrawnAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ChosenClinicianId = table.Column<Guid>(type: "uuid", nullable: true),
                    ChosenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchOffers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MatchOffers_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MatchOffers_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClinicProblemDomains_OrganisationId_InstrumentId",
                table: "ClinicProblemDomains",
                columns: new[] { "OrganisationId", "InstrumentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ClinicProblemDomains_OrganisationId_Key",
                table: "ClinicProblemDomains",
                columns: new[] { "OrganisationId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MatchOffers_ClientId",
                table: "MatchOffers",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_MatchOffers_OrganisationId",
                table: "MatchOffers",
                column: "OrganisationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClinicProblemDomains");

            migrationBuilder.DropTable(
                name: "MatchOffers");

            migrationBuilder.DropColumn(
                name: "SupervisionOffers",
                table: "TherapistProfiles");

            migrationBuilder.DropColumn(
                name: "SupervisionPlaces",
                table: "TherapistProfiles");

            migrationBuilder.DropColumn(
                name: "SupervisionWants",
                table: "TherapistProfiles");

            migrationBuilder.DropColumn(
                name: "ChosenByClient",
                table: "MatchAssignments");
        }
    }
}
