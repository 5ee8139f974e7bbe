using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Links;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Tests.Links;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Nics;

/// <summary>Two nodes, each with a NIC, on one link; node B's NIC hands packets to a recording sink.</summary>
internal sealed class NicRig
{
    public const long XmitNs = 300, ReceiveNs = 200, GsoSegmentNs = 100, GroMergeNs = 50;

    public NicRig(NicSpec? specA = null, NicSpec? specB = null, long gbps = 100, long coalesceNs = 0,
        long txLatencyNs = 0, long rxLatencyNs = 0, long propagationNs = 0, int coresB = 1, long checksumFsPerByte = 0,
        InterruptModeration? moderation = null)
    {
        var costs = new CostProfile("nic-test", new Dictionary<string, Cost>
        {
            [CostKeys.NicXmit.Name] = new(XmitNs * 1000, 0),
            [CostKeys.NicReceive.Name] = new(ReceiveNs * 1000, 0),
            [CostKeys.GsoSegment.Name] = new(GsoSegmentNs * 1000, 0),
            [CostKeys.GroMerge.Name] = new(GroMergeNs * 1000, 0),
            [CostKeys.ChecksumSoftware.Name] = new(0, checksumFsPerByte),
        }, 1m, new Dictionary<string, long>
        {
            [DelayKeys.NicTxLatency.Name] = txLatencyNs * 1000,
            [DelayKeys.NicRxLatency.Name] = rxLatencyNs * 1000,
            [DelayKeys.NicRxCoalescing.Name] = coalesceNs * 1000,
        });
        if (moderation is not null) costs = costs.WithVariability(new CostVariability { Moderation = moderation });
        Sim = new Simulator();
        Pool = new PacketPool();
        A = new NodeContext(Sim, Pool, costs, 1, "a", 1);
        B = new NodeContext(Sim, Pool, costs, 2, "b", coresB);
        Link = new Link(Sim, Pool, new LinkSpec { RateBitsPerSecond = gbps * Gbps, PropagationDelay = new SimTime(propagationNs * 1000), Mtu = 9000 });
        NicA = new Nic(A, "eth0", specA ?? new NicSpec { Mac = MacA });
        NicB = new Nic(B, "eth0", specB ?? new NicSpec { Mac = MacB });
        NicA.DefaultDestination = MacB;
        NicA.Attach(Link.A);
        NicB.Attach(Link.B);
        Sink = new SinkElement(B);
        NicB.ReceiveTarget = Sink;
        NicA.Tap = TapA;
        NicB.Tap = TapB;
    }

    public Simulator Sim { get; }
    public PacketPool Pool { get; }
    public NodeContext A { get; }
    public NodeContext B { get; }
    public Link Link { get; }
    public Nic NicA { get; }
    public Nic NicB { get; }
    public SinkElement Sink { get; }
    public RecordingTap TapA { get; } = new();
    public RecordingTap TapB { get; } = new();

    public long CpuA => A.Cpu.TotalBusyPs;
    public long CpuB => B.Cpu.TotalBusyPs;

    public ConservationReport Conservation() => PacketConservation.Check(Sim, Pool, A.Holders.Concat(B.Holders));
}
