using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Postgres.Migrations
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
                    RelationshipId = table.Column<Guid>(type: "uuid", nullable: false),
                    Instrument = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    ScoreSumTenThousandths = table.Column<long>(type: "bigint", nullable: false)
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
                CREATE FUNCTION "Responses_Series"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') THEN
                        UPDATE "ResponseSeries" SET "Count" = "Count" - 1, "ScoreSumTenThousandths" = "ScoreSumTenThousandths" - round(OLD."Score" * 10000)::bigint
                        WHERE "RelationshipId" = OLD."RelationshipId" AND "Instrument" = OLD."Instrument";
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN
                        INSERT INTO "ResponseSeries" ("RelationshipId", "Instrument", "Count", "ScoreSumTenThousandths")
                        VALUES (NEW."RelationshipId", NEW."Instrument", 1, round(NEW."Score" * 10000)::bigint)
                        ON CONFLICT ("RelationshipId", "Instrument") DO UPDATE SET "Count" = "ResponseSeries"."Count" + 1,
                            "ScoreSumTenThousandths" = "ResponseSeries"."ScoreSumTenThousandths" + excluded."ScoreSumTenThousandths";
                    END IF;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Responses_Series" AFTER INSERT OR DELETE OR UPDATE OF "Score", "Instrument", "RelationshipId" ON "Responses"
                FOR EACH ROW EXECUTE FUNCTION "Responses_Series"();
                """);
            // The series of the responses already stored.
            migrationBuilder.Sql("""
                INSERT INTO "ResponseSeries" ("RelationshipId", "Instrument", "Count", "ScoreSumTenThousandths")
                SELECT "RelationshipId", "Instrument", COUNT(*), SUM(round("Score" * 10000)::bigint) FROM "Responses" GROUP BY "RelationshipId", "Instrument";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER \"Responses_Series\" ON \"Responses\";");
            migrationBuilder.Sql("DROP FUNCTION \"Responses_Series\"();");
            migrationBuilder.DropTable(
                name: "ResponseSeries");
        }
    }
}
