using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// flanneld --ip-masq (kube-flannel.yml passes it): FLANNEL-POSTRTG in nat POSTROUTING, appended, as flannel's
/// iptables traffic manager writes it (pkg/trafficmngr/iptables, masqRules): kube-proxy's masquerade mark returns
/// (no double NAT), traffic between the node's lease and the cluster network and traffic from outside to the lease
/// return, then pod traffic leaving the cluster network (not multicast) and host traffic into it are masqueraded,
/// --random-fully where iptables supports it.
/// </summary>
public static class FlannelMasquerade
{
    public const string Chain = "FLANNEL-POSTRTG";
    private const string Comment = "flanneld masq";
    private const uint KubeProxyMasqMark = 0x4000;
    private static readonly Ipv4Prefix Multicast = Ipv4Prefix.Parse("224.0.0.0/4");

    public static void Install(BuiltNode node, Ipv4Prefix network, Ipv4Prefix lease)
    {
        var nat = node.Host.Netfilter.Nat;
        var chain = nat.GetOrCreateChain(Chain);
        nat.Builtin(NfInetHook.PostRouting).Append(new IptRule { Target = StandardTarget.Jump(chain), Comment = Comment });
        chain.Append(new IptRule { Matches = [new MarkMatch(KubeProxyMasqMark, KubeProxyMasqMark)], Target = StandardTarget.Return, Comment = Comment });
        chain.Append(new IptRule { Source = lease, Destination = network, Target = StandardTarget.Return, Comment = Comment });
        chain.Append(new IptRule { Source = network, Destination = lease, Target = StandardTarget.Return, Comment = Comment });
        chain.Append(new IptRule { Source = network, SourceInvert = true, Destination = lease, Target = StandardTarget.Return, Comment = Comment });
        chain.Append(new IptRule { Source = network, Destination = Multicast, DestinationInvert = true, Target = Masquerade(), Comment = Comment });
        chain.Append(new IptRule { Source = network, SourceInvert = true, Destination = network, Target = Masquerade(), Comment = Comment });
    }

    private static MasqueradeTarget Masquerade() => new(flags: NatRangeOptions.RandomFully);
}
