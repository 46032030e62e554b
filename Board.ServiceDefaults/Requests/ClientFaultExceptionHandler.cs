using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Answers a client's fault (see <see cref="ClientFault"/>) inside <c>UseExceptionHandler</c> with its 4xx status
/// instead of re-executing the error page: that page would run as the same request and read the broken body again,
/// and its failure would be logged as an error. Handled here, the handler middleware logs nothing either.
/// </summary>
internal sealed class ClientFaultExceptionHandler : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ClientFault.StatusOf(exception, httpContext) is not { } status)
        {
            return ValueTask.FromResult(false);
        }

        if (!httpContext.Response.HasStarted)
        {
            httpContext.Response.StatusCode = status;
        }

        return ValueTask.FromResult(true);
    }
}
