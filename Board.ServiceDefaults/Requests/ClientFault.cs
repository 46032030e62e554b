using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Tells a request that failed because of its client from one that failed on the server. A client that went away
/// (the work ends with an <see cref="OperationCanceledException"/> or <see cref="IOException"/> once
/// <see cref="HttpContext.RequestAborted"/> has fired) gets 499; a request the server could not read (a body cut
/// short, too large or too slow: <see cref="BadHttpRequestException"/>) gets the status the server gives it (400,
/// 408, 413 ...). Neither is a server error: anyone could otherwise raise error alarms at will.
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
