using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RiskReviewsAndSafetyPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RiskReviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RelationshipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContactMade = table.Column<bool>(type: "INTEGER", nullable: false),
                    RiskAssessed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Level = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SafetyPlanMadeOrReviewed = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmergencyServices = table.Column<bool>(type: "INTEGER", nullable: false),
                    Referred = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProtectedNote = table.Column<string>(type: "TEXT", nullable: false),
                    SafetyPlanVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RiskReviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RiskReviews_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RiskReviews_Relationships_RelationshipId",
                        column: x => x.RelationshipId,
                        principalTable: "Relationships",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SafetyPlans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SafetyPlans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SafetyPlans_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SafetyPlanVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    RelationshipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProtectedWarningSigns = table.Column<string>(type: "TEXT", nullable: false),
                    ProtectedInternalCoping = table.Column<string>(type: "TEXT", nullable: true),
                    ProtectedDistraction = table.Column<string>(type: "TEXT", nullable: true),
                    ProtectedPeopleToAsk = table.Column<string>(type: "TEXT", nullable: true),
                    ProtectedProfessionals = table.Column<string>(type: "TEXT", nullable: true),
                    ProtectedEnvironment = table.Column<string>(type: "TEXT", nullable: true),
                    WrittenWithClient = table.Column<bool>(type: "INTEGER", nullable: false),
                    By = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SafetyPlanVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SafetyPlanVersions_Relationships_RelationshipId",
                        column: x => x.RelationshipId,
                        principalTable: "Relationships",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SafetyPlanVersions_SafetyPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SafetyPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RiskReviews_AlertId",
                table: "RiskReviews",
                column: "AlertId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RiskReviews_RelationshipId",
                table: "RiskReviews",
                column: "RelationshipId");

            migrationBuilder.CreateIndex(
                name: "IX_SafetyPlanVersions_PlanId_Number",
                table: "SafetyPlanVersions",
                columns: new[] { "PlanId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SafetyPlanVersions_RelationshipId",
                table: "SafetyPlanVersions",
                column: "RelationshipId");

            migrationBuilder.CreateIndex(
                name: "IX_SafetyPlans_ClientId",
                table: "SafetyPlans",
                column: "ClientId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RiskReviews");

            migrationBuilder.DropTable(
                name: "SafetyPlanVersions");

            migrationBuilder.DropTable(
                name: "SafetyPlans");
        }
    }
}
