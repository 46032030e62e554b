namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// Writes a double that is a whole number of thousandths, such as a duration in milliseconds rounded to the
/// microsecond, as integer digits: the same text as the double's shortest round-trip form, without the general
/// algorithm that finds it (the END entry formats its duration twice, in its message and in its field).
/// </summary>
internal static class ThousandthsFormat
{
    // Below 1e12 the thousandths are 2^-13 or more apart from their neighbours' doubles, so the digits written are
    // the only ones of their length that round-trip, and no exponent is used.
    private const double Limit = 1e12;

    /// <summary>False, writing nothing, when the value is not a whole number of thousandths below 1e12, or -0.</summary>
    public static bool TryFormat(double value, Span<byte> utf8, out int written)
    {
        written = 0;
        if (!(Math.Abs(value) < Limit) || (value == 0 && double.IsNegative(value)) || utf8.Length < 20)
        {
            return false;
        }

        var scaled = Math.Round(value * 1000);
        if (scaled / 1000 != value)
        {
            return false;
        }

        var units = (long)Math.Abs(scaled);
        var whole = units / 1000;
        var fraction = (int)(units % 1000);
        if (value < 0)
        {
            utf8[written++] = (byte)'-';
        }

        ((ulong)whole).TryFormat(utf8[written..], out var digits);
        written += digits;
        if (fraction != 0)
        {
            utf8[written++] = (byte)'.';
            utf8[written++] = (byte)('0' + fraction / 100);
            fraction %= 100;
            if (fraction != 0)
            {
                utf8[written++] = (byte)('0' + fraction / 10);
                fraction %= 10;
                if (fraction != 0)
                {
                    utf8[written++] = (byte)('0' + fraction);
                }
            }
        }

        return true;
    }
}
