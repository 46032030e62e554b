using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Board.Web.Data;

/// <summary>
/// Puts the user's display name in the sign-in cookie, so the header can greet the user by it without a query on
/// every page. The Name claim stays the email: sign-in and the account logs go by it.
/// </summary>
public sealed class BoardClaimsPrincipalFactory(UserManager<BoardUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<BoardUser>(users, options)
{
    public const string DisplayNameClaimType = "board:display_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(BoardUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(DisplayNameClaimType, user.DisplayName));
        return identity;
    }
}
