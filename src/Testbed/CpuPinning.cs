using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// Where the benchmark processes run: every client and server on one core (taskset -c CORE) at the highest
/// scheduling weight (nice -n -20), so the whole exchange — both processes, and the softirqs a veth runs on the
/// sending core — shares that core with nothing else the machine runs at normal priority. The generated scenarios
/// say the same (one shared core), which is what makes the setup describable: see docs/testbed.md for why one core.
/// </summary>
public sealed record CpuPinning(int Core, int Nice)
{
    public static readonly CpuPinning Default = new(0, -20);

    /// <summary>The command prefix inside a namespace: ip netns exec NS nice -n N taskset -c CORE.</summary>
    public IReadOnlyList<string> Prefix(string ns) =>
        ["netns", "exec", ns, "nice", "-n", Nice.ToString(CultureInfo.InvariantCulture), "taskset", "-c", Core.ToString(CultureInfo.InvariantCulture)];
}
