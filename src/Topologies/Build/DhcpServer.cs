using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Topologies.Ipam;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Topologies.Build;

/// <summary>
/// cluster.dhcp_server: a DHCP server process on a host of the node network, listening on UDP port 67 (RFC 2131 §4.3).
/// DISCOVER: the client's current binding, else the lowest pool address neither bound nor offered to another client, is
/// OFFERed (silence when the pool is full). REQUEST naming this server (selecting) or carrying ciaddr (renewing,
/// rebinding): ACK with a new lease when the address is free or the client's, else NAK; a REQUEST naming another server
/// is ignored. RELEASE frees the binding. Every OFFER and ACK carries the lease time (51), T1 = lease/2 (58) and
/// T2 = 7/8 lease (59) as dnsmasq sends them (RFC 2131 §4.4.5's defaults), the mask of the node network (1), the router
/// (3) when configured, and this server's identifier (54). Replies go to ciaddr when set, else to yiaddr at chaddr's MAC
/// (the client has no address to ARP for yet: the server writes the neighbour itself, RFC 2131 §4.1). Stopped
/// (dhcp_server_down), its port is closed: requests are dropped by the kernel (no listener) and nothing answers.
/// </summary>
public sealed class DhcpServer : IUdpSocketHandler
{
    private readonly BuiltNode _host;
    private readonly DhcpWire _wire;
    private readonly TransportLayer _transport;
    private readonly Dictionary<string, (Ipv4Address Ip, long ExpiresPs)> _bindings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ipv4Address> _offered = new(StringComparer.Ordinal);
    // Addresses released (DHCPRELEASE) and when: free again, but after the never-bound ones.
    private readonly Dictionary<Ipv4Address, long> _released = new();
    private UdpSocket? _socket;

