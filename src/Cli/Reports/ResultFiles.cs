using NetSim.Experiments.Results;
using NetSim.Reporting.Charts;
using NetSim.Reporting.Csv;

namespace NetSim.Cli.Reports;

/// <summary>
/// Writes runs' tables as tidy CSV files (one file per table, one row per datapath × item) and their charts
/// (PNG and SVG under charts/). Every chart's numbers are in one of the CSV files.
/// </summary>
public static class ResultFiles
{
    public static void WriteTables(string dir, IReadOnlyList<RunTables> runs)
    {
        CsvTable.Write(Path.Combine(dir, "summary.csv"), runs.SelectMany(r => r.Summary));
        CsvTable.Write(Path.Combine(dir, "latency.csv"), runs.SelectMany(r => r.Latency));
        CsvTable.Write(Path.Combine(dir, "cdf.csv"), runs.SelectMany(r => r.Cdf));
        CsvTable.Write(Path.Combine(dir, "flows.csv"), runs.SelectMany(r => r.Flows));
        CsvTable.Write(Path.Combine(dir, "hops.csv"), runs.SelectMany(r => r.Hops));
        CsvTable.Write(Path.Combine(dir, "cpu.csv"), runs.SelectMany(r => r.Cpu));
        CsvTable.Write(Path.Combine(dir, "nodes.csv"), runs.SelectMany(r => r.Nodes));
        CsvTable.Write(Path.Combine(dir, "drops.csv"), runs.SelectMany(r => r.Drops));
        CsvTable.Write(Path.Combine(dir, "budget.csv"), runs.SelectMany(r => r.Budget));
        CsvTable.Write(Path.Combine(dir, "run.csv"), runs.Select(r => r.Info));
        CsvTable.Write(Path.Combine(dir, "walk.csv"), runs.SelectMany(r => r.Walk));
        CsvTable.Write(Path.Combine(dir, "topology.csv"), runs.SelectMany(r => r.Topology));
        if (runs.Any(r => r.Events.Count > 0)) CsvTable.Write(Path.Combine(dir, "events.csv"), runs.SelectMany(r => r.Events));
        if (runs.Any(r => r.Throughput.Count > 0)) CsvTable.Write(Path.Combine(dir, "timeline.csv"), runs.SelectMany(r => r.Throughput));
        if (runs.Any(r => r.ProxySyncs.Count > 0)) CsvTable.Write(Path.Combine(dir, "proxy_syncs.csv"), runs.SelectMany(r => r.ProxySyncs));
    }

    /// <summary>Latency CDFs, CPU by element and the latency budget. One run: one CDF with a line per group; several: a CDF per group with a line per datapath.</summary>
    public static void WriteCharts(string chartsDir, string scenario, IReadOnlyList<RunTables> runs)
    {
        var groups = runs.SelectMany(r => r.Cdf.Select(c => c.Group)).Distinct(StringComparer.Ordinal).ToList();
        if (runs.Count == 1 && groups.Count > 0)
        {
            LatencyCdfChart.WritePoints(Path.Combine(chartsDir, "latency-cdf"), $"{scenario} over {runs[0].Datapath}: latency CDF",
                groups.Select(g => (g, (IReadOnlyList<(double, double)>)Points(runs[0], g))).ToList());
        }
        else
        {
            foreach (string g in groups)
                LatencyCdfChart.WritePoints(Path.Combine(chartsDir, $"latency-cdf-{Slug(g)}"), $"{scenario}, {g}: latency CDF by datapath",
                    runs.Select(r => (r.Datapath, (IReadOnlyList<(double, double)>)Points(r, g))).ToList());
        }
        foreach (var r in runs.Where(r => r.Cpu.Count > 0))
            CpuByElementChart.Write(Path.Combine(chartsDir, runs.Count == 1 ? "cpu-by-element" : $"cpu-by-element-{Slug(r.Datapath)}"),
                $"{scenario} over {r.Datapath}: CPU by element", r.Cpu.Select(c => ($"{c.Node}/{c.Element}", c.CpuUs)).ToList());
        // One stacking order for every bar (kinds as they first appear on any path, "wire and other" on top), so a kind keeps its place and colour.
        var order = runs.SelectMany(r => r.Budget.Select(b => b.Segment)).Distinct(StringComparer.Ordinal)
            .OrderBy(s => s == RunTables.WireAndOther ? 1 : 0).ToList();
        var budgets = runs.Where(r => r.Budget.Count > 0)
            .Select(r => (r.Datapath, (IReadOnlyList<(string, double)>)r.Budget.OrderBy(b => order.IndexOf(b.Segment)).Select(b => (b.Segment, b.UsPerTransaction)).ToList()))
            .ToList();
        if (budgets.Count > 0) LatencyBudgetChart.Write(Path.Combine(chartsDir, "latency-budget"), $"{scenario}: latency budget per transaction", budgets);
        foreach (var r in runs.Where(r => r.Throughput.Count > 0)) WriteTimeline(chartsDir, scenario, r, runs.Count == 1);
        if (runs.Any(r => r.ProxySyncs.Count > 0)) WriteProxySyncs(chartsDir, scenario, runs);
    }

