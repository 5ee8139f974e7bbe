namespace NetSim.Experiments.Results;

/// <summary>
/// A number netsim reports per traffic group or per run: its key in CSV files (carrying the unit, e.g. p50_us),
/// a label for tables and charts, the unit, and which way is better (for colouring overheads).
/// </summary>
public sealed record Metric(string Key, string Label, string Unit, bool LowerIsBetter)
{
    /// <summary>Counted, not measured (packets): printed without decimals.</summary>
    public bool Whole { get; init; }
}

/// <summary>The metrics of a run, in the order tables list them.</summary>
public static class Metrics
{
    /// <summary>The "group" of metrics that belong to the whole run (CPU, drops), not to one traffic group.</summary>
    public const string RunGroup = "(run)";

    public static readonly Metric Goodput = new("goodput_gbps", "throughput", "Gbit/s", false);
    public static readonly Metric TransactionsPerSecond = new("transactions_per_s", "transactions/s", "1/s", false);
    public static readonly Metric Mean = new("mean_us", "latency mean", "µs", true);
    public static readonly Metric P50 = new("p50_us", "latency p50", "µs", true);
    public static readonly Metric P90 = new("p90_us", "latency p90", "µs", true);
    public static readonly Metric P99 = new("p99_us", "latency p99", "µs", true);
    public static readonly Metric P999 = new("p999_us", "latency p99.9", "µs", true);
    public static readonly Metric ConnectP50 = new("connect_p50_us", "connection setup p50", "µs", true);
    public static readonly Metric ConnectP99 = new("connect_p99_us", "connection setup p99", "µs", true);
    public static readonly Metric Retransmissions = new("retransmissions", "retransmissions", "packets", true) { Whole = true };
    public static readonly Metric Drops = new("drops", "drops", "packets", true) { Whole = true };
    public static readonly Metric CpuPerGbit = new("cpu_us_per_gbit", "CPU per Gbit/s", "CPU µs per Gbit", true);
    public static readonly Metric BusyCores = new("busy_cores", "busy cores", "cores", true);

    public static readonly IReadOnlyList<Metric> All =
        [Goodput, TransactionsPerSecond, Mean, P50, P90, P99, P999, ConnectP50, ConnectP99, Retransmissions, Drops, CpuPerGbit, BusyCores];

    public static Metric? Find(string key) => All.FirstOrDefault(m => m.Key == key);
}

/// <summary>One metric's value in one run, for one traffic group or for the run (<see cref="Metrics.RunGroup"/>).</summary>
public sealed record MetricValue(string Group, Metric Metric, double Value);
