using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Datapaths.Common;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// ip_vs_in at a netfilter hook: ip_vs_remote_request4 at LOCAL_IN (packets that reached a virtual address of the
/// node: a ClusterIP on kube-ipvs0 or a node address with a NodePort) and ip_vs_local_request4 at LOCAL_OUT (the
/// node's own clients). For the first packet of a connection it looks the virtual service up (<c>ipvs.lookup</c>,
/// a hash lookup), schedules a destination and binds the connection's destination NAT in its conntrack entry —
/// what ip_vs_update_conntrack does with net.ipv4.vs.conntrack=1 — so the conntrack entry also plays the IPVS
/// connection entry: every later packet is translated by conntrack. At LOCAL_IN the packet is stolen and sent on
/// through LOCAL_OUT (ip_vs_nat_xmit); at LOCAL_OUT it is rewritten and continues. A virtual service without
/// destinations answers ICMP port unreachable (ip_vs_leave) and drops the packet.
/// </summary>
internal sealed class IpvsHook : INetfilterHook
{
    private readonly IpvsTable _table;
    private readonly IpvsXmit _xmit;
    private readonly bool _localIn;
    private readonly Cost _lookup;

    public IpvsHook(IpvsTable table, IpvsXmit xmit, bool localIn)
    {
        _table = table;
        _xmit = xmit;
        _localIn = localIn;
        _lookup = xmit.Node.Costs[CostKeys.IpvsLookup];
    }

    /// <summary>Packets scheduled to a destination.</summary>
    public long Scheduled { get; private set; }
    /// <summary>Packets to a virtual service without destinations.</summary>
    public long NoDestination { get; private set; }

    public bool HasRules(NfInetHook hook) => _table.Count > 0;

    public NfVerdict Hook(ref NfHookState state)
    {
        Packet p = state.Packet;
        if (p.Conntrack is not ConntrackRef { Entry: { IsConfirmed: false } e, Related: false } r || r.Direction != ConntrackDirection.Original
            || (e.Status & ConntrackStatus.DestinationNat) != 0)
            return NfVerdict.Accept; // not a new connection, or already translated (IPVS itself needs conntrack on)
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        if (!PacketFields.TryGetPorts(p, PacketFields.TransportIndex(p, ip), out _, out ushort dport)) return NfVerdict.Accept;
        ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
        state.CostPs += _lookup.For(p.Length);
        if (!_table.TryGet(new ServiceFrontend(iph.Destination, iph.Protocol, dport), out IpvsVirtualServer vs)) return NfVerdict.Accept;

        IpvsRealServer? dest = vs.Schedule(e.Original, _xmit.Node.Sim.NowPicoseconds);
        if (dest is null)
        {
            NoDestination++;
            state.RejectWith = RejectWith.IcmpPortUnreachable;
            state.DropReason = DropReason.NetfilterReject;
            return NfVerdict.Reject;
        }
        Scheduled++;
        dest.Track(e);
        NfNat.Setup(state.Namespace.Conntrack, e, NatManipType.Destination, NatRange.To(dest.Address, dest.Port));
        if (!_localIn)
        {
            if (NfNat.Packet(p, e, ConntrackDirection.Original, NatManipType.Destination)) state.CostPs += state.Namespace.Costs.NatRewrite.For(p.Length);
            return NfVerdict.Accept;
        }
        // Stolen: ip_local_deliver charges the work so far; the transmit runs after it on the same core.
        _xmit.Node.Sim.ScheduleAtPicoseconds(_xmit.Node.Sim.NowPicoseconds, _xmit, EventKinds.PacketArrival, 0, p, _xmit.Node.Id);
        return NfVerdict.Stolen;
    }

    public override string ToString() => _localIn ? "ip_vs_remote_request4" : "ip_vs_local_request4";
}
