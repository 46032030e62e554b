using System.Globalization;
using System.Text;

namespace Board.Tests.Collector;

/// <summary>
/// Go's <c>encoding/json.Marshal</c> (Go 1.26, which builds ADOT Collector v0.49.0) for the values pdata's
/// <c>Value.AsRaw()</c> yields: string, bool, int64, float64, []byte, []any, map[string]any and nil. What the
/// collector writes into a CloudWatch event follows these rules:
/// <list type="bullet">
/// <item>map keys sorted by their UTF-8 bytes;</item>
/// <item>strings HTML-escaped (<c>&lt; &gt; &amp;</c> as <c>\u003c \u003e \u0026</c>, U+2028/U+2029 too), control
/// characters as <c>\b \f \n \r \t</c> or <c>\u00XX</c>, invalid UTF-8 as <c>\ufffd</c>;</item>
/// <item>a float64 in its shortest round-trip digits, in <c>%f</c> form unless below 1e-6 or from 1e21 on, where it
/// is <c>%e</c> with a one-digit negative exponent cleaned of its zero (<c>1e-7</c>); NaN and infinities are errors;</item>
/// <item>[]byte as standard base64 with padding.</item>
/// </list>
/// </summary>
internal static class GoJson
{
    private const string Hex = "0123456789abcdef";

    /// <summary>One object member, written in the given order (a Go struct's fields).</summary>
    public readonly record struct Member(string Name, object? Value);

    public static string Marshal(object? value)
    {
        var output = new StringBuilder();
        Write(output, value);
        return output.ToString();
    }

    /// <summary>A struct: its members in declaration order, each with its own omitempty already decided.</summary>
    public static string Struct(IEnumerable<Member> members)
    {
        var output = new StringBuilder();
        WriteStruct(output, members);
        return output.ToString();
    }

    private static void Write(StringBuilder output, object? value)
    {
        switch (value)
        {
            case null:
                output.Append("null");
                break;
            case string text:
                WriteString(output, text);
                break;
            case bool flag:
                output.Append(flag ? "true" : "false");
                break;
            case long or int or uint or ulong:
                output.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case double number:
                output.Append(Float64(number));
                break;
            case byte[] bytes:
                output.Append('"').Append(Convert.ToBase64String(bytes)).Append('"');
                break;
            case IEnumerable<Member> members:
                WriteStruct(output, members);
                break;
            case IReadOnlyDictionary<string, object?> map:
                WriteMap(output, map);
                break;
            case IEnumerable<object?> list:
                output.Append('[');
                var first = true;
                foreach (var item in list)
                {
                    output.Append(first ? "" : ",");
                    first = false;
                    Write(output, item);
                }

                output.Append(']');
                break;
            default:
                throw new NotSupportedException($"pdata's AsRaw yields no {value.GetType()}");
        }
    }

    private static void WriteStruct(StringBuilder output, IEnumerable<Member> members)
    {
        output.Append('{');
        var first = true;
        foreach (var member in members)
        {
            output.Append(first ? "" : ",");
            first = false;
            WriteString(output, member.Name);
            output.Append(':');
            Write(output, member.Value);
        }

        output.Append('}');
    }

    private static void WriteMap(StringBuilder output, IReadOnlyDictionary<string, object?> map)
    {
        output.Append('{');
        var first = true;
        foreach (var (key, value) in map.OrderBy(pair => Encoding.UTF8.GetBytes(pair.Key), Utf8Order.Instance))
        {
            output.Append(first ? "" : ",");
            first = false;
            WriteString(output, key);
            output.Append(':');
            Write(output, value);
        }

        output.Append('}');
    }

    private static void WriteString(StringBuilder output, string text)
    {
        output.Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"':
                    output.Append("\\\"");
                    break;
                case '\\':
                    output.Append("\\\\");
                    break;
                case '\b':
                    output.Append("\\b");
                    break;
                case '\f':
                    output.Append("\\f");
                    break;
                case '\n':
                    output.Append("\\n");
                    break;
                case '\r':
                    output.Append("\\r");
                    break;
                case '\t':
                    output.Append("\\t");
                    break;
                case '<' or '>' or '&':
                case < 0x20:
                    output.Append("\\u00").Append(Hex[rune.Value >> 4]).Append(Hex[rune.Value & 0xF]);
                    break;
                case 0x2028 or 0x2029:
                    output.Append("\\u202").Append(Hex[rune.Value & 0xF]);
                    break;
                default:
                    // A lone surrogate enumerates as U+FFFD, which Go writes as the character itself (only bytes
                    // that are not UTF-8 become the escape; a .NET string holds none of those).
                    output.Append(rune.ToString());
                    break;
            }
        }

        output.Append('"');
    }

    /// <summary>encoding/json's floatEncoder for 64 bits.</summary>
    public static string Float64(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "json: unsupported value");
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // .NET's "R" gives the shortest digits that round-trip, as strconv.AppendFloat(..., -1, 64) does.
        var (negative, digits, pointPosition) = ShortestDigits(value);
        var magnitude = Math.Abs(value);
        var text = new StringBuilder(negative ? "-" : "");
        if (magnitude < 1e-6 || magnitude >= 1e21)
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var exponent = pointPosition - 1;
            text.Append('e').Append(exponent < 0 ? '-' : '+');
            // %e writes at least two exponent digits; encoding/json then turns e-07 into e-7.
            var exponentDigits = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
            text.Append(exponent < 0 || exponentDigits.Length >= 2 ? exponentDigits : "0" + exponentDigits);
        }
        else if (pointPosition <= 0)
        {
            text.Append("0.").Append('0', -pointPosition).Append(digits);
        }
        else if (pointPosition >= digits.Length)
        {
            text.Append(digits).Append('0', pointPosition - digits.Length);
        }
        else
        {
            text.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
        }

        return text.ToString();
    }

    /// <summary>The significant digits of the shortest round-trip form, and where the decimal point goes among them.</summary>
    private static (bool Negative, string Digits, int PointPosition) ShortestDigits(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        text = text.TrimStart('-');
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var point = text.IndexOf('.');
        var integerDigits = point < 0 ? text.Length : point;
        var digits = text.Replace(".", "", StringComparison.Ordinal);
        var pointPosition = integerDigits + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        return (negative, digits, pointPosition - leadingZeros);
    }

    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
