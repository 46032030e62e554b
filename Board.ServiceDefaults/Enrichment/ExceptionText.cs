using System.Text;
using System.Text.Json;
using Board.ServiceDefaults.Sinks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// The text of an exception as the logs may carry it. The messages of the exceptions raised while a request is read
/// (a form, a JSON body, a header, a token) quote what the client sent, so for these the type stays and the message
/// becomes a fixed reason, in <c>exception.message</c>, in <c>exception.stacktrace</c> and in the record's message.
/// </summary>
internal static class ExceptionText
{
    public const string Withheld = "The request could not be read (message withheld: it may quote the request)";

    public static string Message(Exception exception)
    {
        if (QuotesRequest(exception))
        {
            return Withheld;
        }

        // An exception's own Message may throw: one bad exception costs neither the record nor the caller.
        try
        {
            return exception.Message;
        }
        catch (Exception ex)
        {
            return $"<{exception.GetType().FullName}.Message threw {ex.GetType().Name}>";
        }
    }

    /// <summary><see cref="Exception.ToString"/>, or with a quoting exception in the chain, types and frames only.</summary>
    public static string StackTrace(Exception exception)
    {
        if (!QuotesRequest(exception))
        {
            return TextSanitizer.TextOf(exception);
        }

        var text = new StringBuilder();
        Append(text, exception, depth: 0);
        return text.ToString();
    }

    /// <summary>Whether the exception, or one inside it, may carry text from the request.</summary>
    public static bool QuotesRequest(Exception exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            if (IsReadingException(exception))
            {
                return true;
            }

            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(QuotesRequest))
            {
                return true;
            }

            exception = exception.InnerException!;
        }

        return false;
    }

    private static bool IsReadingException(Exception exception) => exception is BadHttpRequestException
        or InvalidDataException      // form and multipart readers
        or JsonException             // System.Text.Json, quoting the body's text
        or FormatException           // parsers, quoting the input ("The input string 'x' ...")
        or DecoderFallbackException  // invalid UTF-8, quoting the bytes
        or UriFormatException
        or AntiforgeryValidationException;

    private static void Append(StringBuilder text, Exception exception, int depth)
    {
        text.Append(exception.GetType().FullName).Append(": ").Append(Withheld);
        if (exception.InnerException is { } inner && depth < 16)
        {
            text.Append(" ---> ");
            Append(text, inner, depth + 1);
            text.AppendLine().Append("   --- End of inner exception stack trace ---");
        }

        if (exception.StackTrace is { } frames)
        {
            text.AppendLine().Append(frames);
        }
    }
}
