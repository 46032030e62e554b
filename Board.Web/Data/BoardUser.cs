using Microsoft.AspNetCore.Identity;

namespace Board.Web.Data;

/// <summary>An account: Identity's user plus the name the board shows for it.</summary>
public sealed class BoardUser : IdentityUser
{
    /// <summary>
    /// The public name shown on the user's posts, chosen at registration (see <see cref="DisplayNames"/>). The email is
    /// for signing in only and no page shows it to anyone else.
    /// </summary>
    public string DisplayName
    {
        get;
        set
        {
            field = value;
            NormalizedDisplayName = DisplayNames.Normalize(value);
        }
    } = "";

    /// <summary>What uniqueness is decided on: set with <see cref="DisplayName"/>, held under a unique index.</summary>
    public string NormalizedDisplayName { get; private set; } = "";
}
