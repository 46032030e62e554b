using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Board.Web.Pages;

/// <summary>
/// Answers 405 Method Not Allowed, with an Allow header, to a request whose method none of the page's handlers
/// takes. Left alone, Razor Pages render such a page without running any handler (an implicit <c>Page()</c>), so a
/// page that builds its model in a handler renders a null model and fails with a 500.
/// </summary>
/// <remarks>
/// It decides from the page's handler methods before a handler is selected, rather than from a null
/// <c>HandlerMethod</c> in a page filter: page filters run after the anti-forgery check, which would answer a PUT
/// without a form token with 400, blaming the form rather than the method. Every page here has unnamed handlers
/// only, which Razor Pages select by method alone, so the two tests agree. OPTIONS gets the same 405 and Allow
/// header that endpoint routing gives a minimal API endpoint, rather than the framework's empty 200 for pages.
/// </remarks>
public sealed class MethodNotAllowedFilter : IAuthorizationFilter, IPageFilter, IOrderedFilter
{
    // Before the anti-forgery check (AutoValidateAntiforgeryTokenAttribute, order 1000); as a page filter, after the
    // page model's own hooks and before the framework's empty 200 for OPTIONS (HandleOptionsRequestsPageFilter, 1000).
    public int Order => -1000;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        if (context.ActionDescriptor is not CompiledPageActionDescriptor page || AnswersEveryMethod(page))
        {
            return;
        }

        var allowed = AllowedMethods(page);
        if (allowed.Contains(context.HttpContext.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }

        context.HttpContext.Response.Headers.Allow = string.Join(", ", allowed);
        // An empty 405: the status code pages render the explanation, as for any other error status.
        context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
    }

    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        // Render the page now: the framework would otherwise answer an OPTIONS request with an empty 200, which on a
        // re-executed request replaces the status the page is there to explain.
        if (context.HandlerMethod is null && context.Result is null && AnswersEveryMethod(context.ActionDescriptor))
        {
            context.Result = new PageResult();
        }
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }

    private static bool AnswersEveryMethod(CompiledPageActionDescriptor page) =>
        page.HandlerTypeInfo.IsDefined(typeof(AnswersEveryMethodAttribute), inherit: true);

    public static IReadOnlyList<string> AllowedMethods(CompiledPageActionDescriptor page)
    {
        var methods = page.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        // Razor Pages run the GET handler for a HEAD request.
        if (methods.Contains(HttpMethods.Get))
        {
            methods.Add(HttpMethods.Head);
        }

        return [.. methods.Order(StringComparer.Ordinal)];
    }
}
