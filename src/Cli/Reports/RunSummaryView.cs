using NetSim.Engine.Core;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>
/// The printed summary of one run, made to fit 100 columns: per traffic group its throughput, retransmissions and
/// drops; per group with transactions its latency percentiles and transactions/s; drops by reason; CPU per node
/// with its busiest elements; and one line on the simulator itself, with the conservation check. A run with more
/// groups than fit a screen is summarised: the top groups by throughput and by tail latency, the totals of all of
/// them, and a line saying how many more are in the CSV files (which keep every row).
/// </summary>
public static class RunSummaryView
{
    /// <summary>
    /// The most groups a table lists before it summarises: a screen's worth beside the other tables (a choice: a
    /// 50-line terminal shows the traffic and latency tables whole).
    /// </summary>
    public const int MaxGroupRows = 20;

    /// <summary>How many groups a summarised table lists (the top ones), before its totals row.</summary>
    public const int TopGroups = 10;

    public static void Write(IAnsiConsole console, RunTables t, string? outDir = null)
    {
        var r = t.Result;
        Fmt.Line(console, $"{r.Scenario} over {t.Datapath}, kube-proxy {r.KubeProxyMode}, seed {r.Seed}, " +
                          $"measured {SimTime.FromPicoseconds(r.MeasuredFromPs)} to {SimTime.FromPicoseconds(r.MeasuredToPs)}", new Style(decoration: Decoration.Bold));
        console.Write(TrafficTable(t));
        if (t.Summary.Any(s => s.P50Us is not null)) console.Write(LatencyTable(t));
        int groups = t.Summary.Count;
        if (groups > MaxGroupRows)
            Fmt.Line(console, $"{Fmt.Count(groups - TopGroups)} more groups are in {(outDir is null ? "summary.csv and flows.csv (run with --out DIR)" : $"{Path.Combine(outDir, "summary.csv")} and flows.csv")}; the tables show the top {TopGroups} of {Fmt.Count(groups)} and the totals of all", Style.Plain);
        if (t.Drops.Count > 0)
        {
            var drops = new Table().Title("drops by reason").AddColumn("reason").AddColumn(new TableColumn("packets").RightAligned());
            foreach (var d in t.Drops.OrderByDescending(d => d.Packets)) drops.AddRow(Fmt.Plain(d.Reason), Fmt.Plain(Fmt.Count(d.Packets)));
            console.Write(drops);
        }
        console.Write(NodesTable(t));
        Fmt.Line(console, SimulatorLine(t.Info));
        Fmt.Line(console, $"packet conservation: {r.Conservation}", r.Conservation.Holds ? Style.Plain : new Style(Color.Red, decoration: Decoration.Bold));
        Fmt.Line(console, r.Invariants.Holds ? $"physical invariants: {r.Invariants}" : $"physical invariants broken: {r.Invariants}",
            r.Invariants.Holds ? Style.Plain : new Style(Color.Red, decoration: Decoration.Bold));
        foreach (string note in r.Notes) Fmt.Line(console, $"note: {note}");
    }

