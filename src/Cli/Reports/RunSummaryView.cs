using NetSim.Engine.Core;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>
/// The printed summary of one run: per traffic group throughput, latency percentiles, transactions/s,
/// retransmissions and drops; drops by reason; CPU per node with its busiest elements; and one line on the
/// simulator itself (simulated and wall time, events, events/s, peak memory), with the conservation check.
/// </summary>
public static class RunSummaryView
{
    public static void Write(IAnsiConsole console, RunTables t)
    {
        var r = t.Result;
        console.MarkupLine($"[bold]{Fmt.Escape(r.Scenario)}[/] over [bold]{Fmt.Escape(t.Datapath)}[/], kube-proxy {Fmt.Escape(r.KubeProxyMode)}, " +
                           $"seed {r.Seed}, measured {SimTime.FromPicoseconds(r.MeasuredFromPs)} to {SimTime.FromPicoseconds(r.MeasuredToPs)}");
        console.Write(TrafficTable(t));
        if (t.Drops.Count > 0)
        {
            var drops = new Table().Title("drops by reason").AddColumn("reason").AddColumn(new TableColumn("packets").RightAligned());
            foreach (var d in t.Drops.OrderByDescending(d => d.Packets)) drops.AddRow(Fmt.Escape(d.Reason), Fmt.Count(d.Packets));
            console.Write(drops);
        }
        console.Write(NodesTable(t));
        console.WriteLine(SimulatorLine(t.Info));
        console.MarkupLine(r.Conservation.Holds
            ? $"packet conservation: {Fmt.Escape(r.Conservation.ToString())}"
            : $"[red bold]packet conservation: {Fmt.Escape(r.Conservation.ToString())}[/]");
        console.MarkupLine(r.Invariants.Holds
            ? $"physical invariants: {Fmt.Escape(r.Invariants.ToString())}"
            : $"[red bold]physical invariants broken: {Fmt.Escape(r.Invariants.ToString())}[/]");
        foreach (string note in r.Notes) console.MarkupLine($"note: {Fmt.Escape(note)}");
    }

    private static Table TrafficTable(RunTables t)
    {
        var table = new Table().Title("traffic").AddColumn("group").AddColumn("kind").AddColumn("from → to");
        foreach (string h in new[] { "throughput Gbit/s", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "transactions/s", "retransmissions", "drops" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var (g, s) in t.Result.Groups.Zip(t.Summary))
        {
            bool latency = g.Application.TransactionLatency.Count > 0;
            table.AddRow(Fmt.Escape(g.Name), Fmt.Escape(g.Kind), Fmt.Escape($"{g.From} → {g.To}"), Fmt.Number(s.GoodputGbps),
                latency ? Fmt.Number(s.P50Us) : "—", latency ? Fmt.Number(s.P90Us) : "—", latency ? Fmt.Number(s.P99Us) : "—",
                latency ? Fmt.Number(s.P999Us) : "—", latency ? Fmt.Number(s.TransactionsPerSecond) : "—", Fmt.Count(s.Retransmissions), Fmt.Count(s.Drops));
        }
        return table;
    }

    private static Table NodesTable(RunTables t)
    {
        double cpuPerGbit = t.Summary.Count > 0 ? t.Summary[0].CpuUsPerGbit : 0;
        var table = new Table().Title(cpuPerGbit > 0 ? $"CPU per node ({Fmt.Number(cpuPerGbit)} CPU µs per Gbit delivered)" : "CPU per node")
            .AddColumn("node").AddColumn(new TableColumn("cores").RightAligned()).AddColumn(new TableColumn("busy cores").RightAligned())
            .AddColumn(new TableColumn("busiest core").RightAligned()).AddColumn("top elements (share of the node's CPU)");
        foreach (var n in t.Nodes)
        {
            string top = string.Join(", ", t.Cpu.Where(c => c.Node == n.Node && c.CpuUs > 0).OrderByDescending(c => c.CpuUs).Take(3)
                .Select(c => $"{c.Element} {Fmt.Percent(c.ShareOfNode)}"));
            table.AddRow(Fmt.Escape(n.Node), n.Cores.ToString(System.Globalization.CultureInfo.InvariantCulture), Fmt.Number(n.BusyCores),
                Fmt.Percent(n.MaxCoreUtilisation), Fmt.Escape(top));
        }
        return table;
    }

    /// <summary>"simulator: 1.000 s simulated in 2.31 s wall (0.43x real time), 12,345,678 events, 5.34 M events/s, peak memory 312 MiB".</summary>
    public static string SimulatorLine(NetSim.Reporting.Records.RunInfo i) =>
        $"simulator: {Fmt.Seconds(i.SimulatedSeconds)} s simulated in {Fmt.Seconds(i.WallSeconds)} s wall" +
        (i.WallSeconds > 0 ? $" ({Fmt.Number(i.SimulatedSeconds / i.WallSeconds)}x real time)" : "") +
        $", {Fmt.Count(i.Events)} events, {Fmt.Number(i.EventsPerSecond / 1e6)} M events/s, peak memory {Fmt.Number(i.PeakMemoryMiB)} MiB, fingerprint {i.Fingerprint}";
}
