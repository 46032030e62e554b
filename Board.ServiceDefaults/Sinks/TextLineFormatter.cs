using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Board.ServiceDefaults.Enrichment;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// The Development console's readable line (docs/logging.md, "Development text"). Control characters are escaped so
/// a hostile value cannot start a line of its own.
/// </summary>
/// <param name="fallback">Marks every line <c>log.fallback=true</c>: the record reached stdout because OTLP could not take it.</param>
internal sealed class TextLineFormatter(bool fallback = false) : ILineFormatter
{
    // Note: one instance per sink, called by one thread at a time (the exporter's, or under OtlpFallback's lock).
    private readonly StringBuilder _text = new(512);
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public ReadOnlySpan<byte> Format(LogRecord record)
    {
        var text = _text.Clear();

        text.Append(record.Timestamp.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))
            .Append(' ').Append(LevelOf(record.LogLevel))
            .Append(' ').Append(record.CategoryName).Append(": ");
        AppendEscaped(text, record.FormattedMessage ?? record.Body ?? "");

        var template = MessageTemplate.Of(record.Attributes);
        string? stackTrace = null;
        var first = !fallback;
        if (fallback)
        {
            text.Append("  {log.fallback=true");
        }

        foreach (var (key, value) in record.Attributes ?? [])
        {
            if (key == MessageTemplate.Key || (template is not null && IsPlaceholder(template, key)))
            {
                continue;
            }

            if (key == "exception.stacktrace")
            {
                stackTrace = value as string;
                continue;
            }

            // A key can be a client's too (a dictionary scope's): escaped like the value.
            AppendEscaped(text.Append(first ? "  {" : ", "), key);
            AppendEscaped(text.Append('='), value is null ? "null" : TextSanitizer.TextOf(value));
            first = false;
        }

        if (!first)
        {
            text.Append('}');
        }

        text.Append('\n');
        if (stackTrace is not null)
        {
            foreach (var line in stackTrace.Split('\n'))
            {
                // The exception's message is in it, and may quote what a client sent.
                AppendEscaped(text.Append("    "), line.TrimEnd('\r'));
                text.Append('\n');
            }
        }

        // UTF-8 encoding writes a lone surrogate (from a broken client or a cut string) as U+FFFD.
        _buffer.ResetWrittenCount();
        Encoding.UTF8.GetBytes(text.ToString(), _buffer);
        return _buffer.WrittenSpan;
    }

    private static bool IsPlaceholder(string template, string key)
    {
        var at = template.IndexOf(key, StringComparison.Ordinal);
        while (at >= 0)
        {
            var end = at + key.Length;
            if (at > 0 && template[at - 1] == '{' && end < template.Length && template[end] is '}' or ':' or ',')
            {
                return true;
            }

            at = template.IndexOf(key, end, StringComparison.Ordinal);
        }

        return false;
    }

    private static void AppendEscaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                // The C0 and C1 controls, DEL, and the separators some readers take for a line break.
                case < ' ' or >= '\u007f' and <= '\u009f' or '\u2028' or '\u2029':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    private static string LevelOf(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
