using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Data;

/// <summary>
/// Identity's check of a user's display name, run by UserManager on every create and update: the name follows
/// <see cref="DisplayNames"/> and no other user holds it, whichever code creates the user.
/// </summary>
public sealed class DisplayNameValidator : IUserValidator<BoardUser>
{
    public const string InvalidCode = "InvalidDisplayName";
    public const string DuplicateCode = "DuplicateDisplayName";

    public async Task<IdentityResult> ValidateAsync(UserManager<BoardUser> manager, BoardUser user)
    {
        if (DisplayNames.Problem(user.DisplayName) is { } problem)
        {
            return IdentityResult.Failed(new IdentityError { Code = InvalidCode, Description = problem });
        }

        return await IsTakenAsync(manager, user) ? IdentityResult.Failed(Taken()) : IdentityResult.Success;
    }

    /// <summary>Whether another user holds the user's display name (compared by its normalized form).</summary>
    public static Task<bool> IsTakenAsync(UserManager<BoardUser> manager, BoardUser user) =>
        manager.Users.AnyAsync(u => u.NormalizedDisplayName == user.NormalizedDisplayName && u.Id != user.Id);

    public static IdentityError Taken() => new() { Code = DuplicateCode, Description = DisplayNames.TakenMessage };
}
