using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Results;

/// <summary>
/// The headline numbers of a run as <see cref="MetricValue"/>s: per traffic group throughput, latency percentiles
/// (when it has transactions), connection setup (when it opened connections), retransmissions and drops; per run
/// the CPU per Gbit delivered, busy cores and drops. What compare and sweep report.
/// </summary>
public static class RunMetrics
{
    public static IReadOnlyList<MetricValue> Of(RunResult r)
    {
        var values = new List<MetricValue>();
        foreach (var g in r.Groups)
        {
            var app = g.Application;
            values.Add(new(g.Name, Metrics.Goodput, app.GoodputBitsPerSecond / 1e9));
            var tl = app.TransactionLatency;
            if (tl.Count > 0)
            {
                values.Add(new(g.Name, Metrics.TransactionsPerSecond, app.TransactionsPerSecond));
                values.Add(new(g.Name, Metrics.Mean, tl.MeanPs / 1e6));
                values.Add(new(g.Name, Metrics.P50, tl.P50Ps / 1e6));
                values.Add(new(g.Name, Metrics.P90, tl.P90Ps / 1e6));
                values.Add(new(g.Name, Metrics.P99, tl.P99Ps / 1e6));
                values.Add(new(g.Name, Metrics.P999, tl.P999Ps / 1e6));
            }
            if (app.ConnectLatency.Count > 0)
            {
                values.Add(new(g.Name, Metrics.ConnectP50, app.ConnectLatency.P50Ps / 1e6));
                values.Add(new(g.Name, Metrics.ConnectP99, app.ConnectLatency.P99Ps / 1e6));
            }
            values.Add(new(g.Name, Metrics.Retransmissions, g.Retransmissions));
            values.Add(new(g.Name, Metrics.Drops, g.Drops));
        }
        double gbit = GbitDelivered(r);
        if (gbit > 0) values.Add(new(Metrics.RunGroup, Metrics.CpuPerGbit, TotalCpuPs(r) / 1e6 / gbit));
        if (r.MeasuredToPs > r.MeasuredFromPs) values.Add(new(Metrics.RunGroup, Metrics.BusyCores, TotalCpuPs(r) / (double)(r.MeasuredToPs - r.MeasuredFromPs)));
        values.Add(new(Metrics.RunGroup, Metrics.Drops, r.Drops.Sum(d => d.Packets)));
        return values;
    }

    /// <summary>Application bytes delivered by every traffic group, in Gbit: the denominator of "CPU per Gbit".</summary>
    public static double GbitDelivered(RunResult r) => r.Groups.Sum(g => (double)g.Application.BytesReceived) * 8 / 1e9;

    /// <summary>CPU busy time of every node over the measured interval.</summary>
    public static double TotalCpuPs(RunResult r) => r.Nodes.Sum(n => (double)n.BusyPs);
}
