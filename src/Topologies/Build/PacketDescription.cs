using System.Globalization;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Build;

/// <summary>A one-line description of a traced packet: "TCP SYN 10.244.0.2:32768 → 10.244.1.2:12866 (0 B)".</summary>
public static class PacketDescription
{
    public static string Of(Packet p)
    {
        int ip = p.IndexOfInner(HeaderKind.Ipv4);
        if (ip < 0) return $"frame of {p.Length} B";
        ref Ipv4Header h = ref p.Layer(ip).Ipv4;
        string payload = string.Create(CultureInfo.InvariantCulture, $"({p.PayloadLength} B)");
        if (p.IndexOfInner(HeaderKind.Tcp) is int t and >= 0)
        {
            ref TcpHeader tcp = ref p.Layer(t).Tcp;
            return $"TCP {Flags(tcp.Flags)} {h.Source}:{tcp.SourcePort} → {h.Destination}:{tcp.DestinationPort} {payload}";
        }
        if (p.IndexOfInner(HeaderKind.Udp) is int u and >= 0)
        {
            ref UdpHeader udp = ref p.Layer(u).Udp;
            return $"UDP {h.Source}:{udp.SourcePort} → {h.Destination}:{udp.DestinationPort} {payload}";
        }
        return $"IP proto {h.Protocol} {h.Source} → {h.Destination} {payload}";
    }

    /// <summary>Whether the packet is DNS: UDP or TCP from or to port 53 (the ports as it finished its walk).</summary>
    public static bool IsDns(Packet p)
    {
        if (p.IndexOfInner(HeaderKind.Tcp) is int t and >= 0)
        {
            ref TcpHeader tcp = ref p.Layer(t).Tcp;
            return tcp.SourcePort == DnsPort || tcp.DestinationPort == DnsPort;
        }
        if (p.IndexOfInner(HeaderKind.Udp) is int u and >= 0)
        {
            ref UdpHeader udp = ref p.Layer(u).Udp;
            return udp.SourcePort == DnsPort || udp.DestinationPort == DnsPort;
        }
        return false;
    }

    private const ushort DnsPort = NetSim.Traffic.Dns.DnsPorts.Domain;

    private static string Flags(TcpFlags f)
    {
        var names = new List<string>();
        foreach (var (flag, name) in new[] { (TcpFlags.Syn, "SYN"), (TcpFlags.Fin, "FIN"), (TcpFlags.Rst, "RST"), (TcpFlags.Psh, "PSH"), (TcpFlags.Ack, "ACK") })
            if ((f & flag) != 0) names.Add(name);
        return string.Join("+", names);
    }
}
