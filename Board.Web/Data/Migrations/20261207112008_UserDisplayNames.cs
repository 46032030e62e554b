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
            // The column and its two checks in one ALTER TABLE: SQLite adds a CHECK only with its column, and EF Core's
            // AddCheckConstraint would rebuild the table, a step that cannot run in the migration's transaction (EF
            // warns that it may be left partly applied). SQLite checks the existing rows when the column is added; the
            // default 'member' passes, and every row gets its name below. Board always writes the name itself.
            migrationBuilder.Sql(
                """
                ALTER TABLE "AspNetUsers" ADD COLUMN "DisplayName" TEXT NOT NULL DEFAULT 'member'
                    CONSTRAINT "CK_AspNetUsers_DisplayName_Length" CHECK (length("DisplayName") BETWEEN 3 AND 32)
                    CONSTRAINT "CK_AspNetUsers_DisplayName_NoAt" CHECK (instr("DisplayName", '@') = 0);
                """);

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
