using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Writes a request's START and END entries and opens the request context stamped on every record in between. Runs
/// outside all but the trusted forwarded headers (<see cref="OutermostStartupFilters"/>), so it times everything and
/// sees the client and the status the client gets.
/// </summary>
internal sealed class RequestLoggingMiddleware(
    RequestDelegate next,
    ILoggerFactory loggerFactory,
    RequestLoggingSettings settings,
    Held.HeldRecordRequests? heldRecords = null)
{
    // The factory's logger itself: ILogger<T> would add one more interface call to each entry.
    private readonly ILogger _logger = loggerFactory.CreateLogger(RequestLogEntries.Category);

    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        // A trusted proxy's forwarded headers are applied already (TrustedProxies); the peer is what the socket said.
        var client = AddressOf(context.Connection.RemoteIpAddress);
        var peer = context.Features.Get<SocketPeerFeature>() is { } socket ? AddressOf(socket.Address) : client;

        var endpoint = new RoutedEndpointFeature(context.Features, context.Features.Get<IEndpointFeature>()?.Endpoint);
        context.Features.Set<IEndpointFeature>(endpoint);
        var requestContext = new RequestLogContext(context, client, endpoint)
        {
            Held = heldRecords?.Open(),
            EndLogsException = _logger.IsEnabled(settings.ExceptionLevel),
        };
        RequestLogContext.Current = requestContext;

        var excluded = settings.IsExcluded(context.Request.Path);
        if (!excluded && _logger.IsEnabled(LogLevel.Information))
        {
            LogStarted(context, requestContext, peer);
        }

        Exception? exception = null;
        var unhandled = false;
        int? clientFault = null;
        try
        {
            await next(context);
        }
        catch (Exception ex) when (ClientFault.StatusOf(ex, context) is { } status)
        {
            // The client went away, or sent a body the server could not read: nothing failed on the server. Logged
            // as the client's fault (499 as the framework logs it, or the 4xx the server gives) without the exception.
            clientFault = status;
            if (!context.Response.HasStarted && status != StatusCodes.Status499ClientClosedRequest)
            {
                context.Response.Clear();
                context.Response.StatusCode = status;
            }
        }
        catch (Exception ex)
        {
            // Logged once, by the END entry, and rethrown: the server answers 500 and the hosting layer gives the
            // exception to the span and to http.server.request.duration's error.type, as without Board.
            exception = ex;
            unhandled = true;
            throw;
        }
        finally
        {
            if (exception is null && clientFault is null
                && (context.Features.Get<IExceptionHandlerFeature>()?.Error ?? context.Features.Get<CapturedException>()?.Error) is { } handled)
            {
                // An exception handler or the developer page answered it: the END entry still carries it, unless it
                // was the client's fault, which keeps its 4xx even if an error page other than Board's answered 5xx.
                clientFault = ClientFault.StatusOf(handled, context) is { } fault
                    ? (context.Response.StatusCode >= 500 ? fault : context.Response.StatusCode)
                    : null;
                exception = clientFault is null ? handled : null;
            }

            // A client that went away is 499, whatever status was set for a response it will never read. An exception
            // still in flight gets the 500 the server is about to answer, unless the response has started.
            var status = clientFault is not null && context.RequestAborted.IsCancellationRequested
                ? StatusCodes.Status499ClientClosedRequest
                : clientFault ?? (unhandled && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode);
            if (!excluded || status >= 500 || exception is not null)
            {
                // Microseconds are as precise as a request's duration is worth reporting.
                var durationMs = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 3);
                LogCompleted(context, requestContext, status, durationMs, context.RequestAborted.IsCancellationRequested, exception);
            }

            // Held records a failed END entry did not write are discarded.
            requestContext.Held?.Close();
        }
    }

    private void LogStarted(HttpContext context, RequestLogContext requestContext, string peer)
    {
        var request = context.Request;
        var state = new RequestStartedState
        {
            Method = requestContext.Method,
            Path = requestContext.Path,
            Query = settings.QueryRedactor.Redact(request.QueryString.Value),
            Scheme = request.Scheme,
            ServerAddress = RequestHost.ServerAddress(request),
            ClientAddress = requestContext.ClientAddress,
            PeerAddress = peer,
            UserAgent = request.Headers.UserAgent.Count > 0 ? request.Headers.UserAgent.ToString() : null,
            ProtocolVersion = ProtocolVersion(request.Protocol),
        };
        _logger.Log(LogLevel.Information, RequestLogEntries.Started, state, null, RequestLogEntries.FormatStarted);
    }

    private void LogCompleted(HttpContext context, RequestLogContext requestContext, int status, double durationMs, bool aborted, Exception? exception)
    {
        var level = exception is null ? settings.LevelFor(status) : settings.ExceptionLevel;
        if (!_logger.IsEnabled(level))
        {
            return;
        }

        heldRecords?.WriteIfFailed(requestContext.Held, level);
        var state = new RequestCompletedState
        {
            Method = requestContext.Method,
            Path = requestContext.Path,
            Route = requestContext.Route,
            StatusCode = status,
            DurationMs = durationMs,
            ResponseSize = context.Response.ContentLength,
            ClientAborted = aborted,
        };
        _logger.Log(level, RequestLogEntries.Completed, state, exception, RequestLogEntries.FormatCompleted);
    }

    private static string AddressOf(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };

    private static string ProtocolVersion(string protocol) => protocol switch
    {
        "HTTP/1.1" => "1.1",
        "HTTP/2" => "2",
        "HTTP/3" => "3",
        "HTTP/1.0" => "1.0",
        _ => protocol,
    };
}
