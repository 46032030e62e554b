using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Hands the exception the developer exception page renders to the END entry: unlike the exception handler, that page
/// leaves no <see cref="IExceptionHandlerFeature"/>, and the END entry would have its 500 but no <c>exception.*</c>.
/// </summary>
internal sealed class DeveloperPageExceptionCapture : IDeveloperPageExceptionFilter
{
    public Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        errorContext.HttpContext.Features.Set(new CapturedException(errorContext.Exception));
        return next(errorContext);
    }
}

/// <summary>The exception the developer exception page handled, as a request feature.</summary>
internal sealed record CapturedException(Exception Error);
