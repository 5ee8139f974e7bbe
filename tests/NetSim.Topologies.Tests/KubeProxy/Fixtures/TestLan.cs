using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Tests.KubeProxy.Fixtures;

/// <summary>
/// A test double for a switched LAN: a frame handed to one device's end arrives, with no delay or CPU cost, at the
/// device whose MAC it is addressed to; ARP is answered by whichever other device owns the address.
/// </summary>
public sealed class TestLan : ILinkNeighbourResolver
{
    private readonly List<PhysicalDevice> _devices = new();

    public void Plug(PhysicalDevice device)
    {
        _devices.Add(device);
        device.Link = this;
        device.TransmitTo = new End(device.Node, $"lan from {device}", this);
    }

    public long Frames { get; private set; }

    public bool TryResolve(PhysicalDevice asking, Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        foreach (PhysicalDevice d in _devices)
            if (d != asking && d.AnswerArp(target, requester, out mac)) return true;
        mac = default;
        return false;
    }

    private void Carry(Packet frame, PacketElement from)
    {
        Frames++;
        MacAddress to = frame.Ethernet.Destination;
        foreach (PhysicalDevice d in _devices)
        {
            if (d.Mac != to) continue;
            d.Node.Sim.ScheduleAtPicoseconds(d.Node.Sim.NowPicoseconds, d.RxEntry, EventKinds.FrameArrival, 0, frame, d.Node.Id);
            return;
        }
        from.Node.Pool.Drop(frame, DropReason.NoForwardingEntry);
    }

    private sealed class End(NodeContext node, string name, TestLan lan) : PacketElement(node, name)
    {
        public override void Receive(Packet packet) => lan.Carry(packet, this);
    }
}
