using NetSim.Engine.Core;

namespace NetSim.Engine.Tests;

public class SimTimeTests
{
    [Theory]
    [InlineData("2s", 2_000_000_000_000L)]
    [InlineData("150us", 150_000_000L)]
    [InlineData("150µs", 150_000_000L)]
    [InlineData("10ms", 10_000_000_000L)]
    [InlineData("1.5ns", 1_500L)]
    [InlineData("80ps", 80L)]
    [InlineData(" 0.000000000001s ", 1L)]
    [InlineData("1e3ns", 1_000_000L)]
    [InlineData("2min", 120_000_000_000_000L)]
    public void Parses_human_units_exactly(string text, long ps) => Assert.Equal(ps, SimTime.Parse(text).Picoseconds);

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10 parsecs")]
    [InlineData("abcms")]
    [InlineData("0.1ps")]
    [InlineData("1000000h")]
    public void Rejects_bad_strings_with_a_reason(string text)
    {
        Assert.False(SimTime.TryParse(text, out _, out string error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => SimTime.Parse(text));
    }

    [Theory]
    [InlineData(1_500_000L, "1.5us")]
    [InlineData(80L, "80ps")]
    [InlineData(2_000_000_000_000L, "2s")]
    [InlineData(0L, "0s")]
    public void Prints_in_the_largest_exact_unit(long ps, string text) => Assert.Equal(text, new SimTime(ps).ToString());

    [Fact]
    public void Printing_round_trips() =>
        Assert.Equal(123_456_789L, SimTime.Parse(new SimTime(123_456_789L).ToString()).Picoseconds);

    [Fact]
    public void Arithmetic_overflow_throws_instead_of_wrapping()
    {
        Assert.Throws<OverflowException>(() => SimTime.MaxValue + SimTime.FromPicoseconds(1));
        Assert.Throws<OverflowException>(() => SimTime.FromSeconds(long.MaxValue / 1000));
    }
}
