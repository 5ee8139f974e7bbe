using System.Globalization;
using NetSim.Experiments.Results;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Calibration;

/// <summary>
/// What a reference row reads from a run, written <c>GROUP.KEY</c>: a metric of traffic group GROUP, either one
/// netsim reports (<c>rr.mean_us</c>, <c>stream.goodput_gbps</c>, <c>crr.transactions_per_s</c>, ...) or one of
/// the calibration metrics below.
/// <list type="bullet">
/// <item><c>us_per_transaction</c>: 10⁶ / transactions per second (netperf's rate turned into time per transaction).</item>
/// <item><c>vcores_per_10gbps</c>: CPU of every node over the measured interval (cores busy) per 10 Gbit/s of the group's goodput; the group must be the only traffic then (Slim Fig. 3).</item>
/// <item><c>first_packet_us</c>: the median over the group's connections of its first packet's (the SYN's) time in the
/// sending node's host stack, from the pod's host-side interface to the NIC: the time kube-proxy's rules add to a new
/// connection (pm §3a). <c>first_packet_p01_us</c>, <c>first_packet_p90_us</c> and <c>first_packet_p99_us</c> are
/// the 1st, 90th and 99th percentiles of the same times (<see cref="FirstPacketProbe"/>; percentiles interpolate
/// linearly between the sorted times).</item>
/// </list>
/// </summary>
public sealed record ReferenceMetric(string Group, string Key)
{
    public const string UsPerTransaction = "us_per_transaction";
    public const string VcoresPer10Gbps = "vcores_per_10gbps";
    public const string FirstPacketUs = "first_packet_us";
    public const string FirstPacketP01Us = "first_packet_p01_us";
    public const string FirstPacketP90Us = "first_packet_p90_us";
    public const string FirstPacketP99Us = "first_packet_p99_us";

    private static readonly Dictionary<string, double> FirstPacketPercentiles = new(StringComparer.Ordinal)
    {
        [FirstPacketP01Us] = 1, [FirstPacketUs] = 50, [FirstPacketP90Us] = 90, [FirstPacketP99Us] = 99,
    };

    /// <summary>Every key a row may name after "GROUP.".</summary>
    public static IReadOnlyList<string> Keys { get; } =
        [.. Metrics.All.Select(m => m.Key), UsPerTransaction, VcoresPer10Gbps, FirstPacketP01Us, FirstPacketUs, FirstPacketP90Us, FirstPacketP99Us];

    /// <summary>True when the metric comes from the group's connections' traced first packets (a run with a <see cref="FirstPacketProbe"/>).</summary>
    public bool NeedsTrace => FirstPacketPercentiles.ContainsKey(Key);

    public override string ToString() => $"{Group}.{Key}";

    public static bool TryParse(string text, out ReferenceMetric metric, out string problem)
    {
        metric = new ReferenceMetric("", "");
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == text.Length - 1)
        {
            problem = $"'{text}' is not GROUP.KEY (e.g. rr.mean_us)";
            return false;
        }
        string key = text[(dot + 1)..];
        if (!Keys.Contains(key, StringComparer.Ordinal))
        {
            problem = $"unknown metric '{key}'{NetSim.Engine.Diagnostics.NearestName.Hint(key, Keys)}; known: {string.Join(", ", Keys)}";
            return false;
        }
        metric = new ReferenceMetric(text[..dot], key);
        problem = "";
        return true;
    }

    /// <summary>The metric's value in <paramref name="run"/>; NaN when the group is missing or measured nothing.</summary>
    public double From(RunResult run)
    {
        var group = run.Groups.FirstOrDefault(g => g.Name == Group);
        if (group is null) return double.NaN;
        var app = group.Application;
        switch (Key)
        {
            case UsPerTransaction:
                return app.TransactionsPerSecond > 0 ? 1e6 / app.TransactionsPerSecond : double.NaN;
            case VcoresPer10Gbps:
                return VcoresPer10(run, group);
            default:
                var value = RunMetrics.Of(run).FirstOrDefault(v => v.Group == Group && v.Metric.Key == Key);
                return value?.Value ?? double.NaN;
        }
    }

    /// <summary>The first-packet metric from the group's first-packet times (µs, ascending); NaN when there are none.</summary>
    public double FromFirstPackets(IReadOnlyList<double> sortedUs)
    {
        ArgumentNullException.ThrowIfNull(sortedUs);
        return Percentile(sortedUs, FirstPacketPercentiles[Key]);
    }

    /// <summary>The <paramref name="p"/>-th percentile of sorted values, interpolating linearly between order statistics.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) return double.NaN;
        double rank = p / 100 * (sorted.Count - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }

    /// <summary>Cores busy on every node over the measured interval, per 10 Gbit/s of the group's goodput.</summary>
    private static double VcoresPer10(RunResult run, TrafficGroupResult group)
    {
        double gbps = group.Application.GoodputBitsPerSecond / 1e9;
        if (gbps <= 0 || run.MeasuredToPs <= run.MeasuredFromPs) return double.NaN;
        double cores = run.Nodes.Sum(n => (double)n.BusyPs) / (run.MeasuredToPs - run.MeasuredFromPs);
        return cores * 10 / gbps;
    }

    /// <summary>Formats a value of this metric for tables.</summary>
    public static string Format(double value) =>
        double.IsNaN(value) ? "n/a" : Math.Abs(value) >= 100 ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture) : value.ToString("0.00", CultureInfo.InvariantCulture);
}
