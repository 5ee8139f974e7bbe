using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Cli.Sweeps;

/// <summary>
/// The loaded scenarios of the points being run, at most a few at a time (the runs go point by point, so each
/// point is loaded about once): a sweep of thousands of large points never holds them all in memory.
/// </summary>
internal sealed class PointCache(int capacity, Func<int, Scenario> load)
{
    private readonly Dictionary<int, Lazy<Scenario>> _loaded = new();
    private readonly Queue<int> _order = new();

    public Scenario Get(int point)
    {
        Lazy<Scenario> entry;
        lock (_loaded)
        {
            if (!_loaded.TryGetValue(point, out entry!))
            {
                entry = new Lazy<Scenario>(() => load(point), LazyThreadSafetyMode.ExecutionAndPublication);
                _loaded[point] = entry;
                _order.Enqueue(point);
                while (_order.Count > Math.Max(1, capacity)) _loaded.Remove(_order.Dequeue());
            }
        }
        return entry.Value;
    }
}
