using Microsoft.AspNetCore.Diagnostics;

namespace Board.Web.Pages;

/// <summary>
/// Reads a submitted form before anything else does, so that a form the framework cannot read (a NUL in a
/// URL-encoded value, too many fields, a malformed multipart part, a body cut short) is refused with 4xx and its
/// reason on the status page. Otherwise the anti-forgery check is the first to read it, and its failure tells the
/// user to reload the page, which does not help.
/// </summary>
public sealed class UnreadableFormMiddleware(RequestDelegate next, ILogger<UnreadableFormMiddleware> logger)
{
    /// <summary>Where the status page finds the reason (HttpContext.Items).</summary>
    public const string ReasonKey = "Board.UnreadableFormReason";

    public async Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType && !IsReExecution(context))
        {
            try
            {
                // Without RequestAborted: a read cancelled half-way leaves the body reader busy, and the server's own
                // read of what is left of the body then fails ("Reading is already in progress"). A client that goes
                // away ends the read anyway.
                await context.Request.ReadFormAsync();
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
            {
                // IOException: a body cut short (BadHttpRequestException) or a multipart body without its closing
                // boundary; either way the request's fault, not the server's.
                // The exception's message quotes the submitted text: only its type is logged.
                var status = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
                logger.LogInformation("Form refused with {http.response.status_code}: {error.type}", status, ex.GetType().FullName);
                context.Items[ReasonKey] = status == StatusCodes.Status413PayloadTooLarge
                    ? "The form is too large to be read. Shorten it and submit it again."
                    : $"The form could not be read: {ex.Message} Remove what the message points at and submit it again.";
                context.Response.StatusCode = status;
                return;
            }
        }

        await next(context);
    }

    // The status page for a refusal and the error page run through here again as the same POST; the body is spent.
    private static bool IsReExecution(HttpContext context) =>
        context.Items.ContainsKey(ReasonKey)
        || context.Features.Get<IExceptionHandlerFeature>() is not null
        || context.Features.Get<IStatusCodeReExecuteFeature>() is not null;
}
