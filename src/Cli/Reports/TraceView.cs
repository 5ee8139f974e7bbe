using NetSim.Reporting.Records;
using NetSim.Topologies.Simulation;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>
/// The walk of a traced exchange, hop by hop: per packet a table of node, element, what it did (DNAT, encap,
/// route lookup...), the CPU, queueing and wire time of the hop, the time since the previous hop and the latency so
/// far; then where the packet's time went in total. Made to be put on a projector.
/// </summary>
public static class TraceView
{
    public static void Write(IAnsiConsole console, TraceResult t, string protocol, ushort port)
    {
        console.MarkupLine($"[bold]trace[/] {Fmt.Escape(t.From)} → {Fmt.Escape(t.To)} over [bold]{Fmt.Escape(t.Datapath)}[/] ({Fmt.Escape(protocol)}{(port > 0 ? $" port {port}" : "")})");
        for (int i = 0; i < t.Packets.Count; i++)
        {
            var p = t.Packets[i];
            var table = new Table().Title($"{i + 1}. {Fmt.Escape(p.What)}: {p.WireBytes} bytes on the wire, sent at {Fmt.Us(p.SentAtPs)} µs")
                .AddColumn(new TableColumn("#").RightAligned()).AddColumn("node").AddColumn("element").AddColumn("what it did");
            foreach (string h in new[] { "CPU µs", "queue µs", "wire µs", "+µs", "latency µs" }) table.AddColumn(new TableColumn(h).RightAligned());
            long previous = p.SentAtPs, cpu = 0, queue = 0, wire = 0;
            for (int h = 0; h < p.Hops.Count; h++)
            {
                var hop = p.Hops[h];
                table.AddRow((h + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Fmt.Escape(hop.Node), Fmt.Escape(hop.Element),
                    Fmt.Escape(hop.Action), Fmt.Us(hop.CpuPs), Fmt.Us(hop.QueuePs), Fmt.Us(hop.WirePs), Fmt.Us(hop.At - previous), Fmt.Us(hop.At - p.SentAtPs));
                previous = hop.At;
                (cpu, queue, wire) = (cpu + hop.CpuPs, queue + hop.QueuePs, wire + hop.WirePs);
            }
            long total = p.Hops.Count > 0 ? p.Hops[^1].At - p.SentAtPs : 0;
            table.AddRow("", "", "", "[bold]total[/]", $"[bold]{Fmt.Us(cpu)}[/]", $"[bold]{Fmt.Us(queue)}[/]", $"[bold]{Fmt.Us(wire)}[/]", "", $"[bold]{Fmt.Us(total)}[/]");
            console.Write(table);
            if (total > 0)
                console.WriteLine($"   {p.What}: {Fmt.Us(total)} µs one way = CPU {Share(cpu, total)}, queueing {Share(queue, total)}, wire {Share(wire, total)}" +
                                  (total - cpu - queue - wire > 0 ? $", other {Share(total - cpu - queue - wire, total)}" : ""));
        }
        if (t.RoundTripPs > 0) console.MarkupLine($"[bold]round trip: {Fmt.Us(t.RoundTripPs)} µs[/]");
    }

    private static string Share(long part, long total) =>
        $"{Fmt.Us(part)} µs ({Fmt.Percent(part / (double)total)})";

    public static IReadOnlyList<TraceHopRow> Rows(TraceResult t) =>
        t.Packets.SelectMany((p, i) => p.Hops.Select((h, k) => new TraceHopRow(t.Datapath, i + 1, p.What, k + 1, h.Node, h.Element, h.Action,
            h.CpuPs / 1e3, h.QueuePs / 1e3, h.WirePs / 1e3, (h.At - p.SentAtPs) / 1e6))).ToList();
}
