using NetSim.Reporting.Records;
using NetSim.Topologies.Simulation;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>
/// The walk of a traced exchange, hop by hop: per packet a table of node, element, what it did (DNAT, encap,
/// route lookup...), the CPU (or wire) and queueing time of the hop and when it finished (the latency so far; the
/// gaps between hops are waiting); then where the packet's time went in total. Made to be put on a projector.
/// </summary>
public static class TraceView
{
    public static void Write(IAnsiConsole console, TraceResult t, string protocol, ushort port)
    {
        Fmt.Line(console, $"trace {t.From} → {t.To} over {t.Datapath} ({protocol}{(port > 0 ? $" port {port}" : "")})", new Style(decoration: Decoration.Bold));
        for (int i = 0; i < t.Packets.Count; i++)
        {
            var p = t.Packets[i];
            Fmt.Line(console, $"{i + 1}. {p.What}: {p.WireBytes} bytes on the wire, sent at {Fmt.Us(p.SentAtPs)} µs", new Style(decoration: Decoration.Bold));
            var table = new Table().AddColumn(new TableColumn("#").RightAligned()).AddColumn("node").AddColumn("element").AddColumn("what it did");
            foreach (string h in new[] { "CPU or\nwire µs", "queue\nµs", "at\nµs" }) table.AddColumn(new TableColumn(h).RightAligned());
            long cpu = 0, queue = 0, wire = 0;
            for (int h = 0; h < p.Hops.Count; h++)
            {
                var hop = p.Hops[h];
                // A hop works on a core or occupies the wire, never both: one column holds either.
                table.AddRow(Fmt.Plain((h + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), Fmt.Plain(h > 0 && p.Hops[h - 1].Node == hop.Node ? "" : hop.Node),
                    Fmt.Plain(hop.Element), Fmt.Plain(hop.Action), Fmt.Plain(Fmt.Us(hop.CpuPs + hop.WirePs)), Fmt.Plain(Fmt.Us(hop.QueuePs)),
                    Fmt.Plain(Fmt.Us(hop.At - p.SentAtPs)));
                (cpu, queue, wire) = (cpu + hop.CpuPs, queue + hop.QueuePs, wire + hop.WirePs);
            }
            long total = p.Hops.Count > 0 ? p.Hops[^1].At - p.SentAtPs : 0;
            table.AddRow("", "", "", "[bold]total[/]", $"[bold]{Fmt.Us(cpu + wire)}[/]", $"[bold]{Fmt.Us(queue)}[/]", $"[bold]{Fmt.Us(total)}[/]");
            console.Write(table);
            if (total > 0)
                Fmt.Line(console, $"   {p.What}: {Fmt.Us(total)} µs one way = CPU {Share(cpu, total)}, queueing {Share(queue, total)}, wire {Share(wire, total)}" +
                                  (total - cpu - queue - wire > 0 ? $", waiting {Share(total - cpu - queue - wire, total)}" : ""));
        }
        if (t.RoundTripPs > 0) Fmt.Line(console, $"round trip: {Fmt.Us(t.RoundTripPs)} µs", new Style(decoration: Decoration.Bold));
    }

    private static string Share(long part, long total) =>
        $"{Fmt.Us(part)} µs ({Fmt.Percent(part / (double)total)})";

    public static IReadOnlyList<TraceHopRow> Rows(TraceResult t) =>
        t.Packets.SelectMany((p, i) => p.Hops.Select((h, k) => new TraceHopRow(t.Datapath, i + 1, p.What, k + 1, h.Node, h.Element, h.Action,
            h.CpuPs / 1e3, h.QueuePs / 1e3, h.WirePs / 1e3, (h.At - p.SentAtPs) / 1e6))).ToList();
}
