using System.Runtime.CompilerServices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The iptables rules calico-node's Felix programs on a node in the iptables dataplane (Calico 3.x, no
/// NetworkPolicy): cali-PREROUTING in raw (clear the Calico mark bits, mark traffic from workloads, host-endpoint
/// check) and in mangle (accept established traffic early), and cali-FORWARD in filter, which dispatches on the
/// cali… interface to a per-workload chain (cali-fw-… from the workload, cali-tw-… to it) whose first rule
/// accepts established traffic; new flows pass the namespace's profile, which allows everything without policy.
/// Every forwarded packet of a Calico pod walks these, which is much of what the iptables dataplane costs over eBPF.
/// With NetworkPolicies, an isolated endpoint's chain jumps to its policies' cali-pi-/cali-po- chains instead
/// (<see cref="Policy.CalicoPolicyIptables"/>). Not modelled: the rpf check (-m rpf) and host endpoints (their chains
/// are present and empty).
/// </summary>
public static class CalicoFelixIptables
{
    private const uint AcceptMark = 0x10000;   // Felix's "accept" bit
    private const uint FromWorkload = 0x40000; // "packet came from a workload"
    private const uint CalicoMarks = 0xf0000;

    /// <summary>The comment on Felix's feeder rules in the built-in chains.</summary>
    public const string FeederComment = "cali:felix";

    /// <param name="byAddress">
    /// Canal (Felix over Flannel's bridge): pods sit behind cni0, so a forwarded packet's in/out device is the bridge,
    /// not the pod's veth; the workload dispatch matches the local pods' addresses instead of cali* interfaces, and
    /// traffic of no local pod falls through (returns) rather than being dropped as an unknown interface.
    /// </param>
    public static void Install(BuiltNode node, bool ipip, bool vxlan, Policy.ClusterPolicies? policies = null, bool byAddress = false)
    {
        var nf = node.Host.Netfilter;
        InstallRaw(nf.Raw);
        InstallMangle(nf.Mangle);
        InstallFilter(node, nf.Filter, ipip, vxlan, policies is null ? null : new Policy.CalicoPolicyIptables(policies, nf.Filter), policies, byAddress);
    }

    private static IptChain Feed(IptTable table, NfInetHook hook, string chain) => IptablesFeeders.Feed(table, hook, chain, FeederComment);

