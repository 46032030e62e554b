using System.ComponentModel.DataAnnotations;

namespace Board.Web.Data;

/// <summary>One message on a board, written by a signed-in user.</summary>
public sealed class Post
{
    public const int TitleMaxLength = 120;
    public const int TextMaxLength = 4000;

    public int Id { get; set; }

    public int BoardId { get; set; }
    public Board? Board { get; set; }

    [MaxLength(TitleMaxLength)]
    public string? Title { get; set; }

    [Required, MaxLength(TextMaxLength)]
    public string Text { get; set; } = "";

    [Required]
    public string AuthorId { get; set; } = "";
    public BoardUser? Author { get; set; }

    // DateTime rather than DateTimeOffset: the SQLite provider cannot order by DateTimeOffset in SQL.
    public DateTime CreatedUtc { get; set; }
}
