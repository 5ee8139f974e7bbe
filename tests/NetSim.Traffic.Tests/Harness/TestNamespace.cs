using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Traffic.Tests.Harness;

/// <summary>
/// A network-namespace double with one address and one egress (a test wire): ip_local_out charges ip.output and
/// sends everything not local to the wire; ip_rcv charges ip.receive and hands the packet to the protocol
/// registered for it. Local destinations loop back.
/// </summary>
public sealed class TestNamespace : INetworkNamespace
{
    private readonly PacketElement?[] _protocols = new PacketElement?[256];

    public TestNamespace(NodeContext node, string name, Ipv4Address address, int mtu)
    {
        Node = node;
        Name = name;
        Address = address;
        Mtu = mtu;
        LocalOut = new IpOutput(this);
        Ingress = new IpInput(this);
    }

    public NodeContext Node { get; }
    public string Name { get; }
    public Ipv4Address Address { get; }
    public int Mtu { get; set; }
    public PacketElement LocalOut { get; }
    /// <summary>Where frames from the wire enter this namespace.</summary>
    public PacketElement Ingress { get; }
    /// <summary>The core received packets are processed on (a NIC's RX queue interrupt affinity); -1 keeps the sender's.</summary>
    public int RxCore { get; set; } = -1;
    /// <summary>The wire toward the peer; null means "no route" for every remote address.</summary>
    public PacketElement? Egress { get; set; }

    public void RegisterProtocol(byte protocol, PacketElement receiver) => _protocols[protocol] = receiver;

    public bool TryResolveRoute(Ipv4Address destination, out Ipv4Address source, out int mtu)
    {
        source = Address;
        if (destination == Address)
        {
            mtu = 65536; // loopback
            return true;
        }
        mtu = Mtu;
        return Egress is not null;
    }

    public bool IsLocalAddress(Ipv4Address address) => address == Address;

    internal PacketElement? ProtocolHandler(byte protocol) => _protocols[protocol];

    private sealed class IpOutput : PacketElement
    {
        private readonly TestNamespace _ns;
        private readonly Cost _cost;

        public IpOutput(TestNamespace ns) : base(ns.Node, "ip_output")
        {
            _ns = ns;
            _cost = ns.Node.Costs[CostKeys.IpOutput];
        }

        public override void Receive(Packet packet)
        {
            ref Ipv4Header ip = ref packet.Ipv4;
            if (ip.Source == Ipv4Address.Any) ip.Source = _ns.Address;
            if (ip.Destination == _ns.Address) Work(packet, _cost, _ns.Ingress);
            else if (_ns.Egress is { } egress) Work(packet, _cost, egress);
            else Drop(packet, DropReason.NoRoute);
        }
    }

    private sealed class IpInput : PacketElement
    {
        private readonly TestNamespace _ns;
        private readonly Cost _cost;

        public IpInput(TestNamespace ns) : base(ns.Node, "ip_rcv")
        {
            _ns = ns;
            _cost = ns.Node.Costs[CostKeys.IpReceive];
        }

        public override void Receive(Packet packet)
        {
            ref Ipv4Header ip = ref packet.Ipv4;
            if (ip.Destination != _ns.Address)
            {
                Drop(packet, DropReason.NotForThisHost);
                return;
            }
            if (_ns.RxCore >= 0) packet.Core = _ns.RxCore;
            PacketElement? handler = _ns.ProtocolHandler(ip.Protocol);
            if (handler is null) Drop(packet, DropReason.NoListener);
            else Work(packet, _cost, handler);
        }
    }
}
