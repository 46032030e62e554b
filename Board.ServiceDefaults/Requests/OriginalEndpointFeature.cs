using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Remembers the endpoint a request was routed to before a status-code page or the exception handler re-executed
/// it. Both clear the endpoint (when one was set) to route again, and the status-code pages also remove their
/// re-execute feature when they return, so by the time the END entry is written neither the feature nor the
/// current endpoint names the original route any more. Delegates to the server's own feature.
/// </summary>
internal sealed class OriginalEndpointFeature(IEndpointFeature? inner, IFeatureCollection features) : IEndpointFeature
{
    private Endpoint? _endpoint;
    private Endpoint? _original;
    private bool _reExecuted;

    public Endpoint? Endpoint
    {
        get => inner is null ? _endpoint : inner.Endpoint;
        set
        {
            // A re-execution starts either by clearing the matched endpoint or, when the request matched none,
            // by routing the error page while the re-execute or exception feature is present.
            if (!_reExecuted && (value is null || IsReExecuting()))
            {
                _reExecuted = true;
                _original = Endpoint;
            }

            if (inner is null)
            {
                _endpoint = value;
            }
            else
            {
                inner.Endpoint = value;
            }
        }
    }

    /// <summary>The endpoint routing chose for the request as the client sent it; null when it matched none.</summary>
    public Endpoint? Original => _reExecuted ? _original : Endpoint;

    public static void Install(HttpContext context) =>
        context.Features.Set<IEndpointFeature>(new OriginalEndpointFeature(context.Features.Get<IEndpointFeature>(), context.Features));

    private bool IsReExecuting() =>
        features.Get<IStatusCodeReExecuteFeature>() is not null || features.Get<IExceptionHandlerFeature>() is not null;
}