    private static Table TrafficTable(RunTables t)
    {
        bool summarised = t.Summary.Count > MaxGroupRows;
        var table = new Table().Title(summarised ? $"traffic: the {TopGroups} groups with the most throughput of {Fmt.Count(t.Summary.Count)}" : "traffic")
            .AddColumn("group").AddColumn("kind").AddColumn("from → to");
        foreach (string h in new[] { "throughput\nGbit/s", "retrans-\nmissions", "drops" }) table.AddColumn(TableFit.Column(h, true));
        var rows = t.Result.Groups.Zip(t.Summary).ToList();
        // Most throughput first; ties (all zero in a microsecond run) keep the scenario's order.
        var shown = summarised ? rows.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Second.GoodputGbps).ThenBy(x => x.i).Take(TopGroups).Select(x => x.r) : rows;
        foreach (var (g, s) in shown)
            table.AddRow(Fmt.Plain(g.Name), Fmt.Plain(g.Kind), Fmt.Plain($"{g.From} → {g.To}"), Fmt.Plain(Fmt.Number(s.GoodputGbps)),
                Fmt.Plain(Fmt.Count(s.Retransmissions)), Fmt.Plain(Fmt.Count(s.Drops)));
        if (summarised)
            table.AddRow(Fmt.Plain($"all {Fmt.Count(rows.Count)}"), Fmt.Plain(""), Fmt.Plain(""), Fmt.Plain(Fmt.Number(t.Summary.Sum(s => s.GoodputGbps))),
                Fmt.Plain(Fmt.Count(t.Summary.Sum(s => s.Retransmissions))), Fmt.Plain(Fmt.Count(t.Summary.Sum(s => s.Drops))));
        return table;
    }

    private static Table LatencyTable(RunTables t)
    {
        var withLatency = t.Summary.Where(s => s.P50Us is not null).ToList();
        bool summarised = withLatency.Count > MaxGroupRows;
        var table = new Table().Title(summarised ? $"latency per transaction (µs): the {TopGroups} groups with the longest p99 of {Fmt.Count(withLatency.Count)}" : "latency per transaction (µs)")
            .AddColumn("group");
        foreach (string h in new[] { "p50", "p90", "p99", "p99.9", "transactions/s" }) table.AddColumn(TableFit.Column(h, true));
        var shown = summarised ? withLatency.Select((s, i) => (s, i)).OrderByDescending(x => x.s.P99Us).ThenBy(x => x.i).Take(TopGroups).Select(x => x.s) : withLatency;
        foreach (var s in shown)
            table.AddRow(Fmt.Plain(s.Group), Fmt.Plain(Fmt.Number(s.P50Us)), Fmt.Plain(Fmt.Number(s.P90Us)), Fmt.Plain(Fmt.Number(s.P99Us)),
                Fmt.Plain(Fmt.Number(s.P999Us)), Fmt.Plain(Fmt.Number(s.TransactionsPerSecond)));
        if (summarised)
            table.AddRow(Fmt.Plain($"all {Fmt.Count(withLatency.Count)}"), Fmt.Plain(""), Fmt.Plain(""), Fmt.Plain($"max {Fmt.Number(withLatency.Max(s => s.P99Us))}"),
                Fmt.Plain(""), Fmt.Plain(Fmt.Number(withLatency.Sum(s => s.TransactionsPerSecond ?? 0))));
        return table;
    }

    private static Table NodesTable(RunTables t)
    {
        double? cpuPerGbit = t.Summary.Count > 0 ? t.Summary[0].CpuUsPerGbit : null;
        var table = new Table().Title(cpuPerGbit is { } c ? $"CPU per node ({Fmt.Number(c)} CPU µs per Gbit delivered)" : "CPU per node")
            .AddColumn("node").AddColumn(new TableColumn("cores").RightAligned()).AddColumn(new TableColumn("busy\ncores").RightAligned())
            .AddColumn(new TableColumn("busiest\ncore").RightAligned()).AddColumn("top elements (share of the node's CPU)");
        foreach (var n in t.Nodes)
        {
            string top = string.Join(", ", t.Cpu.Where(c => c.Node == n.Node && c.CpuUs > 0).OrderByDescending(c => c.CpuUs).Take(3)
                .Select(c => $"{c.Element} {Fmt.Percent(c.ShareOfNode)}"));
            table.AddRow(Fmt.Plain(n.Node), Fmt.Plain(n.Cores.ToString(System.Globalization.CultureInfo.InvariantCulture)), Fmt.Plain(Fmt.Number(n.BusyCores)),
                Fmt.Plain(Fmt.Percent(n.MaxCoreUtilisation)), Fmt.Plain(top));
        }
        return table;
    }

    /// <summary>
    /// "wall: 6.52 s for the whole command: parse and check 0.41 s, build 2.10 s, run 0.32 s, collect 0.20 s, report 3.49 s":
    /// the simulator line's wall time is build and run only.
    /// </summary>
    public static string WallLine(CommandPhases p) =>
        $"wall: {Fmt.Seconds(p.Total)} s for the whole command: parse and check {Fmt.Seconds(p.Parse)} s, build {Fmt.Seconds(p.Build)} s, " +
        $"run {Fmt.Seconds(p.Run)} s, collect {Fmt.Seconds(p.Collect)} s, report {Fmt.Seconds(p.Report)} s";

    /// <summary>"simulator: 1.000 s simulated in 2.31 s wall (0.43x real time), 12,345,678 events, 5.34 M events/s, peak memory 312 MiB".</summary>
    public static string SimulatorLine(NetSim.Reporting.Records.RunInfo i) =>
        $"simulator: {Fmt.Seconds(i.SimulatedSeconds)} s simulated in {Fmt.Seconds(i.WallSeconds)} s wall (build and run)" +
        (i.WallSeconds > 0 ? $" ({Fmt.Number(i.SimulatedSeconds / i.WallSeconds)}x real time)" : "") +
        $", {Fmt.Count(i.Events)} events, {Fmt.Number(i.EventsPerSecond / 1e6)} M events/s, peak memory {Fmt.Number(i.PeakMemoryMiB)} MiB, fingerprint {i.Fingerprint}";
}
