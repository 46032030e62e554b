using System.ComponentModel.DataAnnotations;

namespace Board.Web.Data;

/// <summary>A named place where people post; addressed in URLs by its slug.</summary>
public sealed class Board
{
    public const int NameMaxLength = 80;
    public const int SlugMaxLength = 100;
    public const int DescriptionMaxLength = 500;

    public int Id { get; set; }

    [Required, MaxLength(NameMaxLength)]
    public string Name { get; set; } = "";

    // Longer than the name: a de-duplicating suffix ("-2") may be appended to a slug made from an 80-character name.
    [Required, MaxLength(SlugMaxLength)]
    public string Slug { get; set; } = "";

    [MaxLength(DescriptionMaxLength)]
    public string? Description { get; set; }

    // Null for boards the application seeds itself.
    public string? CreatedById { get; set; }

    public DateTime CreatedUtc { get; set; }

    public List<Post> Posts { get; set; } = [];
}
