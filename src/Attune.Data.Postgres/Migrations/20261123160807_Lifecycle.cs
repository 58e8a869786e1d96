using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Lifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProtectedHandover",
                table: "Relationships",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedReason",
                table: "PhaseChanges",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedScale",
                table: "Goals",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Weight",
                table: "Goals",
                type: "double precision",
                nullable: false,
                defaultValue: 1.0);

            migrationBuilder.CreateTable(
                name: "BreakGlass",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    StaffUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProtectedReason = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BreakGlass", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BreakGlass_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_BreakGlass_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Endings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RelationshipId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    ProtectedSummary = table.Column<string>(type: "text", nullable: false),
                    ProtectedCarryForward = table.Column<string>(type: "text", nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReferredToRelationshipId = table.Column<Guid>(type: "uuid", nullable: true),
                    FinalCheckInId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Endings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Endings_CheckIns_FinalCheckInId",
                        column: x => x.FinalCheckInId,
                        principalTable: "CheckIns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Endings_Relationships_ReferredToRelationshipId",
                        column: x => x.ReferredToRelationshipId,
                        principalTable: "Relationships",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Endings_Relationships_RelationshipId",
                        column: x => x.RelationshipId,
                        principalTable: "Relationships",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "GoalRatings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    GoalId = table.Column<Guid>(type: "uuid", nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    RatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GoalRatings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GoalRatings_Goals_GoalId",
                        column: x => x.GoalId,
                        principalTable: "Goals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_GoalRatings_Sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "Sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "Intakes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RelationshipId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProtectedConcerns = table.Column<string>(type: "text", nullable: true),
                    Styles = table.Column<int>(type: "integer", nullable: false),
                    Pacing = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Input = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Impression = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ProtectedImpressionNote = table.Column<string>(type: "text", nullable: true),
                    FitDiscussedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ProtectedFitDiscussion = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Intakes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Intakes_Relationships_RelationshipId",
                        column: x => x.RelationshipId,
                        principalTable: "Relationships",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BreakGlass_ClientId",
                table: "BreakGlass",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_BreakGlass_OrganisationId_At",
                table: "BreakGlass",
                columns: new[] { "OrganisationId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Endings_FinalCheckInId",
                table: "Endings",
                column: "FinalCheckInId");

            migrationBuilder.CreateIndex(
                name: "IX_Endings_ReferredToRelationshipId",
                table: "Endings",
                column: "ReferredToRelationshipId");

            migrationBuilder.CreateIndex(
                name: "IX_Endings_RelationshipId",
                table: "Endings",
                column: "RelationshipId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_GoalRatings_GoalId_RatedAt",
                table: "GoalRatings",
                columns: new[] { "GoalId", "RatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_GoalRatings_SessionId",
                table: "GoalRatings",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_Intakes_RelationshipId",
                table: "Intakes",
                column: "RelationshipId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BreakGlass");

            migrationBuilder.DropTable(
                name: "Endings");

            migrationBuilder.DropTable(
                name: "GoalRatings");

            migrationBuilder.DropTable(
                name: "Intakes");

            migrationBuilder.DropColumn(
                name: "ProtectedHandover",
                table: "Relationships");

            migrationBuilder.DropColumn(
                name: "ProtectedReason",
                table: "PhaseChanges");

            migrationBuilder.DropColumn(
                name: "ProtectedScale",
                table: "Goals");

            migrationBuilder.DropColumn(
                name: "Weight",
                table: "Goals");
        }
    }
}
