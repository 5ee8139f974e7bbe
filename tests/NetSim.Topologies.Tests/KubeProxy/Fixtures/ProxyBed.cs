using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Tests.KubeProxy.Fixtures;

/// <summary>One simulation with packet builders, injection and the conservation check.</summary>
public sealed class ProxyBed
{
    public ProxyBed(CostProfile? costs = null) => Costs = costs ?? ProxyCosts.Profile;

    public Simulator Sim { get; } = new();
    public PacketPool Pool { get; } = new();
    public CostProfile Costs { get; }
    public List<NodeContext> Nodes { get; } = new();

    public NodeContext Node(string name)
    {
        var node = new NodeContext(Sim, Pool, Costs, Nodes.Count, name, 1);
        Nodes.Add(node);
        return node;
    }

    public Packet Udp(Ipv4Address dst, ushort sport, ushort dport, int payload = 64)
    {
        Packet p = Pool.Rent();
        p.PayloadLength = payload;
        ref UdpHeader u = ref p.PushUdp();
        u.SourcePort = sport;
        u.DestinationPort = dport;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Destination = dst;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        return p;
    }

    public Packet Tcp(Ipv4Address dst, ushort sport, ushort dport, TcpFlags flags, uint seq = 1, uint ack = 0, Ipv4Address src = default)
    {
        Packet p = Pool.Rent();
        ref TcpHeader t = ref p.PushTcp();
        t.SourcePort = sport;
        t.DestinationPort = dport;
        t.Flags = flags;
        t.SequenceNumber = seq;
        t.AcknowledgmentNumber = ack;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = src;
        ip.Destination = dst;
        ip.Protocol = Ipv4Header.ProtocolTcp;
        ip.DontFragment = true;
        return p;
    }

    /// <summary>A socket of <paramref name="ns"/> sends <paramref name="p"/> (ip_local_out) at <paramref name="atPs"/>.</summary>
    public void SendAt(long atPs, NetworkNamespace ns, Packet p)
    {
        p.CreatedAt = atPs;
        Sim.ScheduleAtPicoseconds(atPs, ns.LocalOut, EventKinds.PacketArrival, 0, p, ns.Node.Id);
    }

    public void Send(NetworkNamespace ns, Packet p) => SendAt(Sim.NowPicoseconds, ns, p);

    /// <summary>Runs one simulated second past now (not to quiescence: the bridges' FDB ageing timer fires at 300 s).</summary>
    public void Run() => Sim.RunUntil(new SimTime(Sim.NowPicoseconds + SimTime.PicosPerSecond));

    /// <summary>Sends and runs to quiescence; returns the CPU the node of <paramref name="cpuOf"/> spent meanwhile.</summary>
    public long SendAndMeasure(NetworkNamespace ns, Packet p, NodeContext cpuOf)
    {
        long before = cpuOf.Cpu.TotalBusyPs;
        Send(ns, p);
        Run();
        return cpuOf.Cpu.TotalBusyPs - before;
    }

    /// <summary>sent = delivered + dropped + absorbed + in flight, with nothing in flight.</summary>
    public void AssertConservation()
    {
        var holders = new List<IPacketHolder>();
        foreach (var n in Nodes) holders.AddRange(n.Holders);
        ConservationReport r = PacketConservation.Check(Sim, Pool, holders);
        Assert.True(r.Holds, r.ToString());
        Assert.Equal(Pool.Outstanding, r.InFlight);
    }
}
