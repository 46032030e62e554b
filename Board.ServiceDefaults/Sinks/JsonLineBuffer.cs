using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// The bytes of one JSON line, written by hand for <see cref="JsonLineFormatter"/>. A general JSON writer tracks
/// nesting, validates, and looks at every character of a string through an encoder; a log line needs none of that:
/// field names arrive encoded once, and a string is transcoded to UTF-8 straight into the buffer and then scanned
/// once, vectorised, for the few bytes that must be escaped (nearly always none).
/// </summary>
internal sealed class JsonLineBuffer
{
    // The bytes at which escaping may be needed: control characters, the quote, the backslash and DEL, and the lead
    // bytes of U+0080-U+009F (the C1 controls, NEL among them) and of U+2028/U+2029, which some readers take for
    // line breaks. The last two are checked further before anything is escaped.
    private static readonly SearchValues<byte> s_escapeCandidates =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(static b => (byte)b), (byte)'"', (byte)'\\', 0x7F, 0xC2, 0xE2]);

    private static ReadOnlySpan<byte> HexDigits => "0123456789ABCDEF"u8;

    private byte[] _bytes;
    private int _length;
    private RenderedTexts? _texts;

    public JsonLineBuffer(int capacity) => _bytes = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>The line is done: the objects whose texts it kept are let go.</summary>
    public void ForgetRenderedTexts() => _texts?.Forget();

    /// <summary>A value's text by its ToString(), an object's rendered once per line (see <see cref="RenderedTexts"/>).</summary>
    public string TextOf(object value) => (_texts ??= new RenderedTexts()).TextOf(value);

    /// <summary>Takes back what was written after <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => _length = Math.Min(_length, length);

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    public void WriteByte(byte value)
    {
        Reserve(1)[0] = value;
        _length++;
    }

    /// <summary>A string value, quoted; lone surrogates become U+FFFD.</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair 4 for its 2); and the two quotes.
        var destination = Reserve(value.Length * 3 + 2);
        destination[0] = (byte)'"';
        Utf8.FromUtf16(value, destination[1..], out _, out var written, replaceInvalidSequences: true);
        var escapeAt = IndexOfEscape(destination.Slice(1, written));
        if (escapeAt < 0)
        {
            destination[written + 1] = (byte)'"';
            _length += written + 2;
            return;
        }

        // Rare: what follows the first byte to escape is copied out and written again, escaped.
        var tail = ArrayPool<byte>.Shared.Rent(written - escapeAt);
        try
        {
            var rest = tail.AsSpan(0, written - escapeAt);
            destination.Slice(1 + escapeAt, rest.Length).CopyTo(rest);
            _length += 1 + escapeAt;
            WriteEscaped(rest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(tail);
        }

        WriteByte((byte)'"');
    }

    /// <summary>Text known to be ASCII with nothing to escape (hex ids), quoted.</summary>
    public void WriteAsciiString(string value)
    {
        var destination = Reserve(value.Length + 2);
        destination[0] = (byte)'"';
        if (Ascii.FromUtf16(value, destination[1..], out var written) != OperationStatus.Done)
        {
            WriteString(value);
            return;
        }

        destination[written + 1] = (byte)'"';
        _length += written + 2;
    }

    public void WriteBoolean(bool value) => WriteRaw(value ? "true"u8 : "false"u8);

    public void WriteNull() => WriteRaw("null"u8);

    /// <summary>A number in its shortest invariant form (doubles round-trip), as a JSON number.</summary>
    public void WriteNumber<T>(T value) where T : IUtf8SpanFormattable
    {
        // 64 bytes hold any integer, double or decimal in the default format.
        value.TryFormat(Reserve(64), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>
    /// A record's time in UTC with microseconds, "2026-11-24T03:22:39.558577Z", quoted: the round-trip form ("O",
    /// which the runtime formats without parsing a pattern) less its seventh fraction digit.
    /// </summary>
    public void WriteTimestamp(DateTime timestamp)
    {
        const int Microseconds = 26;
        var utc = timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : DateTime.SpecifyKind(timestamp, DateTimeKind.Utc);
        var destination = Reserve(40);
        destination[0] = (byte)'"';
        utc.TryFormat(destination[1..], out _, "O", CultureInfo.InvariantCulture);
        destination[1 + Microseconds] = (byte)'Z';
        destination[2 + Microseconds] = (byte)'"';
        _length += Microseconds + 3;
    }

    /// <summary>ISO 8601 ("O"), quoted, the fraction of a second without its trailing zeros.</summary>
    public void WriteDateTime<T>(T value) where T : IUtf8SpanFormattable
    {
        var destination = Reserve(48);
        destination[0] = (byte)'"';
        value.TryFormat(destination[1..], out var written, "O", CultureInfo.InvariantCulture);
        var text = destination.Slice(1, written);

        // "yyyy-MM-ddTHH:mm:ss.fffffff" then an offset or nothing, or a time of day "HH:mm:ss.fffffff": the seven digits
        // lose their trailing zeros, and the point goes with them when all seven are zero.
        var point = text.Length > 19 && text[19] == (byte)'.' ? 19 : text.Length == 16 && text[8] == (byte)'.' ? 8 : -1;
        if (point >= 0)
        {
            var keep = 7;
            while (keep > 0 && text[point + keep] == (byte)'0')
            {
                keep--;
            }

            var cut = 7 - keep + (keep == 0 ? 1 : 0);
            text[(point + 8)..].CopyTo(text[(point + 8 - cut)..]);
            written -= cut;
        }

        destination[written + 1] = (byte)'"';
        _length += written + 2;
    }

    /// <summary>The encoded bytes of <paramref name="value"/> as a quoted JSON string.</summary>
    public static byte[] Encode(string value)
    {
        var buffer = new JsonLineBuffer(value.Length * 3 + 16);
        buffer.WriteString(value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A span of at least <paramref name="size"/> bytes at the end of what is written.</summary>
    private Span<byte> Reserve(int size)
    {
        if (_bytes.Length - _length < size)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + size));
        }

        return _bytes.AsSpan(_length);
    }

    private void WriteEscaped(ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty)
        {
            var at = IndexOfEscape(text);
            if (at < 0)
            {
                WriteRaw(text);
                return;
            }

            WriteRaw(text[..at]);
            var lead = text[at];
            var width = 1;
            switch (lead)
            {
                case (byte)'"':
                    WriteRaw("\\\""u8);
                    break;
                case (byte)'\\':
                    WriteRaw("\\\\"u8);
                    break;
                case (byte)'\n':
                    WriteRaw("\\n"u8);
                    break;
                case (byte)'\r':
                    WriteRaw("\\r"u8);
                    break;
                case (byte)'\t':
                    WriteRaw("\\t"u8);
                    break;
                case 0xC2:
                    WriteUnicodeEscape(text[at + 1]);
                    width = 2;
                    break;
                case 0xE2:
                    WriteUnicodeEscape(text[at + 2] == 0xA8 ? 0x2028 : 0x2029);
                    width = 3;
                    break;
                default:
                    WriteUnicodeEscape(lead);
                    break;
            }

            text = text[(at + width)..];
        }
    }

    private void WriteUnicodeEscape(int codeUnit)
    {
        var destination = Reserve(6);
        destination[0] = (byte)'\\';
        destination[1] = (byte)'u';
        destination[2] = HexDigits[(codeUnit >> 12) & 0xF];
        destination[3] = HexDigits[(codeUnit >> 8) & 0xF];
        destination[4] = HexDigits[(codeUnit >> 4) & 0xF];
        destination[5] = HexDigits[codeUnit & 0xF];
        _length += 6;
    }

    /// <summary>The index of the first byte that must be escaped, or -1.</summary>
    private static int IndexOfEscape(ReadOnlySpan<byte> text)
    {
        var offset = 0;
        while (true)
        {
            var at = text[offset..].IndexOfAny(s_escapeCandidates);
            if (at < 0)
            {
                return -1;
            }

            at += offset;
            var lead = text[at];
            var escape = lead switch
            {
                // U+0080-U+009F; other two-byte characters starting with C2 (U+00A0-U+00BF) are printable.
                0xC2 => at + 1 < text.Length && text[at + 1] <= 0x9F,
                // U+2028 and U+2029 only, of all the characters starting with E2.
                0xE2 => at + 2 < text.Length && text[at + 1] == 0x80 && text[at + 2] is 0xA8 or 0xA9,
                _ => true,
            };

            if (escape)
            {
                return at;
            }

            offset = at + 1;
        }
    }
}