    private static void InstallRaw(IptTable raw)
    {
        var pre = Feed(raw, NfInetHook.PreRouting, "cali-PREROUTING");
        var rpfSkip = raw.GetOrCreateChain("cali-rpf-skip");
        var fromHep = raw.GetOrCreateChain("cali-from-host-endpoint");
        pre.Append(new IptRule { Target = MarkTarget.SetXMark(0, CalicoMarks) });
        pre.Append(new IptRule { InInterface = "cali+", Target = MarkTarget.SetXMark(FromWorkload, FromWorkload) });
        pre.Append(new IptRule { Matches = [new MarkMatch(FromWorkload, FromWorkload)], Target = StandardTarget.Jump(rpfSkip) });
        pre.Append(new IptRule { Matches = [new MarkMatch(0, FromWorkload)], Target = StandardTarget.Jump(fromHep) });
        pre.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Accept });
    }

    private static void InstallMangle(IptTable mangle)
    {
        var pre = Feed(mangle, NfInetHook.PreRouting, "cali-PREROUTING");
        var fromHep = mangle.GetOrCreateChain("cali-from-host-endpoint");
        pre.Append(new IptRule { Matches = [new ConntrackStateMatch(CtState.Related | CtState.Established)], Target = StandardTarget.Accept });
        pre.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Accept });
        pre.Append(new IptRule { Target = StandardTarget.Jump(fromHep) });
        pre.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Accept });
    }

    private static void InstallFilter(BuiltNode node, IptTable filter, bool ipip, bool vxlan, Policy.CalicoPolicyIptables? felix, Policy.ClusterPolicies? policies, bool byAddress)
    {
        var forward = Feed(filter, NfInetHook.Forward, "cali-FORWARD");
        var fromHep = filter.GetOrCreateChain("cali-from-hep-forward");
        var toHep = filter.GetOrCreateChain("cali-to-hep-forward");
        var cidrBlock = filter.GetOrCreateChain("cali-cidr-block");
        var fromDispatch = filter.GetOrCreateChain("cali-from-wl-dispatch");
        var toDispatch = filter.GetOrCreateChain("cali-to-wl-dispatch");
        forward.Append(new IptRule { Target = MarkTarget.SetXMark(0, 0xe0000) });
        forward.Append(new IptRule { Matches = [new MarkMatch(0, AcceptMark)], Target = StandardTarget.Jump(fromHep) });
        forward.Append(new IptRule { InInterface = byAddress ? null : "cali+", Target = StandardTarget.Jump(fromDispatch) });
        forward.Append(new IptRule { OutInterface = byAddress ? null : "cali+", Target = StandardTarget.Jump(toDispatch) });
        forward.Append(new IptRule { Target = StandardTarget.Jump(toHep) });
        forward.Append(new IptRule { Target = StandardTarget.Jump(cidrBlock) });
        forward.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Accept, Comment = "Policy explicitly accepted packet." });
        ProgramWorkloads(node, filter, ipip, vxlan, felix, policies, byAddress);
    }

    /// <summary>The prefixes of the chains Felix writes per workload endpoint and per policy (and an ipBlock's except).</summary>
    private static readonly string[] EndpointChainPrefixes = ["cali-fw-", "cali-tw-", "cali-pi-", "cali-po-", "cali-px-"];

    /// <summary>
    /// Felix after a change to policies or workload endpoints: it rewrites the dispatch chains and every endpoint's and
    /// policy's chain from its current view (a deleted workload's cali-fw-/cali-tw- chains and ipset members go, a new
    /// one's appear, a policy's chains follow its rules and selected pods). Returns the rules of Felix's filter chains.
    /// Felix itself writes only the chains that changed (<see cref="RestoreLines"/>), in one iptables-restore; the
    /// resulting table is the same.
    /// </summary>
    public static int Reprogram(BuiltNode node, bool ipip, bool vxlan, Policy.ClusterPolicies? policies, bool byAddress = false)
    {
        ArgumentNullException.ThrowIfNull(node);
        var filter = node.Host.Netfilter.Filter;
        filter.GetOrCreateChain("cali-from-wl-dispatch").Flush();
        filter.GetOrCreateChain("cali-to-wl-dispatch").Flush();
        var stale = filter.Chains.Where(c => EndpointChainPrefixes.Any(p => c.Name.StartsWith(p, StringComparison.Ordinal))).ToList();
        foreach (var c in stale) c.Flush();
        foreach (var c in stale) filter.DeleteChain(c);
        ProgramWorkloads(node, filter, ipip, vxlan, policies is null ? null : new Policy.CalicoPolicyIptables(policies, filter), policies, byAddress);
        // A namespace profile no workload chain uses any more goes too.
        foreach (var c in filter.Chains.Where(c => (c.Name.StartsWith("cali-pri-", StringComparison.Ordinal) || c.Name.StartsWith("cali-pro-", StringComparison.Ordinal)) && !filter.IsReferenced(c)).ToList())
        {
            c.Flush();
            filter.DeleteChain(c);
        }
        return RuleCount(node);
    }

    /// <summary>
    /// The lines of the iptables-restore Felix runs to bring the node's filter table to <paramref name="policies"/> and
    /// the node's pods now. Felix's table layer writes only the chains whose rule hashes changed; with iptables-nft
    /// (whose restore costs the profile measured) it rewrites such a chain whole, a flush line then every rule, and a
    /// chain that goes costs a flush and a --delete-chain; unchanged chains are not written (projectcalico/calico
    /// felix/iptables/table.go, applyUpdates). The ipset updates that go with them are not counted.
    /// </summary>
    public static int RestoreLines(BuiltNode node, bool ipip, bool vxlan, Policy.ClusterPolicies? policies, bool byAddress = false)
    {
        ArgumentNullException.ThrowIfNull(node);
        var desired = Desired(node, ipip, vxlan, policies, byAddress);
        var live = node.Host.Netfilter.Filter;
        int lines = 0;
        foreach (var c in desired.Chains)
            if (IsWorkloadState(c.Name) && !(live.TryGetChain(c.Name, out var now) && SameRules(now, c))) lines += 1 + c.Rules.Count;
        foreach (var c in live.Chains)
            if (IsWorkloadState(c.Name) && !desired.TryGetChain(c.Name, out _)) lines += 2;
        return lines;
    }

    /// <summary>Per node, a filter table no packet walks, where Felix's desired chains are built to compare with the live ones.</summary>
    private static readonly ConditionalWeakTable<BuiltNode, IptTable> DesiredTables = new();

    private static IptTable Desired(BuiltNode node, bool ipip, bool vxlan, Policy.ClusterPolicies? policies, bool byAddress)
    {
        var table = DesiredTables.GetValue(node, n => new NetworkNamespace(n.Context, "felix-desired").Netfilter.Filter);
        var old = table.Chains.Where(c => !c.IsBuiltin).ToList();
        foreach (var c in old) c.Flush();
        foreach (var c in old) table.DeleteChain(c);
        ProgramWorkloads(node, table, ipip, vxlan, policies is null ? null : new Policy.CalicoPolicyIptables(policies, table), policies, byAddress);
        return table;
    }

    /// <summary>The chains Reprogram rewrites from the pods and policies: dispatch, per endpoint, per policy, per namespace profile.</summary>
    private static bool IsWorkloadState(string chain) =>
        chain is "cali-from-wl-dispatch" or "cali-to-wl-dispatch" || chain.StartsWith("cali-pri-", StringComparison.Ordinal)
        || chain.StartsWith("cali-pro-", StringComparison.Ordinal) || EndpointChainPrefixes.Any(p => chain.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Felix compares rule hashes; a rule's rendering stands for its hash (ipset members are not in it, as in Felix).</summary>
    private static bool SameRules(IptChain a, IptChain b) =>
        a.Rules.Count == b.Rules.Count && a.Rules.Select(r => r.ToString()).SequenceEqual(b.Rules.Select(r => r.ToString()), StringComparer.Ordinal);

    /// <summary>The rules in Felix's cali- chains of the node's filter table.</summary>
    public static int RuleCount(BuiltNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Host.Netfilter.Filter.Chains.Where(c => c.Name.StartsWith("cali-", StringComparison.Ordinal)).Sum(c => c.Rules.Count);
    }

    private static void ProgramWorkloads(BuiltNode node, IptTable filter, bool ipip, bool vxlan, Policy.CalicoPolicyIptables? felix, Policy.ClusterPolicies? policies, bool byAddress)
    {
        var fromDispatch = filter.GetOrCreateChain("cali-from-wl-dispatch");
        var toDispatch = filter.GetOrCreateChain("cali-to-wl-dispatch");
        foreach (var pod in node.Pods)
        {
            if (pod.HostVeth is not { } veth) continue;
            string iface = veth.Name;
            var endpoint = policies?.Endpoint(pod.Address);
            Func<IptChain, bool>? egress = felix is null || endpoint is null ? null : c => felix.AppendEndpointPolicies(c, endpoint, Policy.PolicyDirection.Egress);
            Func<IptChain, bool>? ingress = felix is null || endpoint is null ? null : c => felix.AppendEndpointPolicies(c, endpoint, Policy.PolicyDirection.Ingress);
            var fw = WorkloadChain(filter, $"cali-fw-{iface}", $"cali-pro-kns.{pod.Placed.Namespace}", ipip, vxlan, egress);
            var tw = WorkloadChain(filter, $"cali-tw-{iface}", $"cali-pri-kns.{pod.Placed.Namespace}", false, false, ingress);
            var pod32 = new Engine.Addressing.Ipv4Prefix(pod.Address, 32);
            fromDispatch.Append(new IptRule { InInterface = byAddress ? null : iface, Source = byAddress ? pod32 : null, Target = StandardTarget.Goto(fw) });
            toDispatch.Append(new IptRule { OutInterface = byAddress ? null : iface, Destination = byAddress ? pod32 : null, Target = StandardTarget.Goto(tw) });
        }
        if (byAddress) return;
        fromDispatch.Append(new IptRule { Target = StandardTarget.Drop, Comment = "Unknown interface" });
        toDispatch.Append(new IptRule { Target = StandardTarget.Drop, Comment = "Unknown interface" });
    }

    /// <summary>
    /// Felix programs a workload that appeared after it started: the endpoint's cali-fw/cali-tw chains (the profile's
    /// allow, as without NetworkPolicy) and its dispatch rules, ahead of the final "Unknown interface" drop.
    /// </summary>
    public static void AddWorkload(BuiltNode node, BuiltPod pod, bool ipip, bool vxlan)
    {
        if (pod.HostVeth is not { } veth) return;
        var filter = node.Host.Netfilter.Filter;
        string iface = veth.Name;
        var fw = WorkloadChain(filter, $"cali-fw-{iface}", $"cali-pro-kns.{pod.Placed.Namespace}", ipip, vxlan, null);
        var tw = WorkloadChain(filter, $"cali-tw-{iface}", $"cali-pri-kns.{pod.Placed.Namespace}", false, false, null);
        var fromDispatch = filter.GetOrCreateChain("cali-from-wl-dispatch");
        var toDispatch = filter.GetOrCreateChain("cali-to-wl-dispatch");
        fromDispatch.Insert(Math.Max(0, fromDispatch.Rules.Count - 1), new IptRule { InInterface = iface, Target = StandardTarget.Goto(fw) });
        toDispatch.Insert(Math.Max(0, toDispatch.Rules.Count - 1), new IptRule { OutInterface = iface, Target = StandardTarget.Goto(tw) });
    }

    /// <summary>
    /// A workload's chain: established first, invalid dropped, tunnels from workloads dropped, then the policies that
    /// isolate the endpoint in this direction (accept or drop), or else the profile.
    /// </summary>
    private static IptChain WorkloadChain(IptTable filter, string name, string profileName, bool dropIpip, bool dropVxlan, Func<IptChain, bool>? policies)
    {
        var chain = filter.GetOrCreateChain(name);
        chain.Append(new IptRule { Matches = [new ConntrackStateMatch(CtState.Related | CtState.Established)], Target = StandardTarget.Accept });
        chain.Append(new IptRule { Matches = [new ConntrackStateMatch(CtState.Invalid)], Target = StandardTarget.Drop });
        chain.Append(new IptRule { Target = MarkTarget.SetXMark(0, AcceptMark) });
        if (dropVxlan) chain.Append(new IptRule { Protocol = 17, DestinationPort = new PortRange(4789), Target = StandardTarget.Drop, Comment = "Drop VXLAN encapped packets originating in workloads" });
        if (dropIpip) chain.Append(new IptRule { Protocol = 4, Target = StandardTarget.Drop, Comment = "Drop IPinIP encapped packets originating in workloads" });
        if (policies?.Invoke(chain) == true) return chain;
        chain.Append(new IptRule { Target = StandardTarget.Jump(Profile(filter, profileName)) });
        chain.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Return, Comment = "Return if profile accepted" });
        chain.Append(new IptRule { Target = StandardTarget.Drop, Comment = "Drop if no profiles matched" });
        return chain;
    }

    /// <summary>The namespace's profile: without NetworkPolicy, kns profiles allow everything (set the accept bit).</summary>
    private static IptChain Profile(IptTable filter, string name)
    {
        if (filter.TryGetChain(name, out var existing)) return existing;
        var chain = filter.NewChain(name);
        chain.Append(new IptRule { Target = MarkTarget.SetXMark(AcceptMark, AcceptMark) });
        chain.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Return });
        return chain;
    }
}
