using System.Globalization;
using System.Text;
using Board.ServiceDefaults.Sinks;

namespace Board.Tests.Sinks;

/// <summary>The quick form of a duration is exactly the double's own shortest text, and is taken when it can be.</summary>
public sealed class ThousandthsFormatTests
{
    [Fact]
    public void Durations_rounded_to_the_microsecond_are_written_as_the_shortest_round_trip_text()
    {
        var random = new Random(1124);
        for (var i = 0; i < 200_000; i++)
        {
            // From sub-microsecond to days, as the middleware rounds them; a few negative for the sign.
            var magnitude = Math.Pow(10, random.Next(-4, 9));
            var value = Math.Round(random.NextDouble() * magnitude * (i % 50 == 0 ? -1 : 1), 3);
            if (value == 0)
            {
                // A negative that rounds to zero is -0, which is left to the general form (it prints "-0").
                value = 0;
            }

            Assert.True(Format(value, out var text), $"{value:R} was not taken");
            Assert.Equal(value.ToString(CultureInfo.InvariantCulture), text);
        }
    }

    [Fact]
    public void Any_other_double_is_either_left_to_the_general_form_or_written_the_same()
    {
        var random = new Random(2411);
        Span<byte> bits = stackalloc byte[8];
        var taken = 0;
        for (var i = 0; i < 200_000; i++)
        {
            random.NextBytes(bits);
            var value = i % 2 == 0 ? BitConverter.ToDouble(bits) : random.NextDouble() * Math.Pow(10, random.Next(-8, 16));
            if (Format(value, out var text))
            {
                taken++;
                Assert.Equal(value.ToString(CultureInfo.InvariantCulture), text);
            }
        }

        // Random doubles are almost never whole thousandths; the few that are must still match.
        Assert.True(taken < 1000, $"{taken} random doubles were taken as thousandths");
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(12.5, "12.5")]
    [InlineData(0.05, "0.05")]
    [InlineData(0.005, "0.005")]
    [InlineData(2.105, "2.105")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(999_999_999_999.999, "999999999999.999")]
    public void Edges_of_the_digits(double value, string expected)
    {
        Assert.True(Format(value, out var text));
        Assert.Equal(expected, text);
        Assert.Equal(value.ToString(CultureInfo.InvariantCulture), text);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-0.0)]
    [InlineData(1e12)]
    [InlineData(0.0001)]
    [InlineData(1.0 / 3)]
    public void Values_it_does_not_write(double value) => Assert.False(Format(value, out _));

    private static bool Format(double value, out string text)
    {
        Span<byte> utf8 = stackalloc byte[32];
        var taken = ThousandthsFormat.TryFormat(value, utf8, out var written);
        text = Encoding.ASCII.GetString(utf8[..written]);
        return taken;
    }
}
