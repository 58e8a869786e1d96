using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CheckInDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ReminderSentAt",
                table: "CheckIns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SentToClientAt",
                table: "CheckIns",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReminderSentAt",
                table: "CheckIns");

            migrationBuilder.DropColumn(
                name: "SentToClientAt",
                table: "CheckIns");
        }
    }
}
