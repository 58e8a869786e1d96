using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ReflectionsLatestFirst : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Reflections_RelationshipId",
                table: "Reflections");

            migrationBuilder.CreateIndex(
                name: "IX_Reflections_RelationshipId_UpdatedAt",
                table: "Reflections",
                columns: new[] { "RelationshipId", "UpdatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Reflections_RelationshipId_UpdatedAt",
                table: "Reflections");

            migrationBuilder.CreateIndex(
                name: "IX_Reflections_RelationshipId",
                table: "Reflections",
                column: "RelationshipId");
        }
    }
}
