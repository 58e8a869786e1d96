using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Attune.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CheckInDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ReminderSentAt",
                table: "CheckIns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SentToClientAt",
                table: "CheckIns",
                type: "timestamp with time zone",
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
