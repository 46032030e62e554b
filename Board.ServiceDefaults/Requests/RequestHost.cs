using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// <c>server.address</c> as the client sent it. <see cref="HttpRequest.Host"/> decodes an IDN (<c>xn--80ak6aa92e.com</c>)
/// into Unicode, which can show a lookalike of another name; the header itself is ASCII (the server refuses other
/// bytes in it), so it is read from there and only its port is taken off.
/// </summary>
internal static class RequestHost
{
    public static string? ServerAddress(HttpRequest request) =>
        request.Headers.Host is [{ Length: > 0 } header, ..] && new HostString(header).Host is { Length: > 0 } host ? host : null;
}
