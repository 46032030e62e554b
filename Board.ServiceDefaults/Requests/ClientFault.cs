using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Tells a client's fault from the server's: a client that went away gets 499, a request the server could not read
/// the status the server gives it (400, 408, 413 ...). Neither is a server error, or anyone could raise error alarms.
/// </summary>
internal static class ClientFault
{
    /// <summary>The status the client's fault earns, or null when the exception is the server's.</summary>
    public static int? StatusOf(Exception exception, HttpContext context)
    {
        if (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            return StatusCodes.Status499ClientClosedRequest;
        }

        return exception is BadHttpRequestException bad ? bad.StatusCode : null;
    }
}
