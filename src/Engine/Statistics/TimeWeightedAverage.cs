using NetSim.Engine.Core;

namespace NetSim.Engine.Statistics;

/// <summary>
/// The time average of a piecewise-constant level (queue length, busy cores, cwnd): the value changes at
/// SimTime instants and the average weights each value by how long it held, over [start, now].
/// </summary>
public sealed class TimeWeightedAverage
{
    private SimTime _start;
    private SimTime _lastChange;
    private double _area; // Σ value × duration in value·picoseconds

    /// <param name="start">When observation begins.</param>
    /// <param name="initialValue">The level from <paramref name="start"/> until the first update.</param>
    public TimeWeightedAverage(SimTime start, double initialValue = 0)
    {
        _start = start;
        _lastChange = start;
        Current = initialValue;
    }

    public double Current { get; private set; }
    public SimTime Start => _start;

    /// <summary>The level becomes <paramref name="value"/> at <paramref name="now"/> (which must not go back in time).</summary>
    public void Update(SimTime now, double value)
    {
        Accumulate(now);
        Current = value;
    }

    /// <summary>The average over [start, <paramref name="now"/>]; the current value if that interval is empty.</summary>
    public double Average(SimTime now)
    {
        CheckNotBefore(now);
        long total = now.Picoseconds - _start.Picoseconds;
        if (total == 0) return Current;
        double area = _area + (Current * (now.Picoseconds - _lastChange.Picoseconds));
        return area / total;
    }

    /// <summary>Restarts the average at <paramref name="now"/>, keeping the current level (end of warm-up).</summary>
    public void Reset(SimTime now)
    {
        CheckNotBefore(now);
        _start = now;
        _lastChange = now;
        _area = 0;
    }

    private void Accumulate(SimTime now)
    {
        CheckNotBefore(now);
        _area += Current * (now.Picoseconds - _lastChange.Picoseconds);
        _lastChange = now;
    }

    private void CheckNotBefore(SimTime now)
    {
        if (now < _lastChange)
            throw new ArgumentOutOfRangeException(nameof(now), now, $"time went backwards: last change was at {_lastChange}");
    }
}
