using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// Builds one testbed path on this machine with ip(8): the two node namespaces joined by a veth pair (each end is
/// the node's eth0), and for pod paths the pods' namespaces on each node's cni0 bridge with a veth each, plus what the
/// CNI programs between nodes (host-gw: a route to the peer's pod subnet via the peer node; VXLAN: flannel.1 with the
/// peer's neighbour and FDB entries, as flanneld writes them). Addresses, MACs and MTUs come from the
/// <see cref="TestbedAddressPlan"/>. Nothing is created outside the namespaces; <see cref="Teardown"/> (and
/// <see cref="RemoveLeftovers"/> for an earlier run) deletes them.
/// </summary>
public sealed class NamespaceTopology
{
    private readonly ProcessRunner _runner;
    private readonly List<string> _namespaces = new();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public NamespaceTopology(ProcessRunner runner) => _runner = runner;

    /// <summary>The namespaces this topology created and has not deleted yet.</summary>
    public IReadOnlyList<string> Namespaces => _namespaces;

    /// <summary>Creates the path's namespaces and wiring; on any failure everything created so far is removed again.</summary>
    public void Build(TestbedPath path, TestbedAddressPlan plan)
    {
        try
        {
            BuildNodes(plan);
            if (!path.HasPods) return;
            for (int n = 0; n < 2; n++) BuildBridge(n, plan);
            foreach (var pod in plan.Pods.Values) BuildPod(pod, plan);
            if (path.IsVxlan) ConnectVxlan(plan);
            else ConnectHostGw(plan);
        }
        catch
        {
            Teardown();
            throw;
        }
    }

    /// <summary>The namespace an endpoint (a pod of the scenario) runs in on this path: the node itself for host networking.</summary>
    public static string NamespaceOf(TestbedPath path, TestbedAddressPlan plan, string pod) =>
        path.HasPods ? TestbedNames.Pod(pod) : TestbedNames.Node(plan.Pods[pod].Node);

    private void BuildNodes(TestbedAddressPlan plan)
    {
        for (int n = 0; n < 2; n++)
        {
            AddNamespace(TestbedNames.Node(n));
            Ip(TestbedNames.Node(n), "link", "set", "lo", "up");
            Sysctl(TestbedNames.Node(n), "net.ipv4.ip_forward=1");
        }
        // ip link add eth0 netns node1 type veth peer name eth0 netns node2: the "wire" between the nodes.
        Ip(TestbedNames.Node1, "link", "add", "eth0", "address", Mac(plan.Nodes[0].Mac), "type", "veth", "peer", "name", "eth0",
            "address", Mac(plan.Nodes[1].Mac), "netns", TestbedNames.Node2);
        for (int n = 0; n < 2; n++)
        {
            string ns = TestbedNames.Node(n);
            Ip(ns, "link", "set", "eth0", "mtu", Int(plan.NodeMtu));
            Ip(ns, "addr", "add", $"{plan.Nodes[n].Address}/{plan.NodePrefixLength}", "dev", "eth0");
            Ip(ns, "link", "set", "eth0", "up");
        }
    }

    /// <summary>cni0 with the node's pod gateway (the bridge plugin's isGateway).</summary>
    private void BuildBridge(int n, TestbedAddressPlan plan)
    {
        string ns = TestbedNames.Node(n);
        var node = plan.Nodes[n];
        if (node.PodSubnet is not { } subnet) throw new TestbedException($"the plan gives node{n + 1} no pod subnet");
        Ip(ns, "link", "add", "cni0", "mtu", Int(plan.PodMtu), "type", "bridge");
        Ip(ns, "addr", "add", $"{node.Gateway}/{subnet.Length}", "dev", "cni0");
        Ip(ns, "link", "set", "cni0", "up");
    }

    /// <summary>A pod: its namespace, a veth with eth0 inside and the host end on cni0 (hairpin on), its address and default route.</summary>
    private void BuildPod(PodPlan pod, TestbedAddressPlan plan)
    {
        string ns = TestbedNames.Pod(pod.Name);
        string node = TestbedNames.Node(pod.Node);
        var n = plan.Nodes[pod.Node];
        AddNamespace(ns);
        Ip(ns, "link", "set", "lo", "up");
        string hostEnd = "veth" + pod.Name;
        Ip(node, "link", "add", hostEnd, "mtu", Int(plan.PodMtu), "type", "veth", "peer", "name", "eth0", "mtu", Int(plan.PodMtu), "netns", ns);
        Ip(node, "link", "set", hostEnd, "master", "cni0");
        Ip(node, "link", "set", hostEnd, "type", "bridge_slave", "hairpin", "on");
        Ip(node, "link", "set", hostEnd, "up");
        Ip(ns, "addr", "add", $"{pod.Address}/{n.PodSubnet!.Value.Length}", "dev", "eth0");
        Ip(ns, "link", "set", "eth0", "up");
        Ip(ns, "route", "add", "default", "via", n.Gateway.ToString());
    }

