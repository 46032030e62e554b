using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// The query rule of the logs applied to traces: the instrumentation's own redaction keeps a part with no '=' and
/// can be switched off by a variable, so the span's <c>url.query</c> and <c>url.full</c> are written by the same
/// <see cref="QueryStringRedactor"/> as <c>url.query</c> in the START entry. <c>server.address</c> is the host as the
/// client sent it, as in the START entry (see <see cref="RequestHost"/>).
/// </summary>
internal sealed class TraceUrls(QueryStringRedactor redactor)
{
    public void OnIncoming(Activity activity, HttpRequest request)
    {
        if (RequestHost.ServerAddress(request) is { } host)
        {
            activity.SetTag("server.address", host);
        }

        if (request.QueryString.HasValue)
        {
            activity.SetTag("url.query", redactor.Redact(request.QueryString.Value));
        }
    }

    public void OnOutgoing(Activity activity, HttpRequestMessage request)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            // Without user info, which may hold a password.
            var withoutQuery = uri.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.Port | UriComponents.Path, UriFormat.UriEscaped);
            activity.SetTag("url.full", redactor.Redact(uri.Query) is { } query ? withoutQuery + "?" + query : withoutQuery);
        }
    }
}
