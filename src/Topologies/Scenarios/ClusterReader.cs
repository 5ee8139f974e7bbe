using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>Reads the "cluster" section: nodes (a count or a list), NIC, fabric and the address plan.</summary>
internal static class ClusterReader
{
    /// <summary>kubelet maxPods default (reference §5.4).</summary>
    public const int DefaultMaxPods = 110;
    /// <summary>kube-controller-manager --node-cidr-mask-size default for IPv4 (reference §5.4).</summary>
    public const int DefaultNodeMask = 24;
    /// <summary>kubeadm's Service subnet (reference §5.4).</summary>
    public const string DefaultServiceCidr = "10.96.0.0/12";
    /// <summary>Node addresses: a private /16 like kind's docker network, clear of every default pod and Service CIDR.</summary>
    public const string DefaultNodeCidr = "172.18.0.0/16";

    public static ClusterSpec Read(YamlMap m, string datapath)
    {
        var nic = ReadNic(m.OptionalMap("nic"));
        int cores = m.Count("cores", 8, 1, 1024);
        var nodes = ReadNodes(m, cores, nic);
        var fabric = ReadFabric(m.OptionalMap("fabric"), nic.RateBps);
        var spec = new ClusterSpec(
            nodes,
            fabric,
            Cidr(m, "pod_cidr", DefaultPodCidr(datapath)),
            Cidr(m, "service_cidr", DefaultServiceCidr),
            Cidr(m, "node_cidr", DefaultNodeCidr),
            m.Count("node_mask", DefaultNodeMask, 8, 30),
            m.Count("max_pods", DefaultMaxPods, 1, 10000))
        {
            CpuScale = m.Number("cpu_scale", 1m, 0.01m, 100m),
            // ethtool -C rx-usecs is a u32 of microseconds; anything past a second is no longer interrupt moderation.
            NicRxCoalescing = m.Has("nic_rx_coalescing") ? m.Time("nic_rx_coalescing", SimTime.Zero, SimTime.Zero, SimTime.FromSeconds(1)) : null,
            L2CacheBytes = m.Has("l2_cache") ? m.Bytes("l2_cache", 0, 1L << 10, 1L << 30) : null,
            WakeAffine = m.Flag("wake_affine", true),
            ZeroChecksumTunnelGro = m.Flag("zero_csum_tunnel_gro", true),
            SharedCpu = m.Flag("shared_cpu", false),
            ConntrackClash = m.OneOf("conntrack_clash", ClusterSpec.ClashMatching, ClusterSpec.ClashDrop, ClusterSpec.ClashMatching, ClusterSpec.ClashInsert),
        };
        if (m.Has("external_network")) spec = spec with { ExternalNetwork = ExternalNetwork(m, spec) };
        spec = LoadBalancerReader.Read(m, spec);
        if (m.OptionalMap("dhcp_server") is { } dhcp) spec = spec with { DhcpServer = DhcpServerReader.Read(dhcp, spec) };
        if (m.Has("nics")) spec = spec with { SecondaryNics = SecondaryNicReader.Read(m, spec) };
        m.RejectUnknown();
        return spec;
    }

    /// <summary>
    /// Calico's manifest pool is 192.168.0.0/16; Flannel's is 10.244.0.0/16. Cilium's Helm default 10.0.0.0/8 overlaps
    /// kubeadm's Service CIDR, so NetSim uses 10.244.0.0/16 for it, as kubeadm guides do.
    /// </summary>
    private static string DefaultPodCidr(string datapath) =>
        datapath.StartsWith("calico", StringComparison.Ordinal) ? "192.168.0.0/16"
        : DatapathNames.IsWeave(datapath) ? Ipam.WeaveIpamRing.DefaultRange // --ipalloc-range's default
        : "10.244.0.0/16";

