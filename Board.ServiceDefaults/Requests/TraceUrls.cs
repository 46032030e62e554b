using System.Diagnostics;
using Board.ServiceDefaults.Enrichment;
using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Makes a span's URL fields agree with the START entry's: the same <see cref="QueryStringRedactor"/> (the
/// instrumentation's own keeps a part with no '=' and can be switched off by a variable), the same
/// <see cref="RequestHost"/>, the same cut at <see cref="LoggingOptions.MaxValueLength"/> for every text the client chose.
/// </summary>
internal sealed class TraceUrls(QueryStringRedactor redactor, int maxLength)
{
    public void OnIncoming(Activity activity, HttpRequest request)
    {
        // The client's texts the instrumentation writes; http.request.method_original holds a method it does not know.
        foreach (var key in (ReadOnlySpan<string>)["url.path", "user_agent.original", "http.request.method_original"])
        {
            if (activity.GetTagItem(key) is string { } text && text.Length > maxLength)
            {
                activity.SetTag(key, RecordText.Bound(text, maxLength));
            }
        }

        if (RequestHost.ServerAddress(request) is { } host)
        {
            activity.SetTag("server.address", RecordText.Bound(host, maxLength));
        }

        // A bare "?" is no query.
        if (redactor.Redact(request.QueryString.Value) is { } query)
        {
            activity.SetTag("url.query", RecordText.Bound(query, maxLength));
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
