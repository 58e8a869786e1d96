using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ResponseSeriesSummary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ResponseSeries",
                columns: table => new
                {
                    RelationshipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Instrument = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    ScoreSumTenThousandths = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResponseSeries", x => new { x.RelationshipId, x.Instrument });
                    table.ForeignKey(
                        name: "FK_ResponseSeries_Relationships_RelationshipId",
                        column: x => x.RelationshipId,
                        principalTable: "Relationships",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Kept by the database on every insert, rescore and delete of a response (ResponseSeries). A delete or rescore
            // only updates: when a relationship is erased its series may be deleted before its responses.
            migrationBuilder.Sql("""
                CREATE TRIGGER "Responses_Series_Insert" AFTER INSERT ON "Responses" BEGIN
                    INSERT INTO "ResponseSeries" ("RelationshipId", "Instrument", "Count", "ScoreSumTenThousandths")
                    VALUES (NEW."RelationshipId", NEW."Instrument", 1, CAST(round(NEW."Score" * 10000) AS INTEGER))
                    ON CONFLICT ("RelationshipId", "Instrument") DO UPDATE SET "Count" = "Count" + 1,
                        "ScoreSumTenThousandths" = "ScoreSumTenThousandths" + excluded."ScoreSumTenThousandths";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Responses_Series_Update" AFTER UPDATE OF "Score", "Instrument", "RelationshipId" ON "Responses" BEGIN
                    UPDATE "ResponseSeries" SET "Count" = "Count" - 1, "ScoreSumTenThousandths" = "ScoreSumTenThousandths" - CAST(round(OLD."Score" * 10000) AS INTEGER)
                    WHERE "RelationshipId" = OLD."RelationshipId" AND "Instrument" = OLD."Instrument";
                    INSERT INTO "ResponseSeries" ("RelationshipId", "Instrument", "Count", "ScoreSumTenThousandths")
                    VALUES (NEW."RelationshipId", NEW."Instrument", 1, CAST(round(NEW."Score" * 10000) AS INTEGER))
                    ON CONFLICT ("RelationshipId", "Instrument") DO UPDATE SET "Count" = "Count" + 1,
                        "ScoreSumTenThousandths" = "ScoreSumTenThousandths" + excluded."ScoreSumTenThousandths";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Responses_Series_Delete" AFTER DELETE ON "Responses" BEGIN
                    UPDATE "ResponseSeries" SET "Count" = "Count" - 1, "ScoreSumTenThousandths" = "ScoreSumTenThousandths" - CAST(round(OLD."Score" * 10000) AS INTEGER)
                    WHERE "RelationshipId" = OLD."RelationshipId" AND "Instrument" = OLD."Instrument";
                END;
                """);
            // The series of the responses already stored.
            migrationBuilder.Sql("""
                INSERT INTO "ResponseSeries" ("RelationshipId", "Instrument", "Count", "ScoreSumTenThousandths")
                SELECT "RelationshipId", "Instrument", COUNT(*), SUM(CAST(round("Score" * 10000) AS INTEGER)) FROM "Responses" GROUP BY "RelationshipId", "Instrument";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER \"Responses_Series_Insert\";");
            migrationBuilder.Sql("DROP TRIGGER \"Responses_Series_Update\";");
            migrationBuilder.Sql("DROP TRIGGER \"Responses_Series_Delete\";");
            migrationBuilder.DropTable(
                name: "ResponseSeries");
        }
    }
}
