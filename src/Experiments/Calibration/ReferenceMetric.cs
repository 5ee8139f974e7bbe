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
/// <item><c>first_packet_us</c>: the group's first packet (the SYN) traced through the sending node's host stack, from the pod's
/// host-side interface to the NIC: the time kube-proxy's rules add to a new connection (pm §3a).</item>
/// </list>
/// </summary>
public sealed record ReferenceMetric(string Group, string Key)
{
    public const string UsPerTransaction = "us_per_transaction";
    public const string VcoresPer10Gbps = "vcores_per_10gbps";
    public const string FirstPacketUs = "first_packet_us";

    /// <summary>Every key a row may name after "GROUP.".</summary>
    public static IReadOnlyList<string> Keys { get; } =
        [.. Metrics.All.Select(m => m.Key), UsPerTransaction, VcoresPer10Gbps, FirstPacketUs];

    /// <summary>True when the metric comes from a traced packet instead of a run.</summary>
    public bool NeedsTrace => Key == FirstPacketUs;

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

    /// <summary>The first-packet metric from a traced exchange: the first packet's time between leaving its pod and its NIC.</summary>
    public static double FirstPacket(TraceResult trace)
    {
        if (trace.Packets.Count == 0) return double.NaN;
        var hops = trace.Packets[0].Hops;
        if (hops.Count == 0) return double.NaN;
        string node = hops[0].Node;
        int start = -1, end = -1;
        for (int i = 0; i < hops.Count && hops[i].Node == node; i++)
        {
            if (start < 0 && hops[i].Action.StartsWith("netif_receive_skb", StringComparison.Ordinal)) start = i;
            if (hops[i].Element.EndsWith("(NIC)", StringComparison.Ordinal)) end = i;
        }
        if (start <= 0 || end < start) return double.NaN;
        return (hops[end].At - hops[start - 1].At) / 1e6;
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
