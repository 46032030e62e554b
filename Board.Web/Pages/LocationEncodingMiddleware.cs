using System.Buffers;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Board.Web.Pages;

/// <summary>
/// Percent-encodes, as UTF-8, every character of a <c>Location</c> header that a URI cannot hold (non-ASCII, control
/// characters, space, <c>"&lt;&gt;\^`{|}</c>), whoever sets it: <c>LocalRedirect</c>, the cookie handler's sign-in,
/// sign-out and login redirects, or anything else that writes the header.
/// </summary>
/// <remarks>
/// A redirect target often comes from the client (a <c>ReturnUrl</c>), and Kestrel throws on a header value with a
/// non-ASCII or control character, so "/é" would answer 500 and log an error that a client alone caused. Encoded, it
/// is the same address ("/%C3%A9"), and a tab or line break a browser would strip ("/\t/evil.example" read as
/// "//evil.example") stays a harmless part of the path. The checks that a target is local run before, on the text
/// as sent; encoding only makes it more literal.
/// </remarks>
public sealed class LocationEncodingMiddleware(RequestDelegate next)
{
    // RFC 3986's unreserved and reserved characters, and '%' so that what is already encoded stays as it is.
    private static readonly SearchValues<char> s_uriCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%");

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpResponseFeature>() is { } response)
        {
            context.Features.Set<IHttpResponseFeature>(new EncodingResponseFeature(response));
        }

        return next(context);
    }

    /// <summary><paramref name="location"/> with every character a URI cannot hold percent-encoded as UTF-8.</summary>
    public static string Encode(string location)
    {
        if (!location.AsSpan().ContainsAnyExcept(s_uriCharacters))
        {
            return location;
        }

        // A lone surrogate becomes U+FFFD's bytes: the encoder replaces what it cannot encode.
        var bytes = Encoding.UTF8.GetBytes(location);
        var encoded = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b < 0x80 && s_uriCharacters.Contains((char)b))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return encoded.ToString();
    }

    private static StringValues Encode(string key, StringValues values)
    {
        if (!string.Equals(key, HeaderNames.Location, StringComparison.OrdinalIgnoreCase))
        {
            return values;
        }

        if (values.Count == 1)
        {
            return Encode(values[0] ?? "");
        }

        var encoded = new string?[values.Count];
        for (var i = 0; i < encoded.Length; i++)
        {
            encoded[i] = values[i] is { } value ? Encode(value) : null;
        }

        return new StringValues(encoded);
    }

    /// <summary>The server's response, with headers that encode a Location as they take it.</summary>
    private sealed class EncodingResponseFeature(IHttpResponseFeature inner) : IHttpResponseFeature
    {
        private readonly EncodingHeaders _headers = new(inner);

        public int StatusCode { get => inner.StatusCode; set => inner.StatusCode = value; }

        public string? ReasonPhrase { get => inner.ReasonPhrase; set => inner.ReasonPhrase = value; }

        public IHeaderDictionary Headers
        {
            get => _headers;
            set => inner.Headers = value;
        }

        [Obsolete("Use IHttpResponseBodyFeature.Stream instead.")]
        public Stream Body { get => inner.Body; set => inner.Body = value; }

        public bool HasStarted => inner.HasStarted;

        public void OnStarting(Func<object, Task> callback, object state) => inner.OnStarting(callback, state);

        public void OnCompleted(Func<object, Task> callback, object state) => inner.OnCompleted(callback, state);
    }

    /// <summary>
    /// The response's own headers, read each time (whoever replaces them is followed), with every write of Location
    /// encoded. The typed properties (<c>Headers.Location = ...</c>) are the interface's, which go through the indexer.
    /// </summary>
    private sealed class EncodingHeaders(IHttpResponseFeature response) : IHeaderDictionary
    {
        private IHeaderDictionary Inner => response.Headers;

        public StringValues this[string key] { get => Inner[key]; set => Inner[key] = Encode(key, value); }

        public long? ContentLength { get => Inner.ContentLength; set => Inner.ContentLength = value; }

        public ICollection<string> Keys => Inner.Keys;

        public ICollection<StringValues> Values => Inner.Values;

        public int Count => Inner.Count;

        public bool IsReadOnly => Inner.IsReadOnly;

        // The dictionary's own Add, which throws on a key already there, as the caller expects of it.
#pragma warning disable ASP0019
        public void Add(string key, StringValues value) => Inner.Add(key, Encode(key, value));

        public void Add(KeyValuePair<string, StringValues> item) => Inner.Add(item.Key, Encode(item.Key, item.Value));
#pragma warning restore ASP0019

        public bool ContainsKey(string key) => Inner.ContainsKey(key);

        public bool Remove(string key) => Inner.Remove(key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value) => Inner.TryGetValue(key, out value);

        public void Clear() => Inner.Clear();

        public bool Contains(KeyValuePair<string, StringValues> item) => Inner.Contains(item);

        public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) => Inner.CopyTo(array, arrayIndex);

        public bool Remove(KeyValuePair<string, StringValues> item) => Inner.Remove(item);

        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => Inner.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
