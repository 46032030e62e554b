using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Board.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class UserDisplayNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DisplayName",
                table: "AspNetUsers",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "NormalizedDisplayName",
                table: "AspNetUsers",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Every existing account gets a name that says nothing of its email: "member-" and the first 8 hex digits of
            // its id. Where two ids share those 8 digits, both take 25 instead ("member-" + 25 = 32 characters, the
            // longest name allowed); ids are random GUIDs, so that is unique. Upper-cased in SQL: the names are ASCII.
            migrationBuilder.Sql(
                """
                UPDATE "AspNetUsers"
                SET "DisplayName" = 'member-' || lower(substr(replace("Id", '-', ''), 1, 8));

                UPDATE "AspNetUsers"
                SET "DisplayName" = 'member-' || lower(substr(replace("Id", '-', ''), 1, 25))
                WHERE "DisplayName" IN (SELECT "DisplayName" FROM "AspNetUsers" GROUP BY "DisplayName" HAVING count(*) > 1);

                UPDATE "AspNetUsers"
                SET "NormalizedDisplayName" = upper("DisplayName");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_NormalizedDisplayName",
                table: "AspNetUsers",
                column: "NormalizedDisplayName",
                unique: true);

            migrationBuilder.AddCheckConstraint(
                name: "CK_AspNetUsers_DisplayName_Length",
                table: "AspNetUsers",
                sql: "length(\"DisplayName\") BETWEEN 3 AND 32");

            migrationBuilder.AddCheckConstraint(
                name: "CK_AspNetUsers_DisplayName_NoAt",
                table: "AspNetUsers",
                sql: "instr(\"DisplayName\", '@') = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AspNetUsers_NormalizedDisplayName",
                table: "AspNetUsers");

            migrationBuilder.DropCheckConstraint(
                name: "CK_AspNetUsers_DisplayName_Length",
                table: "AspNetUsers");

            migrationBuilder.DropCheckConstraint(
                name: "CK_AspNetUsers_DisplayName_NoAt",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "DisplayName",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "NormalizedDisplayName",
                table: "AspNetUsers");
        }
    }
}
