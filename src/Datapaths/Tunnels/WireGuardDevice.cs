using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A WireGuard device (wg0, wireguard.cali, flannel-wg): an L3 tunnel over UDP (default port 51820). Transmit picks
/// the peer whose allowed-ips contain the destination (longest prefix; none: dropped with ICMP host unreachable),
/// encrypts (<c>wireguard.encrypt</c> per byte of the packet), and sends IPv4 + UDP + the 16-byte data header and
/// 16-byte tag through ip_local_out of the underlay: 60 bytes of overhead on IPv4, so the MTU is the underlay's
/// minus 60 (Calico's figure; wg-quick's 80 also covers an IPv6 underlay). Receive: decrypts
/// (<c>wireguard.decrypt</c> per byte), and accepts the inner packet only if its source is in the sending peer's
/// allowed-ips. Simplifications: no handshake, no message padding to 16 bytes, and GSO super-packets are encrypted
/// as one unit (the kernel segments them first; the per-byte cost is the same).
/// </summary>
public sealed class WireGuardDevice : NetDevice
{
    public const ushort DefaultPort = 51820;
    public const int HeaderOverhead = Ipv4Header.Size + UdpHeader.Size + WireGuardHeader.HeaderSize + WireGuardHeader.TagSize;

    private readonly List<WireGuardPeer> _peers = new();
    private readonly Dictionary<uint, WireGuardPeer>?[] _allowed = new Dictionary<uint, WireGuardPeer>?[33];

    public WireGuardDevice(NetworkNamespace ns, string name = "wg0", ushort listenPort = DefaultPort, NetDevice? underlay = null, int? mtu = null)
        : base(ns, name, mtu ?? (underlay?.Mtu ?? 1500) - HeaderOverhead, MacAddress.Zero)
    {
        ListenPort = listenPort;
        UnderlayNamespace = ns;
        Decap = new WireGuardDecap(this);
        ns.RegisterUdpTunnel(listenPort, Decap);
    }

    public override bool HasL2 => false;
    public ushort ListenPort { get; }
    public NetworkNamespace UnderlayNamespace { get; }
    public IReadOnlyList<WireGuardPeer> Peers => _peers;
    internal WireGuardDecap Decap { get; }

    /// <summary>wg set DEV peer KEY endpoint ADDR:PORT allowed-ips PREFIXES.</summary>
    public WireGuardPeer AddPeer(Ipv4Address endpoint, IReadOnlyList<Ipv4Prefix> allowedIps, ushort endpointPort = DefaultPort)
    {
        var peer = new WireGuardPeer((uint)_peers.Count + 1, endpoint, endpointPort, allowedIps);
        foreach (Ipv4Prefix prefix in allowedIps)
            (_allowed[prefix.Length] ??= new Dictionary<uint, WireGuardPeer>())[prefix.Network.Value] = peer;
        _peers.Add(peer);
        return peer;
    }

    /// <summary>Cryptokey routing: the peer whose allowed-ips hold <paramref name="address"/> most specifically.</summary>
    public WireGuardPeer? PeerFor(Ipv4Address address)
    {
        for (int len = 32; len >= 0; len--)
            if (_allowed[len] is { } map && map.TryGetValue(address.Value & Ipv4Prefix.MaskOf(len), out WireGuardPeer? peer))
                return peer;
        return null;
    }

    internal WireGuardPeer? PeerAt(Ipv4Address endpoint)
    {
        foreach (WireGuardPeer p in _peers)
            if (p.Endpoint == endpoint) return p;
        return null;
    }

    /// <summary>wg_xmit + encryption.</summary>
    protected override void Xmit(Packet p, long pendingPs)
    {
        if (p.TopKind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, pendingPs, DropReason.NotForThisHost);
            return;
        }
        Ipv4Header inner = p.Ipv4;
        WireGuardPeer? peer = PeerFor(inner.Destination);
        if (peer is null)
        {
            Counters.TxDropped++;
            Charge(p, pendingPs);
            Namespace.Icmp.SendError(p, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeHostUnreachable);
            Drop(p, DropReason.NoRoute);
            return;
        }
        long ps = pendingPs + Costs.WireGuardEncrypt.For(p.Length);
        ref WireGuardHeader wg = ref p.PushWireGuard();
        wg.ReceiverIndex = peer.Index;
        wg.Counter = peer.TxCounter++;
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = ListenPort;
        udp.DestinationPort = peer.EndpointPort;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Destination = peer.Endpoint;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.Ttl = Ipv4Header.DefaultTtl;
        ip.Ecn = TunnelEcn.Encapsulate(inner.Ecn);
        Scrub(p, UnderlayNamespace != Namespace);
        WorkPs(p, ps, UnderlayNamespace.LocalOut, p.Trace is null ? null : $"wireguard encrypt → {peer.Endpoint}");
    }
}
