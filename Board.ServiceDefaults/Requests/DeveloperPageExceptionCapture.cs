using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Hands the exception that the developer exception page (Development) renders to the END entry. That page catches
/// the exception inside the request logging and, unlike the exception handler, leaves no
/// <see cref="IExceptionHandlerFeature"/> behind, so without this the END entry of a failed request in Development
/// would have its 500 and Error level but no <c>exception.*</c> fields.
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