    /// <summary>Each sync's length, and the wait of new Services for their first packet, against the Service ports it programmed; a line per datapath.</summary>
    private static void WriteProxySyncs(string chartsDir, string scenario, IReadOnlyList<RunTables> runs)
    {
        var withSyncs = runs.Where(r => r.ProxySyncs.Count > 0).ToList();
        var series = withSyncs.Select(r => ($"{r.Datapath} ({r.ProxySyncs[0].Mode}) sync",
                (IReadOnlyList<(double, double, double)>)r.ProxySyncs.Select(p => ((double)p.ServicePorts, p.SyncMs, 0.0)).ToList()))
            .Concat(withSyncs.Where(r => r.ProxySyncs.Any(p => p.FirstPacketMs > 0)).Select(r => ($"{r.Datapath} new Service's first packet",
                (IReadOnlyList<(double, double, double)>)r.ProxySyncs.Where(p => p.FirstPacketMs > 0).Select(p => ((double)p.ServicePorts, p.FirstPacketMs, 0.0)).ToList())))
            .ToList();
        SweepLineChart.Write(Path.Combine(chartsDir, "proxy-sync"), $"{scenario}: Service proxy sync time", "Service ports programmed", "ms", false, series);
    }

    /// <summary>A run with events: each group's transactions/s (Gbit/s for streams) over time, a marker per scenario event.</summary>
    private static void WriteTimeline(string chartsDir, string scenario, RunTables r, bool single)
    {
        bool transactions = r.Throughput.Any(t => t.TransactionsPerSecond > 0);
        var series = r.Throughput.GroupBy(t => t.Group).Select(g => (g.Key,
            (IReadOnlyList<(double, double)>)g.Select(t => (t.ToMs, transactions ? t.TransactionsPerSecond : t.GoodputGbps)).ToList())).ToList();
        // A marker per timeline entry: the scenario's events with their node, the control plane's steps by kind.
        // A pod's intermediate start steps (sandbox, CNI ADD, agent, container) stay in events.csv only.
        var markers = r.Events.Where(e => ScenarioEventKinds.Contains(e.Kind)).Select(e => (e.AtMs, $"{e.Kind} {e.Target}"))
            .Concat(r.Events.Where(e => !ScenarioEventKinds.Contains(e.Kind) && !PodStartSteps.Contains(e.Kind)).Select(e => (e.AtMs, e.Kind))).ToList();
        TimelineChart.Write(Path.Combine(chartsDir, single ? "timeline" : $"timeline-{Slug(r.Datapath)}"), $"{scenario} over {r.Datapath}: traffic and events",
            transactions ? "transactions/s" : "goodput (Gbit/s)", series, markers);
    }

    private static readonly HashSet<string> PodStartSteps = new(["pod_create", "cni_add", "agent_programmed", "container_started"], StringComparer.Ordinal);

    private static readonly HashSet<string> ScenarioEventKinds = new(NetSim.Topologies.Scenarios.Model.ClusterEvent.Kinds, StringComparer.Ordinal);

    /// <summary>The metrics compare draws as overhead bars (the rest are in compare.csv).</summary>
    public static readonly IReadOnlyList<Metric> ChartedOverheads =
        [Metrics.Goodput, Metrics.TransactionsPerSecond, Metrics.P50, Metrics.P99, Metrics.P999, Metrics.ConnectP50, Metrics.Retransmissions, Metrics.CpuPerGbit, Metrics.BusyCores];

    /// <summary>One bar chart per traffic group and metric: each datapath's value, labelled with its change against the baseline.</summary>
    public static void WriteComparisonCharts(string chartsDir, string scenario, IReadOnlyList<NetSim.Reporting.Records.ComparisonRow> rows, string baseline)
    {
        foreach (var key in rows.Select(r => (r.Group, r.Metric)).Distinct())
        {
            var metric = Metrics.Find(key.Metric);
            if (metric is null || !ChartedOverheads.Contains(metric)) continue;
            var values = rows.Where(r => r.Group == key.Group && r.Metric == key.Metric).Select(r => (r.Datapath, r.Value)).ToList();
            if (values.All(v => v.Value == 0)) continue;
            bool run = key.Group == Metrics.RunGroup;
            OverheadBarChart.Write(Path.Combine(chartsDir, run ? $"overhead-{key.Metric}" : $"overhead-{Slug(key.Group)}-{key.Metric}"),
                run ? $"{scenario}: {metric.Label} against {baseline}" : $"{scenario}, {key.Group}: {metric.Label} against {baseline}",
                $"{metric.Label} ({metric.Unit})", values, baseline);
        }
    }

    private static List<(double, double)> Points(RunTables r, string group) =>
        r.Cdf.Where(c => c.Group == group).Select(c => (c.LatencyUs, c.Fraction)).ToList();

    /// <summary>A name safe in a file name: letters, digits, '-', '_' and '.'; anything else becomes '-'.</summary>
    public static string Slug(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        string s = new string(chars).Trim('-', '.');
        return s.Length == 0 ? "unnamed" : s;
    }
}
