using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests.Fixtures;

/// <summary>
/// A test double for NIC + cable: a frame handed to one end arrives at the other device's receive entry after a
/// fixed delay, with no CPU cost; ARP on the link is answered by the other device. Optionally records frames.
/// </summary>
public sealed class TestWire : ILinkNeighbourResolver
{
    private readonly End _ab;
    private readonly End _ba;

    public TestWire(PhysicalDevice a, PhysicalDevice b, long delayPs = 0)
    {
        A = a;
        B = b;
        _ab = new End(a.Node, $"wire {a.Name}→{b.Name}", b, delayPs, this);
        _ba = new End(b.Node, $"wire {b.Name}→{a.Name}", a, delayPs, this);
        a.TransmitTo = _ab;
        b.TransmitTo = _ba;
        a.Link = this;
        b.Link = this;
    }

    public PhysicalDevice A { get; }
    /// <summary>Whether frames are recorded (off for allocation measurements: the lists grow).</summary>
    public bool Record { get; set; } = true;
    public PhysicalDevice B { get; }
    /// <summary>Frame lengths carried, in order (both directions).</summary>
    public List<int> FrameLengths { get; } = new();
    public List<int> OuterIpLengths { get; } = new();
    /// <summary>UDP source port of each frame's outermost UDP header (0 when none).</summary>
    public List<ushort> OuterUdpSourcePorts { get; } = new();
    public List<ushort> GsoSizes { get; } = new();
    /// <summary>Whether each frame's outermost UDP header carries a zero checksum (false when it has none).</summary>
    public List<bool> OuterUdpZeroChecksums { get; } = new();
    /// <summary>Mark every frame as one the receiving NIC's GRO refused (a zero-checksum tunnel on a kernel before 5.12).</summary>
    public bool RefuseGro { get; set; }
    /// <summary>The WireGuard counter (nonce) of each frame that carries a data message, in wire order.</summary>
    public List<ulong> WireGuardCounters { get; } = new();

    public bool TryResolve(PhysicalDevice asking, Ipv4Address target, MacAddress requester, out MacAddress mac) =>
        (asking == A ? B : A).AnswerArp(target, requester, out mac);

    private sealed class End(NodeContext node, string name, PhysicalDevice to, long delayPs, TestWire wire) : PacketElement(node, name)
    {
        public override void Receive(Packet packet)
        {
            if (wire.Record)
            {
                wire.FrameLengths.Add(packet.Length);
                wire.OuterIpLengths.Add(packet.Ipv4Length);
                wire.OuterUdpSourcePorts.Add(packet.Has(HeaderKind.Udp) ? packet.Udp.SourcePort : (ushort)0);
                wire.GsoSizes.Add(packet.GsoSize);
                wire.OuterUdpZeroChecksums.Add(packet.Has(HeaderKind.Udp) && packet.Udp.ZeroChecksum);
                int wg = packet.IndexOfOuter(HeaderKind.WireGuard);
                if (wg >= 0) wire.WireGuardCounters.Add(packet.Layer(wg).WireGuard.Counter);
            }
            if (wire.RefuseGro) packet.GroRefused = true;
            Node.Sim.ScheduleAtPicoseconds(Node.Sim.NowPicoseconds + delayPs, to.RxEntry, EventKinds.FrameArrival, 0, packet, to.Node.Id);
        }
    }
}