    private static List<NodeSpec> ReadNodes(YamlMap m, int cores, NicSpec nic)
    {
        var node = m.Find("nodes");
        if (node is YamlDotNet.RepresentationModel.YamlSequenceNode)
        {
            var list = m.Maps("nodes").Select((n, i) => ReadNode(n, i, cores, nic)).ToList();
            if (list.Count == 0) throw m.Error("nodes", "needs at least one node");
            var dup = list.GroupBy(n => n.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (dup is not null) throw m.Error("nodes", $"node name '{dup.Key}' is used twice");
            return list;
        }
        var counted = m.OptionalMap("nodes");
        int count = counted?.Count("count", 2, 1, 5000) ?? 2;
        int perNodeCores = counted?.Count("cores", cores, 1, 1024) ?? cores;
        int racks = counted?.Count("racks", 1, 1, 1000) ?? 1;
        var zones = counted is not null && counted.Has("zones") ? Zones(counted) : [];
        counted?.RejectUnknown();
        return Enumerable.Range(0, count)
            .Select(i => new NodeSpec($"node{i + 1}", perNodeCores, nic, "worker", i * racks / count) { Zone = zones.Count == 0 ? "" : zones[i % zones.Count] })
            .ToList();
    }

    /// <summary>"nodes.zones": topology.kubernetes.io/zone values given to node1, node2, ... round-robin (each a label value, listed once).</summary>
    private static List<string> Zones(YamlMap m)
    {
        var zones = m.Strings("zones").ToList();
        if (zones.Count == 0) throw m.Error("zones", "needs at least one zone");
        foreach (string z in zones)
            if (ZoneProblem(z) is { } problem) throw m.Error("zones", problem);
        if (zones.Distinct(StringComparer.Ordinal).Count() != zones.Count) throw m.Error("zones", "a zone is listed twice");
        return zones;
    }

    /// <summary>A label value: at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric.</summary>
    private static string? ZoneProblem(string z) =>
        z.Length is >= 1 and <= 63 && char.IsAsciiLetterOrDigit(z[0]) && char.IsAsciiLetterOrDigit(z[^1]) && z.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? null
            : $"'{z}' is not a label value (1-63 letters, digits, '-', '_', '.', alphanumeric at both ends)";

    private static NodeSpec ReadNode(YamlMap n, int index, int cores, NicSpec nic)
    {
        var spec = new NodeSpec(
            n.Text("name", $"node{index + 1}"),
            n.Count("cores", cores, 1, 1024),
            n.OptionalMap("nic") is { } own ? ReadNic(own, nic) : nic,
            n.OneOf("role", "worker", "control-plane", "worker"),
            n.Count("rack", 0, 0, 1000))
        { Zone = n.OptionalString("zone") ?? "" };
        if (n.Has("zone") && ZoneProblem(spec.Zone) is { } problem) throw n.Error("zone", problem);
        n.RejectUnknown();
        return spec;
    }

    internal static NicSpec ReadNic(YamlMap? m, NicSpec? fallback = null)
    {
        var d = fallback ?? new NicSpec(10_000_000_000, 1500, 8, true, true, true, true);
        if (m is null) return d;
        var spec = new NicSpec(
            m.BitRate("rate", d.RateBps),
            m.Count("mtu", d.Mtu, 576, 9216),
            m.Count("queues", d.Queues, 1, 256),
            m.Flag("tso", d.Tso),
            m.Flag("tunnel_tso", d.TunnelTso),
            m.Flag("gro", d.Gro),
            m.Flag("checksum_offload", d.ChecksumOffload))
        {
            RxRing = m.Count("rx_ring", d.RxRing, 64, 16384),
            TunnelRxChecksum = m.Flag("tunnel_rx_checksum", d.TunnelRxChecksum),
            Rps = m.Flag("rps", d.Rps),
            Rfs = m.Flag("rfs", d.Rfs),
            Driver = m.Has("driver") ? m.OneOf("driver", Engine.Nics.NicDrivers.I40e, [.. Engine.Nics.NicDrivers.Names]) : d.Driver,
        };
        if (spec.Rfs && !spec.Rps) throw m.Error("rfs", "RFS steers through RPS: set rps: true too");
        m.RejectUnknown();
        return spec;
    }

    private static FabricSpec ReadFabric(YamlMap? m, long nicRate)
    {
        var d = new FabricSpec(FabricSpec.SingleSwitch, nicRate, SimTime.FromNanoseconds(500), null,
            4L << 20, 1, 2, nicRate * 4, 1m);
        if (m is null) return d;
        string type = m.OneOf("type", d.Type, FabricSpec.SingleSwitch, FabricSpec.LeafSpine, FabricSpec.VethPair);
        var spec = new FabricSpec(
            type,
            m.BitRate("link_rate", d.LinkRateBps),
            m.Time("propagation", d.Propagation, SimTime.Zero, SimTime.FromSeconds(1)),
            m.Has("switch_latency") ? m.Time("switch_latency", SimTime.Zero, SimTime.Zero, SimTime.FromSeconds(1)) : null,
            m.Bytes("port_buffer", d.PortBufferBytes, 1, 1L << 30),
            m.Count("racks", type == FabricSpec.LeafSpine ? 2 : 1, 1, 1000),
            m.Count("spines", d.Spines, 1, 64),
            m.BitRate("uplink_rate", d.UplinkRateBps),
            m.Number("oversubscription", d.Oversubscription, 0.01m, 100m))
        {
            Ecmp = m.OneOf("ecmp", d.Ecmp, FabricSpec.EcmpModulo, FabricSpec.EcmpResilient),
            EcmpBuckets = m.Count("ecmp_buckets", d.EcmpBuckets, 64, 1024),
            LinkDebounce = m.Time("link_debounce", d.LinkDebounce, SimTime.Zero, SimTime.FromSeconds(10)),
            // RFC 4271 §4.2: a hold time is zero or at least three seconds (zero, no keepalives, is not a failure detector).
            BgpHoldTime = m.Time("bgp_hold_time", d.BgpHoldTime, SimTime.FromSeconds(3), SimTime.FromSeconds(65535)),
            Bfd = m.Flag("bfd", d.Bfd),
            BfdInterval = m.Time("bfd_interval", d.BfdInterval, SimTime.FromMilliseconds(1), SimTime.FromSeconds(60)),
            BfdMultiplier = m.Count("bfd_multiplier", d.BfdMultiplier, 1, 255),
        };
        // The switch ASICs' flowset tables come in powers of two (Cumulus Linux: 64, 128, 256, 512 or 1024).
        if (!System.Numerics.BitOperations.IsPow2(spec.EcmpBuckets)) throw m.Error("ecmp_buckets", $"{spec.EcmpBuckets} is not one of 64, 128, 256, 512, 1024");
        CheckFabricTimers(m, spec);
        m.RejectUnknown();
        return spec;
    }

    /// <summary>The fabric's failure detection (debounce, BGP, BFD) is about switch-to-switch links: only a leaf-spine fabric has them.</summary>
    private static void CheckFabricTimers(YamlMap m, FabricSpec spec)
    {
        foreach (string key in new[] { "link_debounce", "bgp_hold_time", "bfd", "bfd_interval", "bfd_multiplier" })
            if (m.Has(key) && spec.Type != FabricSpec.LeafSpine)
                throw m.Error(key, $"needs a leaf-spine fabric: fabric {spec.Type} has no switch-to-switch links or BGP sessions");
        foreach (string key in new[] { "bfd_interval", "bfd_multiplier" })
            if (m.Has(key) && !spec.Bfd) throw m.Error(key, "sets BFD's timers: set bfd: true too");
    }

    /// <summary>The outside network behind the gateway: at least a /30 (the router's .1 and a host), clear of the cluster's own ranges.</summary>
    private static Ipv4Prefix ExternalNetwork(YamlMap m, ClusterSpec spec)
    {
        var wan = Cidr(m, "external_network", "");
        if (wan.Length > 30) throw m.Error("external_network", $"{wan} is smaller than a /30: no room for the gateway and a host");
        if (spec.Fabric.IsVethPair) throw m.Error("external_network", "a veth-pair fabric cables two nodes back to back: there is no gateway to put an outside network behind");
        foreach (var (key, other) in new[] { ("pod_cidr", spec.PodCidr), ("service_cidr", spec.ServiceCidr), ("node_cidr", spec.NodeCidr) })
            if (other.Contains(wan.Network) || wan.Contains(other.Network))
                throw m.Error("external_network", $"{wan} overlaps {key} {other}: the outside world must be outside the cluster");
        return wan;
    }

    private static Ipv4Prefix Cidr(YamlMap m, string key, string fallback)
    {
        string text = m.OptionalString(key) ?? fallback;
        return Ipv4Prefix.TryParse(text, out var p, out string error) ? p : throw m.Error(key, error);
    }
}
