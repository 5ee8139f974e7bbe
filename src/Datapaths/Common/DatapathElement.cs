using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Common;

/// <summary>
/// A hop of the Linux datapath: a <see cref="PacketElement"/> that belongs to a network namespace and knows how to
/// act on netfilter and eBPF verdicts (charge the work done so far, then drop, reject, redirect or continue).
/// </summary>
public abstract class DatapathElement : PacketElement
{
    protected DatapathElement(NodeContext node, string name) : base(node, name) { }

    /// <summary>The namespace this hop runs in now (a device's changes when it is moved).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Namespace is the Linux term; NetSim has no VB consumers.")]
    public abstract NetworkNamespace Namespace { get; }

    protected DatapathCosts Costs => Namespace.Costs;

    /// <summary>
    /// Acts on a netfilter hook's verdict: true when the packet goes on. Otherwise the work in
    /// <see cref="NfHookState.CostPs"/> is charged and the packet is dropped (with an ICMP error or TCP reset sent
    /// back for REJECT) or was stolen (held for reassembly).
    /// </summary>
    protected bool Continue(ref NfHookState state)
    {
        Packet p = state.Packet;
        switch (state.Verdict)
        {
            case NfVerdict.Accept:
                return true;
            case NfVerdict.Stolen:
                Charge(p, state.CostPs, p.Trace is null ? null : $"{state.Hook}: held");
                return false;
            case NfVerdict.Reject:
                Charge(p, state.CostPs, p.Trace is null ? null : $"{state.Hook}: REJECT {state.RejectWith}");
                Namespace.Icmp.SendReject(p, state.RejectWith);
                Drop(p, DropReason.NetfilterReject);
                return false;
            default:
                Charge(p, state.CostPs, p.Trace is null ? null : $"{state.Hook}: {state.DropReason}");
                Drop(p, state.DropReason);
                return false;
        }
    }

    /// <summary>Charges <paramref name="ps"/> on this element and hands the packet to <paramref name="next"/> when done (for helpers of this element's work).</summary>
    internal void HandOff(Packet p, long ps, PacketElement next, string? action = null) => WorkPs(p, ps, next, action);

    /// <summary>Charges the work so far and drops the packet.</summary>
    protected internal void ChargeAndDrop(Packet p, long ps, DropReason reason)
    {
        Charge(p, ps);
        Drop(p, reason);
    }

    /// <summary>Cost of running <paramref name="program"/> once on <paramref name="p"/>.</summary>
    protected long BpfCost(BpfProgram program, Packet p) => program.CostUnits * Costs.BpfProgram.For(p.Length);

    /// <summary>
    /// Acts on an eBPF verdict returned at <paramref name="hook"/> of <paramref name="device"/>: false for PASS
    /// (the caller continues); otherwise the packet has been dropped or handed on (with <paramref name="ps"/>
    /// charged) and the caller stops.
    /// </summary>
    protected bool ActOnBpf(Packet p, BpfResult r, BpfHookPoint hook, NetDevice device, ref long ps)
    {
        if (r.MapLookups > 0) ps += r.MapLookups * Costs.BpfMapLookup.For(p.Length);
        if (r.Rewrites > 0) ps += r.Rewrites * Costs.NatRewrite.For(p.Length);
        switch (r.Verdict)
        {
            case BpfVerdict.Pass:
                return false;
            case BpfVerdict.Tx when hook == BpfHookPoint.Xdp:
                device.XmitDirect(p, ps);
                return true;
            case BpfVerdict.Redirect when r.Target is not null:
                ps += Costs.BpfRedirect.For(p.Length);
                if (hook == BpfHookPoint.Xdp)
                {
                    r.Target.XmitDirect(p, ps); // ndo_xdp_xmit: straight to the driver, no qdisc or tc egress
                    return true;
                }
                // __bpf_redirect_no_mac: a device without an L2 header (WireGuard, xfrm, IPIP) gets the packet from its network header.
                if (!r.Target.HasL2 && p.TopKind == HeaderKind.Ethernet) p.Pop(HeaderKind.Ethernet);
                Scrub(p, r.Target.Namespace != device.Namespace);
                WorkPs(p, ps, r.ToIngress ? r.Target.RxEntry : r.Target, p.Trace is null ? null : $"bpf_redirect → {r.Target.Name}");
                return true;
            case BpfVerdict.RedirectPeer when hook == BpfHookPoint.TcIngress && r.Target is VethDevice veth
                                              && veth.Peer.Namespace != device.Namespace && veth.Peer.IsUp:
                ps += Costs.BpfRedirect.For(p.Length);
                Scrub(p, crossNamespace: false); // skb_scrub_packet(skb, false) in skb_do_redirect
                WorkPs(p, ps, veth.Peer.RxEntry, p.Trace is null ? null : $"bpf_redirect_peer → {veth.Peer.Name}");
                return true;
            case BpfVerdict.RedirectNeigh when hook != BpfHookPoint.Xdp && r.Target is not null:
                RedirectNeigh(p, r, device, ref ps);
                return true;
            default:
                ChargeAndDrop(p, ps, r.Reason ?? DropReason.BpfDrop);
                return true;
        }
    }

    /// <summary>bpf_redirect_neigh: FIB lookup for the next hop, L2 header from the neighbour table, transmit on the target.</summary>
    private void RedirectNeigh(Packet p, BpfResult r, NetDevice device, ref long ps)
    {
        NetDevice target = r.Target!;
        NetworkNamespace ns = target.Namespace;
        ps += Costs.BpfRedirect.For(p.Length);
        Ipv4Address nextHop = r.NextHop;
        if (nextHop == Ipv4Address.Any)
        {
            ps += Costs.RouteLookup.For(p.Length);
            Ipv4Address dst = p.Ipv4.Destination;
            nextHop = ns.LookupRoute(dst)?.NextHop(dst) ?? dst;
        }
        if (target.HasL2)
        {
            ps += Costs.NeighOutput.For(p.Length);
            if (!ns.Neighbours.TryResolve(target, nextHop, out MacAddress mac))
            {
                ChargeAndDrop(p, ps, DropReason.NoNeighbour);
                return;
            }
            if (p.TopKind != HeaderKind.Ethernet) p.PushEthernet().EtherType = EthernetHeader.EtherTypeIpv4;
            ref EthernetHeader eth = ref p.Ethernet;
            eth.Source = target.Mac;
            eth.Destination = mac;
        }
        else if (p.TopKind == HeaderKind.Ethernet)
        {
            p.Pop(HeaderKind.Ethernet);
        }
        Scrub(p, target.Namespace != device.Namespace);
        WorkPs(p, ps, target, p.Trace is null ? null : $"bpf_redirect_neigh → {target.Name} ({nextHop})");
    }

    /// <summary>
    /// skb_scrub_packet: a packet handed to another device forgets its conntrack entry; crossing namespaces it also
    /// loses its mark.
    /// </summary>
    internal static void Scrub(Packet p, bool crossNamespace)
    {
        p.Conntrack = null;
        if (crossNamespace) p.Mark = 0;
    }
}
