using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// Splits a built cluster across threads for one run: nodes (with the nodes they share cores with), external hosts
/// and fabric switches are dealt to partitions in order, balanced by weight; the crossings are the fabric wires whose
/// ends fell in different partitions (the static lookahead is their shortest transit; a backlogged one promises more).
/// Nodes only meet across the fabric's wires, so every event one partition causes in another is at least that far ahead
/// (the engine checks it on every event).
/// </summary>
public static class ClusterPartitioner
{
    /// <summary>
    /// A switch's work in nodes' worth per port: one event per frame (its arrival; the forwarding latency and the
    /// egress wire need none since a wire schedules only arrivals), where it once ran three and weighed 0.67 of a node
    /// per port on bench/parallel's all-to-all-16 (40 % of the events): a third of that (bench/RESULTS.md).
    /// </summary>
    private const double NodesOfWorkPerPort = 2.0 / 9;

    /// <summary>Why the scenario cannot be split across threads (null when it can), said before anything runs.</summary>
    public static string? Refusal(Scenario s, Simulation.RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(options);
        if (s.Events.Count > 0) return "its events (node failures, rollouts) change several nodes at one instant";
        if (s.Cluster.DhcpServer is not null) return "its DHCP server answers every node's daemon (cluster.dhcp_server)";
        if (s.Cluster.Fabric.IsVethPair) return "its two nodes are joined by a veth pair, not by a wire with a delay";
        if (s.Traffic.Any(t => t.Kind == "replay")) return "a trace replay starts clients on several nodes from one timer";
        if (options.PcapPattern is not null) return "pcap captures write from every node into shared files";
        return null;
    }

    /// <summary>The plan for <paramref name="threads"/> partitions; gives the switches node ids after the hosts'.</summary>
    public static Partitioning Plan(BuiltCluster cluster, int threads)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var hosts = cluster.Nodes.Concat(cluster.Externals).ToList();
        var switches = cluster.Context.Fabric.Switches;
        int nextId = hosts.Max(n => n.Context.Id) + 1;
        foreach (var sw in switches) sw.NodeId = nextId++;
        // Units that must stay together: nodes on one machine's cores (shared_cpu) share their CPU model.
        var units = new List<(List<int> Ids, double Weight)>();
        foreach (var g in hosts.GroupBy(n => n.Context.Cpu, ReferenceEqualityComparer.Instance))
            units.Add((g.Select(n => n.Context.Id).ToList(), g.Count()));
        foreach (var sw in switches) units.Add(([sw.NodeId], Math.Max(1, sw.Ports.Count * NodesOfWorkPerPort)));
        int count = Math.Max(1, Math.Min(threads, units.Count));
        var partitionOf = new int[nextId];
        double total = units.Sum(u => u.Weight), done = 0;
        foreach (var (ids, weight) in units)
        {
            int p = Math.Min(count - 1, (int)(done * count / total));
            foreach (int id in ids) partitionOf[id] = p;
            done += weight;
        }
        var crossings = Crossings(cluster.Context.Fabric.Links, partitionOf);
        long lookahead = crossings.Count == 0 ? long.MaxValue / 4 // nothing crosses: windows as long as the run
            : crossings.Min(c => ((LinkChannel)c.Crossing).MinimumTransitPs);
        return new Partitioning(partitionOf, count, lookahead, crossings);
    }

    /// <summary>Each fabric wire direction whose ends fell in different partitions, with its sender's partition.</summary>
    private static List<(int From, IPartitionCrossing Crossing)> Crossings(IReadOnlyList<Link> links, int[] partitionOf)
    {
        var crossings = new List<(int, IPartitionCrossing)>();
        foreach (var link in links)
            foreach (var end in new[] { link.A, link.B })
            {
                LinkChannel c = end.Outbound;
                int from = partitionOf[c.From.NodeId];
                if (from != partitionOf[c.To.NodeId]) crossings.Add((from, c));
            }
        return crossings;
    }
}
