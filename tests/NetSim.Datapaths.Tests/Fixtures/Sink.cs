using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests.Fixtures;

/// <summary>What a sink saw of one packet.</summary>
public sealed record Arrival(long At, long CreatedAt, int Ipv4Length, Ipv4Header Ip, ushort SourcePort, ushort DestinationPort,
    HeaderKind Transport, TcpFlags TcpFlags, IcmpHeader Icmp, uint Mark, int Layers, int FlowId);

/// <summary>A protocol receiver that records every packet, lets the test react (reply), then delivers it.</summary>
public sealed class Sink : PacketElement
{
    public Sink(NodeContext node, string name) : base(node, name) { }

    public List<Arrival> Arrivals { get; } = new();
    /// <summary>Called before the packet is delivered (to craft replies).</summary>
    public Action<Packet>? OnPacket { get; set; }

    public override void Receive(Packet packet)
    {
        int ip = packet.IndexOfOuter(HeaderKind.Ipv4);
        ushort sp = 0, dp = 0;
        HeaderKind kind = ip > 0 ? packet.Layer(ip - 1).Kind : HeaderKind.None;
        TcpFlags flags = TcpFlags.None;
        IcmpHeader icmp = default;
        if (kind == HeaderKind.Tcp) { sp = packet.Layer(ip - 1).Tcp.SourcePort; dp = packet.Layer(ip - 1).Tcp.DestinationPort; flags = packet.Layer(ip - 1).Tcp.Flags; }
        if (kind == HeaderKind.Udp) { sp = packet.Layer(ip - 1).Udp.SourcePort; dp = packet.Layer(ip - 1).Udp.DestinationPort; }
        if (kind == HeaderKind.Icmp) icmp = packet.Layer(ip - 1).Icmp;
        Arrivals.Add(new Arrival(Node.Sim.NowPicoseconds, packet.CreatedAt, packet.Ipv4Length, packet.Ipv4, sp, dp, kind, flags, icmp,
            packet.Mark, packet.LayerCount, packet.FlowId));
        OnPacket?.Invoke(packet);
        Node.Pool.Deliver(packet);
    }
}
