using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Cilium's enable-ipv4-masquerade (default true): pod traffic from the node's allocation range to destinations
/// outside the native-routing CIDR (tunnel mode: outside the node's own range) leaves with the node's address.
/// With eBPF host routing the masquerade is eBPF (bpf.masquerade: the agent refuses eBPF host routing with iptables
/// masquerading and falls back to legacy routing), done by cil_to_netdev at eth0's tc egress and undone by bpf_host at
/// its tc ingress through the SNAT map, without netfilter. Otherwise iptables: the agent's CILIUM_POST_nat rule
/// masquerades what leaves by a device other than cilium_*.
/// </summary>
public static class CiliumMasquerade
{
    public const string Chain = "CILIUM_POST_nat";

    /// <summary>The iptables implementation (legacy host routing, tunnel modes).</summary>
    public static void InstallIptables(BuiltNode node, Ipv4Prefix exclude)
    {
        var nat = node.Host.Netfilter.Nat;
        var chain = IptablesFeeders.Feed(nat, NfInetHook.PostRouting, Chain, $"{CiliumIptables.FeederComment} {Chain}");
        chain.Append(new IptRule
        {
            Source = node.PodSubnet, Destination = exclude, DestinationInvert = true, OutInterface = "cilium_+", OutInterfaceInvert = true,
            Target = new MasqueradeTarget(), Comment = "cilium masquerade non-cluster",
        });
    }

    /// <summary>
    /// The eBPF implementation: cil_to_netdev on eth0's tc egress (the SNAT, one map lookup per candidate packet, two
    /// updates for a new connection), and <paramref name="fromWire"/> (bpf_host) preceded by the reverse SNAT of
    /// replies to the node's address. Returns bpf_host's new body.
    /// </summary>
    public static Func<Packet, BpfHookPoint, NetDevice, BpfResult> InstallBpf(BuiltNode node, Ipv4Prefix exclude,
        Func<Packet, BpfHookPoint, NetDevice, BpfResult> fromWire)
    {
        var snat = new BpfSnatTable(node.Address);
        var inbound = new BpfInboundFlows();
        Ipv4Prefix local = node.PodSubnet!.Value;
        node.Eth0.TcEgress = new DelegateBpfProgram("cil_to_netdev", (p, _, _) => Egress(snat, inbound, local, exclude, p));
        return (p, hook, dev) =>
        {
            if (!p.Has(HeaderKind.Ipv4)) return fromWire(p, hook, dev);
            int lookups = snat.Reverse(p, out bool rewritten);
            // A connection from outside the native-routing CIDR into a local pod: its replies keep the pod's address.
            ref Ipv4Header ip = ref p.Ipv4;
            if (!rewritten && local.Contains(ip.Destination) && !exclude.Contains(ip.Source)) lookups += inbound.NoteInbound(p);
            return lookups == 0 ? fromWire(p, hook, dev) : After(fromWire(p, hook, dev), lookups, rewritten);
        };
    }

    private static BpfResult Egress(BpfSnatTable snat, BpfInboundFlows inbound, Ipv4Prefix local, Ipv4Prefix exclude, Packet p)
    {
        if (!p.Has(HeaderKind.Ipv4)) return BpfResult.Pass;
        ref Ipv4Header ip = ref p.Ipv4;
        if (!local.Contains(ip.Source) || exclude.Contains(ip.Destination)) return BpfResult.Pass;
        if (inbound.IsReply(p, out int checks)) return BpfResult.Pass with { MapLookups = checks };
        int ops = snat.Egress(p);
        return ops == 0 ? BpfResult.Pass : BpfResult.Pass with { MapLookups = ops + checks, Rewrites = 1 };
    }

    private static BpfResult After(BpfResult r, int lookups, bool rewritten) =>
        r with { MapLookups = r.MapLookups + lookups, Rewrites = r.Rewrites + (rewritten ? 1 : 0) };
}
