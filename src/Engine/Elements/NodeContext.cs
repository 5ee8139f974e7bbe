using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Cpu;
using NetSim.Engine.Packets;
using NetSim.Engine.Randomness;

namespace NetSim.Engine.Elements;

/// <summary>
/// What every element on one node shares: the simulator, the packet pool, the node's CPU, the cost profile and the
/// node's draws of the profile's variability. The node id is each event's context, so a run could later be
/// partitioned by node.
/// </summary>
public sealed class NodeContext
{
    /// <param name="streams">The run's random streams (the node draws from its own, named after it); without them,
    /// a profile with variability draws from streams of master seed 0.</param>
    public NodeContext(Simulator sim, PacketPool pool, CostProfile costs, int nodeId, string name, int cores, RandomStreams? streams = null)
        : this(sim, pool, costs, nodeId, name, new NodeCpu(cores), streams)
    {
    }

    /// <summary>
    /// A node that runs on cores it shares with other nodes: network namespaces of one machine (ip netns), whose
    /// softirqs and processes all land on that machine's CPUs.
    /// </summary>
    public NodeContext(Simulator sim, PacketPool pool, CostProfile costs, int nodeId, string name, NodeCpu cpu, RandomStreams? streams = null)
    {
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(cpu);
        Sim = sim;
        Pool = pool;
        Costs = costs;
        Id = nodeId;
        Name = name;
        Cpu = cpu;
        Draws = new CostDraws(costs.Variability, Cpu, streams ?? new RandomStreams(0), name);
    }

    public Simulator Sim { get; }
    public PacketPool Pool { get; }
    public CostProfile Costs { get; }
    public int Id { get; }
    public string Name { get; }
    public NodeCpu Cpu { get; }
    /// <summary>Each charge's and wakeup's draw of the profile's variability (unchanged costs with an exact profile).</summary>
    public CostDraws Draws { get; }

    /// <summary>Every element built on this node, for "where the cycles went" reports.</summary>
    public List<PacketElement> Elements { get; } = new();

    /// <summary>Every packet holder on this node (queues, GRO lists), for the conservation check.</summary>
    public List<IPacketHolder> Holders { get; } = new();

    private SoftnetBacklog?[]? _backlogs;
    private RpsSockFlowTable? _rfs;

    /// <summary>The softnet backlog of <paramref name="core"/> (netif_rx's queue to that core's softirq), made on first use.</summary>
    public SoftnetBacklog Backlog(int core)
    {
        _backlogs ??= new SoftnetBacklog?[Cpu.CoreCount];
        int c = (int)((uint)core % (uint)_backlogs.Length);
        return _backlogs[c] ??= new SoftnetBacklog(this, c);
    }

    /// <summary>The softnet backlog of <paramref name="core"/> if one was ever made (null otherwise: nothing was queued there).</summary>
    internal SoftnetBacklog? BacklogIfMade(int core) =>
        _backlogs is null ? null : _backlogs[(int)((uint)core % (uint)_backlogs.Length)];

    /// <summary>RFS's record of where each flow's consuming thread runs (used only when a device steers with RFS).</summary>
    public RpsSockFlowTable RpsSockFlows => _rfs ??= new RpsSockFlowTable();
}
