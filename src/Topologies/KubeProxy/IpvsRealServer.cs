using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// An IPVS destination (real server) of a virtual service: address, port, weight, and the connections scheduled
/// to it. Active/inactive connection counts (what lc, sed and nq compare) are read from those connections'
/// conntrack entries: a TCP connection is active while ESTABLISHED, inactive otherwise; other protocols count as
/// active until they expire.
/// </summary>
public sealed class IpvsRealServer
{
    private static readonly long StaleUnconfirmedPs = SimTime.PicosPerSecond;
    private readonly List<ConntrackEntry> _connections = new();

    public IpvsRealServer(Ipv4Address address, ushort port, int weight = 1)
    {
        Address = address;
        Port = port;
        Weight = weight;
    }

    public Ipv4Address Address { get; }
    public ushort Port { get; }
    public int Weight { get; internal set; }
    /// <summary>Connections ever scheduled to this destination (ipvsadm --stats "Conns").</summary>
    public long TotalConnections { get; private set; }

    internal void Track(ConntrackEntry e)
    {
        TotalConnections++;
        _connections.Add(e);
    }

    /// <summary>(active, inactive) connections at <paramref name="now"/>; dead entries are forgotten.</summary>
    public (int Active, int Inactive) Connections(long now)
    {
        int active = 0, inactive = 0, keep = 0;
        for (int i = 0; i < _connections.Count; i++)
        {
            ConntrackEntry e = _connections[i];
            bool dead = (e.Status & ConntrackStatus.Dying) != 0 || e.ExpiresAt <= now
                        || (!e.IsConfirmed && now - e.CreatedAt > StaleUnconfirmedPs); // its first packet never got out
            if (dead) continue;
            _connections[keep++] = e;
            if (e.Original.Protocol != Ipv4Header.ProtocolTcp || e.TcpState == TcpConntrackState.Established) active++;
            else inactive++;
        }
        _connections.RemoveRange(keep, _connections.Count - keep);
        return (active, inactive);
    }

    public override string ToString() => $"-> {Address}:{Port} Masq {Weight}";
}
