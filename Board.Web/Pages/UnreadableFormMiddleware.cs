namespace Board.Web.Pages;

/// <summary>
/// Reads a submitted form before anything else does, so that a form the framework cannot read (a NUL in a
/// URL-encoded value, too many fields) is refused with 400 and its reason on the status page. Otherwise the
/// anti-forgery check is the first to read it, and its failure tells the user to reload the page, which does not help.
/// </summary>
public sealed class UnreadableFormMiddleware(RequestDelegate next, ILogger<UnreadableFormMiddleware> logger)
{
    /// <summary>Where the status page finds the reason (HttpContext.Items).</summary>
    public const string ReasonKey = "Board.UnreadableFormReason";

    public async Task InvokeAsync(HttpContext context)
    {
        // Not again when the status page is rendered for the refusal: it runs through here as the same POST.
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType && !context.Items.ContainsKey(ReasonKey))
        {
            try
            {
                await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (InvalidDataException ex)
            {
                // The framework's message names the problem, never the submitted text.
                logger.LogInformation("Form refused: {error.message}", ex.Message);
                context.Items[ReasonKey] = $"The form could not be read: {ex.Message} Remove what the message points at and submit it again.";
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
        }

        await next(context);
    }
}
