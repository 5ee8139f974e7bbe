namespace NetSim.Engine.Statistics;

/// <summary>A monotone event count (packets dropped, bytes sent); checked so it never silently wraps.</summary>
public sealed class Counter
{
    private long _value;

    public long Value => _value;

    public void Increment() => _value = checked(_value + 1);

    /// <param name="amount">A non-negative amount (a counter only counts up; use a gauge for levels).</param>
    public void Add(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        _value = checked(_value + amount);
    }

    /// <summary>Back to zero (e.g. at the end of a warm-up period).</summary>
    public void Reset() => _value = 0;

    /// <summary>The count per second of simulated time over <paramref name="interval"/>.</summary>
    public double RatePerSecond(Core.SimTime interval) =>
        interval.Picoseconds > 0 ? _value / interval.TotalSeconds : double.NaN;

    public override string ToString() => _value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
