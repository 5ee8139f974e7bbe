using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// br_handle_frame → br_handle_frame_finish for frames arriving on a bridge port: learn the source MAC, look the
/// destination up, then pass the frame up to the bridge's own stack (destination is a local MAC), forward it out
/// of the one port (never back out of the ingress port unless that port is in hairpin mode), or flood it.
/// <para>
/// br_netfilter (when the bridge's NfCallIptables is on, for IPv4): PREROUTING runs before the decision; if it
/// DNATs the packet to an address routed back out of this bridge, the destination MAC is re-resolved and the frame
/// stays bridged (br_nf_pre_routing_finish_bridge — the hairpin case of a pod reaching its own Service); if routed
/// elsewhere, the frame goes up to be routed by the host (PREROUTING is not repeated). Forwarded frames then pass
/// FORWARD and POSTROUTING (in and out = the bridge).
/// </para>
/// </summary>
internal sealed class BridgeInput : DatapathElement
{
    private readonly LinuxBridge _bridge;

    public BridgeInput(LinuxBridge bridge) : base(bridge.Node, bridge.Name + "/br_handle_frame") => _bridge = bridge;

    public override NetworkNamespace Namespace => _bridge.Namespace;

    public override void Receive(Packet p)
    {
        LinuxBridge br = _bridge;
        BridgePort? ingress = br.PortByIfIndex(p.IngressInterface);
        long ps = Costs.BridgeForward.For(p.Length);
        if (ingress is null || p.TopKind != HeaderKind.Ethernet)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        MacAddress src = p.Ethernet.Source;
        if (ingress.Learning && !src.IsMulticast)
        {
            ps += Costs.BridgeFdbLookup.For(p.Length);
            br.Fdb.Learn(src, ingress);
        }
        bool brNf = br.NfCallIptables && p.Ethernet.EtherType == EthernetHeader.EtherTypeIpv4 &&
                    p.LayerCount >= 2 && p.Layer(p.LayerCount - 2).Kind == HeaderKind.Ipv4 && !p.Ethernet.Destination.IsMulticast;
        if (brNf && !PreRouting(ref p, ref ps)) return;

        MacAddress dst = p.Ethernet.Destination;
        if (dst.IsMulticast)
        {
            br.Flood(this, p, ingress, ps, passUp: true);
            return;
        }
        ps += Costs.BridgeFdbLookup.For(p.Length);
        bool known = br.Fdb.TryFind(dst, out BridgePort? port, out bool local);
        if (known && local)
        {
            WorkPs(p, ps, brNf ? br.RxAfterBridgeNetfilter : br.RxEntry, p.Trace is null ? null : "br_pass_frame_up");
            return;
        }
        if (known && port == ingress && !port.Hairpin)
        {
            br.CountHairpinDrop();
            ChargeAndDrop(p, ps, DropReason.NoForwardingEntry);
            return;
        }
        if (brNf && !ForwardHooks(ref p, ref ps, ingress.Device, known ? port!.Device : null)) return;
        if (!known)
        {
            br.Flood(this, p, ingress, ps, passUp: false);
            return;
        }
        if (!port!.Device.IsUp)
        {
            ChargeAndDrop(p, ps, DropReason.DeviceDown);
            return;
        }
        WorkPs(p, ps, port.Device, p.Trace is null ? null : $"br_forward → {port.Device.Name}");
    }

    /// <summary>br_nf_pre_routing: iptables PREROUTING on a bridged frame, and what a DNAT there changes.</summary>
    private bool PreRouting(ref Packet p, ref long ps)
    {
        LinuxBridge br = _bridge;
        NetworkNamespace ns = br.Namespace;
        Ipv4Address before = p.Ipv4.Destination;
        var s = new NfHookState(ns, NfInetHook.PreRouting, p, br, null, ps);
        ns.Netfilter.Run(ref s);
        if (!Continue(ref s)) return false;
        p = s.Packet;
        ps = s.CostPs;
        Ipv4Address after = p.Ipv4.Destination;
        if (after == before) return true;

        ps += Costs.RouteLookup.For(p.Length);
        Route? route = ns.LookupRoute(after);
        if (route is { Type: RouteType.Unicast } && route.Device == br)
        {
            ps += Costs.NeighOutput.For(p.Length);
            if (!ns.Neighbours.TryResolve(br, route.NextHop(after), out MacAddress mac))
            {
                ChargeAndDrop(p, ps, DropReason.NoNeighbour);
                return false;
            }
            p.Ethernet.Destination = mac;
            return true;
        }
        p.Ethernet.Destination = br.Mac;
        WorkPs(p, ps, br.RxAfterBridgeNetfilter, p.Trace is null ? null : "br_nf: DNAT → routed");
        return false;
    }

    /// <summary>br_nf_forward_ip and br_nf_post_routing: iptables FORWARD and POSTROUTING for a bridged frame.</summary>
    private bool ForwardHooks(ref Packet p, ref long ps, NetDevice physIn, NetDevice? physOut)
    {
        LinuxBridge br = _bridge;
        NetworkNamespace ns = br.Namespace;
        var s = new NfHookState(ns, NfInetHook.Forward, p, br, br, ps) { PhysIn = physIn, PhysOut = physOut };
        ns.Netfilter.Run(ref s);
        if (!Continue(ref s)) return false;
        s.Hook = NfInetHook.PostRouting;
        s.In = null;
        ns.Netfilter.Run(ref s);
        if (!Continue(ref s)) return false;
        p = s.Packet;
        ps = s.CostPs;
        return true;
    }
}
