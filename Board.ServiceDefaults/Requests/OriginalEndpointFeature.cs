using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Remembers the endpoint a request was routed to before a status-code page or the exception handler re-executed
/// it. Both clear the endpoint to route again, and the status-code pages also remove their re-execute feature when
/// they return, so by the time the END entry is written neither the feature nor the current endpoint names the
/// original route any more. Delegates to the server's own feature; only the first clearing is observed.
/// </summary>
internal sealed class OriginalEndpointFeature(IEndpointFeature? inner) : IEndpointFeature
{
    private Endpoint? _endpoint;
    private Endpoint? _beforeReset;
    private bool _reset;

    public Endpoint? Endpoint
    {
        get => inner is null ? _endpoint : inner.Endpoint;
        set
        {
            if (value is null && !_reset)
            {
                _reset = true;
                _beforeReset = Endpoint;
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
    public Endpoint? Original => _reset ? _beforeReset : Endpoint;

    public static void Install(HttpContext context) =>
        context.Features.Set<IEndpointFeature>(new OriginalEndpointFeature(context.Features.Get<IEndpointFeature>()));
}
