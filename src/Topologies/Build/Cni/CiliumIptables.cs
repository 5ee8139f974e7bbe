using NetSim.Datapaths.Netfilter;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The iptables rules the Cilium agent installs on a node (installIptablesRules, the default): feeder rules from the
/// built-in chains into CILIUM_PRE_raw (NOTRACK for proxy traffic), CILIUM_PRE_mangle (the transparent-proxy
/// redirects), CILIUM_FORWARD (accept traffic of cilium_host, cilium_net and the lxc… devices), CILIUM_POST_mangle
/// and CILIUM_OUTPUT_raw. With eBPF host routing pod traffic bypasses all of them; with legacy host routing every
/// forwarded pod packet walks them. Without an L7 or DNS proxy no packet carries the proxy marks, so those rules are
/// evaluated and never match; "-m socket --transparent" is modelled as the proxy-mark test it guards.
/// </summary>
public static class CiliumIptables
{
    /// <summary>The comment prefix on the agent's feeder rules in the built-in chains.</summary>
    public const string FeederComment = "cilium-feeder:";

    private const uint ProxyMark = 0x200;
    private const uint ProxyReturnMark = 0xa00;
    private const uint MagicMask = 0xf00;

    public static void Install(BuiltNode node)
    {
        var nf = node.Host.Netfilter;
        var preRaw = Feed(nf.Raw, NfInetHook.PreRouting, "CILIUM_PRE_raw");
        preRaw.Append(new IptRule { Matches = [new MarkMatch(ProxyMark, MagicMask)], Target = NotrackTarget.Instance, Comment = "cilium: NOTRACK for proxy traffic" });
        var outRaw = Feed(nf.Raw, NfInetHook.LocalOut, "CILIUM_OUTPUT_raw");
        outRaw.Append(new IptRule { OutInterface = "lxc+", Matches = [new MarkMatch(ProxyReturnMark, 0xfffffeff)], Target = NotrackTarget.Instance, Comment = "cilium: NOTRACK for proxy return traffic" });
        outRaw.Append(new IptRule { OutInterface = "cilium_host", Matches = [new MarkMatch(ProxyReturnMark, 0xfffffeff)], Target = NotrackTarget.Instance, Comment = "cilium: NOTRACK for proxy return traffic" });

        var preMangle = Feed(nf.Mangle, NfInetHook.PreRouting, "CILIUM_PRE_mangle");
        preMangle.Append(new IptRule { Matches = [new MarkMatch(ProxyMark, 0xffffffff)], Target = MarkTarget.Set(ProxyMark), Comment = "cilium: any->pod redirect proxied traffic to host proxy" });
        preMangle.Append(new IptRule { Protocol = 6, Matches = [new MarkMatch(ProxyMark, MagicMask)], Target = StandardTarget.Accept, Comment = "cilium: TPROXY to host cilium-dns-egress proxy" });
        preMangle.Append(new IptRule { Protocol = 17, Matches = [new MarkMatch(ProxyMark, MagicMask)], Target = StandardTarget.Accept, Comment = "cilium: TPROXY to host cilium-dns-egress proxy" });
        var postMangle = Feed(nf.Mangle, NfInetHook.PostRouting, "CILIUM_POST_mangle");
        postMangle.Append(new IptRule { OutInterface = "cilium_host", Matches = [new MarkMatch(ProxyReturnMark, 0xfffffeff)], Target = StandardTarget.Accept, Comment = "cilium: proxy return traffic" });

        var forward = Feed(nf.Filter, NfInetHook.Forward, "CILIUM_FORWARD");
        forward.Append(new IptRule { OutInterface = "cilium_host", Target = StandardTarget.Accept, Comment = "cilium: any->cluster on cilium_host forward accept" });
        forward.Append(new IptRule { InInterface = "cilium_host", Target = StandardTarget.Accept, Comment = "cilium: cluster->any on cilium_host forward accept (nodeport)" });
        forward.Append(new IptRule { InInterface = "lxc+", Target = StandardTarget.Accept, Comment = "cilium: cluster->any on lxc+ forward accept" });
        forward.Append(new IptRule { InInterface = "cilium_net", Target = StandardTarget.Accept, Comment = "cilium: cluster->any on cilium_net forward accept (nodeport)" });
        forward.Append(new IptRule { OutInterface = "lxc+", Target = StandardTarget.Accept, Comment = "cilium: any->cluster on lxc+ forward accept" });
    }

    private static IptChain Feed(IptTable table, NfInetHook hook, string chain) => IptablesFeeders.Feed(table, hook, chain, $"{FeederComment} {chain}");
}
