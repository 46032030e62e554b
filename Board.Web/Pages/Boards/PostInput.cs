using System.ComponentModel.DataAnnotations;
using Board.Web.Data;

namespace Board.Web.Pages.Boards;

/// <summary>What a user types to write a post; the same limits as the database columns.</summary>
public sealed class PostInput
{
    [CodePointLength(Post.TitleMaxLength)]
    [NoControlCharacters]
    public string? Title { get; set; }

    [Required(ErrorMessage = "Write some text for your post.")]
    [CodePointLength(Post.TextMaxLength, ErrorMessage = "The text can be at most {1} characters long.")]
    [NoControlCharacters(Multiline = true)]
    public string Text { get; set; } = "";
}