    public DhcpServer(BuiltNode host, DhcpServerSpec spec, DhcpWire wire)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(spec);
        _host = host;
        Spec = spec;
        _wire = wire;
        _transport = new TransportLayer(host.Host, new FlowTable());
        Start();
    }

    public const string HostName = "dhcp";

    public DhcpServerSpec Spec { get; }
    public Ipv4Address Address => Spec.Address;
    public bool IsUp => _socket is not null;
    public long Requests { get; private set; }

    /// <summary>The process starts and binds port 67 (dhcp_server_up).</summary>
    public void Start() => _socket ??= _transport.Udp.Bind(DhcpMessage.ServerPort, this);

    /// <summary>The process stops: port 67 is closed, its bindings stay in its lease file (dhcp_server_down).</summary>
    public void Stop()
    {
        _socket?.Close();
        _socket = null;
    }

    /// <summary>A lease handed out before the run (the cluster's first pods came up before t = 0): the ACK the exchange would have ended with.</summary>
    public DhcpMessage? LeaseBeforeRun(string clientId, MacAddress mac)
    {
        if (!IsUp || Choose(clientId) is not { } ip) return null;
        return Bind(new DhcpMessage(DhcpMessageType.Request, 0, mac, clientId), ip);
    }

    void IUdpSocketHandler.OnDatagram(UdpSocket socket, int bytes, int flowId) { }

    void IUdpSocketHandler.OnSendSpace(UdpSocket socket) { }

    void IUdpSocketHandler.OnDatagramFrom(UdpSocket socket, in UdpDatagram datagram)
    {
        if (_wire.Read(datagram.Tag) is not { } m) return;
        Requests++;
        switch (m.Type)
        {
            case DhcpMessageType.Discover:
                if (Choose(m.ClientId) is { } offer)
                {
                    _offered[m.ClientId] = offer;
                    Reply(m, Answer(m, DhcpMessageType.Offer, offer));
                }
                break;
            case DhcpMessageType.Request when m.ServerId is { } id && id != Address:
                _offered.Remove(m.ClientId); // the client chose another server
                break;
            case DhcpMessageType.Request:
                var want = m.RequestedAddress ?? m.ClientAddress;
                if (Available(want, m.ClientId)) Reply(m, Bind(m, want));
                else Reply(m, new DhcpMessage(DhcpMessageType.Nak, m.Xid, m.ClientMac, m.ClientId) { ServerId = Address, YourAddress = want });
                break;
            case DhcpMessageType.Release:
                if (_bindings.TryGetValue(m.ClientId, out var b) && b.Ip == m.ClientAddress)
                {
                    _bindings.Remove(m.ClientId);
                    _released[b.Ip] = Now;
                }
                break;
        }
    }

    private long Now => _host.Context.Sim.NowPicoseconds;

    /// <summary>
    /// The client's own address (its binding, current or expired, when no one else holds it), else the lowest pool address
    /// never bound, else the one whose lease ended longest ago, skipping addresses offered to another client: a free
    /// address before an expired one, as ISC dhcpd and dnsmasq allocate, so a client that lost its lease does not see
    /// its address handed on at once.
    /// </summary>
    private Ipv4Address? Choose(string clientId)
    {
        if (_bindings.TryGetValue(clientId, out var mine) && Available(mine.Ip, clientId)) return mine.Ip;
        Ipv4Address? oldest = null;
        long oldestEnd = long.MaxValue;
        for (var ip = Spec.PoolStart; ip <= Spec.PoolEnd; ip = ip.Next())
        {
            if (!Available(ip, clientId) || _offered.Any(o => o.Key != clientId && o.Value == ip)) continue;
            long ended = LeaseEnd(ip);
            if (ended < 0) return ip; // never bound
            if (ended < oldestEnd)
            {
                oldestEnd = ended;
                oldest = ip;
            }
        }
        return oldest;
    }

    /// <summary>When the last lease of <paramref name="ip"/> ended (or ends), -1 when it was never bound.</summary>
    private long LeaseEnd(Ipv4Address ip)
    {
        long end = -1;
        foreach (var b in _bindings.Values)
            if (b.Ip == ip) end = Math.Max(end, b.ExpiresPs);
        return _released.TryGetValue(ip, out long at) ? Math.Max(end, at) : end;
    }

    private bool Available(Ipv4Address ip, string clientId)
    {
        if (ip < Spec.PoolStart || ip > Spec.PoolEnd) return false;
        foreach (var (client, b) in _bindings)
            if (b.Ip == ip && b.ExpiresPs > Now && client != clientId) return false;
        return true;
    }

    private DhcpMessage Bind(DhcpMessage request, Ipv4Address ip)
    {
        _offered.Remove(request.ClientId);
        _bindings[request.ClientId] = (ip, Now + Spec.LeaseTime.Picoseconds);
        return Answer(request, DhcpMessageType.Ack, ip);
    }

    private DhcpMessage Answer(DhcpMessage request, DhcpMessageType type, Ipv4Address ip) =>
        new(type, request.Xid, request.ClientMac, request.ClientId)
        {
            YourAddress = ip,
            ServerId = Address,
            LeaseTime = Spec.LeaseTime,
            RenewalTime = SimTime.FromPicoseconds(Spec.LeaseTime.Picoseconds / 2),
            RebindingTime = SimTime.FromPicoseconds(Spec.LeaseTime.Picoseconds * 7 / 8),
            PrefixLength = _host.NodeSubnet.Length,
            Router = Spec.Router,
        };

    /// <summary>To ciaddr when the client has one, else to yiaddr at chaddr (the neighbour entry the server writes itself).</summary>
    private void Reply(DhcpMessage request, DhcpMessage reply)
    {
        if (_socket is null) return;
        var to = request.ClientAddress != Ipv4Address.Any ? request.ClientAddress : reply.YourAddress;
        _host.Host.Neighbours.Add(_host.Eth0, to, request.ClientMac);
        _wire.Sent.Add((Now, reply, false, to));
        _socket.SendTo(to, DhcpMessage.ClientPort, reply.Bytes, _wire.Tag(reply));
    }
}
