using System.Diagnostics;
using Board.ServiceDefaults.Enrichment;
using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// The query rule of the logs applied to traces: the instrumentation's own redaction keeps a part with no '=' and
/// can be switched off by a variable, so the span's <c>url.query</c> and <c>url.full</c> are written by the same
/// <see cref="QueryStringRedactor"/> as <c>url.query</c> in the START entry. <c>server.address</c> is the host as the
/// client sent it, as in the START entry (see <see cref="RequestHost"/>). The client's texts are cut at the bound the
/// records are cut at (<see cref="LoggingOptions.MaxValueLength"/>), so a span and its records agree.
/// </summary>
internal sealed class TraceUrls(QueryStringRedactor redactor, int maxLength)
{
    public void OnIncoming(Activity activity, HttpRequest request)
    {
        foreach (var key in (ReadOnlySpan<string>)["url.path", "user_agent.original"])
        {
            if (activity.GetTagItem(key) is string { } text && text.Length > maxLength)
            {
                activity.SetTag(key, RecordText.Bound(text, maxLength));
            }
        }

        if (RequestHost.ServerAddress(request) is { } host)
        {
            activity.SetTag("server.address", host);
        }

        if (request.QueryString.HasValue)
        {
            activity.SetTag("url.query", RecordText.Bound(redactor.Redact(request.QueryString.Value)!, maxLength));
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
