using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests.Fixtures;

/// <summary>One simulation (simulator, pool, cost profile) with helpers to build nodes, send packets and check conservation.</summary>
public sealed class TestBed
{
    public TestBed(CostProfile? costs = null) => Costs = costs ?? TestCosts.Profile;

    public Simulator Sim { get; } = new();
    public PacketPool Pool { get; } = new();
    public CostProfile Costs { get; }
    public List<NodeContext> Nodes { get; } = new();
    public List<Sink> Sinks { get; } = new();

    public NodeContext Node(string name, int cores = 1)
    {
        var node = new NodeContext(Sim, Pool, Costs, Nodes.Count, name, cores);
        Nodes.Add(node);
        return node;
    }

    public Packet Udp(string src, string dst, ushort sport, ushort dport, int payload = 100, bool df = false, byte ttl = 0)
    {
        Packet p = Pool.Rent();
        p.PayloadLength = payload;
        p.FlowId = 1;
        ref UdpHeader u = ref p.PushUdp();
        u.SourcePort = sport;
        u.DestinationPort = dport;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = Ipv4Address.Parse(src);
        ip.Destination = Ipv4Address.Parse(dst);
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.DontFragment = df;
        ip.Ttl = ttl;
        return p;
    }

    public Packet Tcp(string src, string dst, ushort sport, ushort dport, TcpFlags flags, int payload = 0, uint seq = 0, uint ack = 0)
    {
        Packet p = Pool.Rent();
        p.PayloadLength = payload;
        p.FlowId = 2;
        ref TcpHeader t = ref p.PushTcp();
        t.SourcePort = sport;
        t.DestinationPort = dport;
        t.Flags = flags;
        t.SequenceNumber = seq;
        t.AcknowledgmentNumber = ack;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = Ipv4Address.Parse(src);
        ip.Destination = Ipv4Address.Parse(dst);
        ip.Protocol = Ipv4Header.ProtocolTcp;
        ip.DontFragment = true;
        return p;
    }

    public Packet Ping(string src, string dst, ushort id, int payload = 56)
    {
        Packet p = Pool.Rent();
        p.PayloadLength = payload;
        ref IcmpHeader i = ref p.PushIcmp();
        i.Type = IcmpHeader.EchoRequest;
        i.Identifier = id;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = Ipv4Address.Parse(src);
        ip.Destination = Ipv4Address.Parse(dst);
        ip.Protocol = Ipv4Header.ProtocolIcmp;
        return p;
    }

    /// <summary>A socket hands <paramref name="p"/> to ip_local_out of <paramref name="ns"/> at <paramref name="atPs"/>.</summary>
    public void SendAt(long atPs, NetworkNamespace ns, Packet p)
    {
        p.CreatedAt = atPs;
        Sim.ScheduleAtPicoseconds(atPs, ns.LocalOut, EventKinds.PacketArrival, 0, p, ns.Node.Id);
    }

    /// <summary>Injects a frame into an element (a device's receive entry) at <paramref name="atPs"/>.</summary>
    public void InjectAt(long atPs, PacketElement into, Packet p)
    {
        p.CreatedAt = atPs;
        Sim.ScheduleAtPicoseconds(atPs, into, EventKinds.PacketArrival, 0, p, into.Node.Id);
    }

    public void Run() => Sim.Run();

    public void RunUntil(long ps) => Sim.RunUntil(new SimTime(ps));

    public Sink Sink(NetworkNamespace ns, byte protocol, string name = "sink")
    {
        var sink = new Sink(ns.Node, ns.Name + "/" + name);
        ns.RegisterProtocol(protocol, sink);
        Sinks.Add(sink);
        return sink;
    }

    /// <summary>sent = delivered + dropped + absorbed + in flight, and in flight is only what holders keep.</summary>
    public ConservationReport AssertConservation()
    {
        var holders = new List<IPacketHolder>();
        foreach (var n in Nodes) holders.AddRange(n.Holders);
        ConservationReport r = PacketConservation.Check(Sim, Pool, holders);
        Assert.True(r.Holds, r.ToString());
        Assert.Equal(Pool.Outstanding, r.InFlight);
        return r;
    }
}