    /// <summary>host-gw: each node routes the other's pod subnet via the other node's address on eth0.</summary>
    private void ConnectHostGw(TestbedAddressPlan plan)
    {
        for (int n = 0; n < 2; n++)
        {
            var peer = plan.Nodes[1 - n];
            Ip(TestbedNames.Node(n), "route", "add", peer.PodSubnet!.Value.ToString(), "via", peer.Address.ToString(), "dev", "eth0");
        }
    }

    /// <summary>flannel's VXLAN backend: flannel.1 (learning off), an onlink route via the peer's flannel.1 address, its neighbour and FDB entries.</summary>
    private void ConnectVxlan(TestbedAddressPlan plan)
    {
        for (int n = 0; n < 2; n++)
        {
            string ns = TestbedNames.Node(n);
            var me = plan.Nodes[n];
            var tunnel = me.Tunnel ?? throw new TestbedException($"the plan gives node{n + 1} no VXLAN device");
            Ip(ns, "link", "add", "flannel.1", "address", Mac(tunnel.Mac), "mtu", Int(plan.PodMtu), "type", "vxlan", "id", "1",
                "local", me.Address.ToString(), "dev", "eth0", "dstport", "8472", "nolearning");
            Ip(ns, "addr", "add", $"{tunnel.Address}/32", "dev", "flannel.1");
            Ip(ns, "link", "set", "flannel.1", "up");
        }
        for (int n = 0; n < 2; n++)
        {
            string ns = TestbedNames.Node(n);
            var peer = plan.Nodes[1 - n];
            var t = peer.Tunnel!;
            Ip(ns, "route", "add", peer.PodSubnet!.Value.ToString(), "via", t.Address.ToString(), "dev", "flannel.1", "onlink");
            Ip(ns, "neigh", "add", t.Address.ToString(), "lladdr", Mac(t.Mac), "dev", "flannel.1", "nud", "permanent");
            Exec(ns, "bridge", "fdb", "append", Mac(t.Mac), "dev", "flannel.1", "dst", peer.Address.ToString());
        }
    }

    /// <summary>Deletes every namespace this topology created (their links, routes and rules go with them).</summary>
    public void Teardown()
    {
        for (int i = _namespaces.Count - 1; i >= 0; i--)
        {
            _runner.Run("ip", ["netns", "del", _namespaces[i]], Timeout);
            _namespaces.RemoveAt(i);
        }
    }

    /// <summary>
    /// Finds what an earlier run that was killed left behind (namespaces named with the prefix), stops the processes
    /// still in them (by their ids, from ip netns pids) and deletes them. Returns the names it removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveLeftovers(ProcessRunner runner)
    {
        var removed = new List<string>();
        foreach (string ns in Leftovers(runner))
        {
            var pids = runner.Run("ip", ["netns", "pids", ns], Timeout);
            foreach (string pid in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _)) runner.Run("kill", ["-9", pid], Timeout);
            var del = runner.Run("ip", ["netns", "del", ns], Timeout);
            if (!del.Succeeded && Leftovers(runner).Contains(ns)) throw new TestbedException($"cannot delete the leftover namespace {ns}: {del.FirstErrorLine}");
            removed.Add(ns);
        }
        return removed;
    }

    /// <summary>The network namespaces named with the testbed's prefix that exist now.</summary>
    public static IReadOnlyList<string> Leftovers(ProcessRunner runner)
    {
        var list = runner.Run("ip", ["netns", "list"], Timeout);
        if (!list.Succeeded) throw new TestbedException($"ip netns list failed: {list.FirstErrorLine}");
        return list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ')[0]).Where(TestbedNames.IsOurs).ToList();
    }

    private void AddNamespace(string ns)
    {
        if (CleanupGuard.Stopping) throw new OperationCanceledException("interrupted: creating nothing more");
        Check(_runner.Run("ip", ["netns", "add", ns], Timeout));
        _namespaces.Add(ns);
    }

    private void Ip(string ns, params string[] args) => Check(_runner.Run("ip", ["-n", ns, .. args], Timeout));

    private void Sysctl(string ns, string setting) => Exec(ns, "sysctl", "-qw", setting);

    private void Exec(string ns, string file, params string[] args) => Check(_runner.Run("ip", ["netns", "exec", ns, file, .. args], Timeout));

    private static void Check(ProcessResult r)
    {
        if (!r.Succeeded) throw new TestbedException($"{r.Command}: {r.FirstErrorLine}");
    }

    private static string Mac(NetSim.Engine.Addressing.MacAddress mac) => mac.ToString().ToLowerInvariant();

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
}
