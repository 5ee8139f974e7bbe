using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni.Aws;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Planning.Requirements;

/// <summary>
/// Reads a requirements file (YAML, format in docs/planning.md) strictly: every field typed and range-checked,
/// unknown fields rejected with the nearest known one, each error naming file, line and field.
/// </summary>
public static class RequirementsReader
{
    /// <summary>kubelet's maxPods default (KubeletConfiguration v1beta1 defaults).</summary>
    public const int DefaultMaxPods = 110;
    /// <summary>kube-controller-manager --node-cidr-mask-size for IPv4, and Cilium's clusterPoolIPv4MaskSize.</summary>
    public const int DefaultNodeMask = 24;
    /// <summary>The most workers a cluster is planned for (Kubernetes' documented limit is 5,000 nodes; room for the far side of it).</summary>
    public const int MaxWorkers = 100_000;

    /// <summary>Calico IPPool blockSize default for IPv4.</summary>
    public const int DefaultBlockSize = 26;

    /// <summary>RFC 1918's private blocks, where a plan takes its prefixes unless told otherwise.</summary>
    public static readonly IReadOnlyList<Ipv4Prefix> Rfc1918 =
        [Ipv4Prefix.Parse("10.0.0.0/8"), Ipv4Prefix.Parse("172.16.0.0/12"), Ipv4Prefix.Parse("192.168.0.0/16")];

    /// <summary>RFC 6598's shared address space (carrier-grade NAT), used only when allowed.</summary>
    public static readonly Ipv4Prefix SharedAddressSpace = Ipv4Prefix.Parse("100.64.0.0/10");

    public static PlanRequirements Load(string path) => Parse(InputFile.ReadText(path, "requirements"), path);

    public static PlanRequirements Parse(string yaml, string file = "requirements.yaml")
    {
        var doc = YamlDoc.Parse(yaml, file);
        var top = doc.Top;
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        string name = top.Text("name", Path.GetFileNameWithoutExtension(file));
        if (!Dns1123.IsLabel(name)) throw top.Error("name", $"'{name}' is not a valid name (lower-case letters, digits and '-', at most 63)");
        top.Text("description", "");

        var nodes = top.Map("nodes");
        int controlPlane = Read(nodes, "control_plane", 0, 0, 100, lines);
        int workers = Read(nodes, "workers", null, 1, MaxWorkers, lines);
        nodes.RejectUnknown();
        int pods = Read(top, "pods", null, 0, 10_000_000, lines);
        int services = Read(top, "services", 0, 0, 1_000_000, lines);
        decimal growth = top.Number("growth", 1m, 1m, 100m);
        Note(top, "growth", lines);
        int maxPods = Read(top, "max_pods", DefaultMaxPods, 1, 10_000, lines);
        var cni = ReadCni(top.Map("cni"), lines);
        var environments = ReadEnvironments(top, workers, pods, services, lines);
        var management = top.OptionalMap("management");
        int managementHosts = management is null ? 0 : Read(management, "hosts", null, 1, 1_000_000, lines);
        management?.RejectUnknown();
        var avoid = Prefixes(top, "avoid", lines);
        bool shared = top.Flag("allow_shared_address_space", false);
        var space = ReadSpace(top, shared, lines);
        top.RejectUnknown();

        return new PlanRequirements(name, file, controlPlane, workers, pods, services, growth, maxPods, cni, environments,
            managementHosts, avoid, space) { Lines = lines };
    }

    private static int Read(YamlMap m, string key, int? fallback, int min, int max, Dictionary<string, int> lines)
    {
        int v = fallback is { } f ? m.Count(key, f, min, max) : m.Has(key) ? m.Count(key, 0, min, max) : throw m.Error(key, "is required");
        Note(m, key, lines);
        return v;
    }

    private static void Note(YamlMap m, string key, Dictionary<string, int> lines)
    {
        if (m.Find(key) is { } n) lines[m.FieldPath(key)] = (int)n.Start.Line;
    }

    private static CniRules ReadCni(YamlMap m, Dictionary<string, int> lines)
    {
        string ipam = m.OneOf("ipam", "", CniRules.All);
        if (ipam.Length == 0) throw m.Error("ipam", $"is required: one of {string.Join(", ", CniRules.All)}");
        Note(m, "ipam", lines);
        bool perNode = ipam is CniRules.HostLocal or CniRules.Cilium;
        int nodeMask = perNode ? Read(m, "node_mask", DefaultNodeMask, 8, 30, lines) : Refuse(m, "node_mask", ipam, 0);
        int blockSize = ipam == CniRules.Calico ? Read(m, "block_size", DefaultBlockSize, 20, 32, lines) : Refuse(m, "block_size", ipam, 0);
        bool aws = ipam == CniRules.AwsVpc;
        bool prefixDelegation = aws ? m.Flag("prefix_delegation", false) : Refuse(m, "prefix_delegation", ipam, false);
        Note(m, "prefix_delegation", lines);
        var type = aws ? ReadInstanceType(m, prefixDelegation, lines) : Refuse<Ec2InstanceType?>(m, "instance_type", ipam, null);
        int enis = aws ? ReadEniLimit(m, "enis", type?.EnisForPods, 1, lines) : Refuse(m, "enis", ipam, 0);
        int ipsPerEni = aws ? ReadEniLimit(m, "ips_per_eni", type?.Ipv4PerEni, 2, lines) : Refuse(m, "ips_per_eni", ipam, 0);
        string datapath = ReadDatapath(m, ipam);
        Note(m, "datapath", lines);
        m.RejectUnknown();
        string instanceType = type?.Name ?? (aws ? AwsInstanceTypes.Matching(enis, ipsPerEni, prefixDelegation)?.Name ?? "" : "");
        return new CniRules(ipam, nodeMask, blockSize, enis, ipsPerEni, prefixDelegation, datapath, instanceType);
    }

    /// <summary>cni.instance_type: one of the VPC CNI's limits table (prefix delegation needs a Nitro one, as the plugin says).</summary>
    private static Ec2InstanceType? ReadInstanceType(YamlMap m, bool prefixDelegation, Dictionary<string, int> lines)
    {
        if (!m.Has("instance_type")) return null;
        string name = m.Text("instance_type");
        Note(m, "instance_type", lines);
        if (!Ec2InstanceTypes.TryFind(name, out var type))
            throw m.Error("instance_type", $"'{name}' is not in the VPC CNI's limits table{NearestName.Suggestion(name, Ec2InstanceTypes.All.Keys)}");
        if (prefixDelegation && !type.IsNitro)
            throw m.Error("instance_type", $"{name} is not a Nitro instance, and prefix delegation needs one");
        return type;
    }

    /// <summary>cni.enis or cni.ips_per_eni: required without an instance type; with one, it must agree with the type's.</summary>
    private static int ReadEniLimit(YamlMap m, string key, int? fromType, int min, Dictionary<string, int> lines)
    {
        if (fromType is not { } t) return Read(m, key, null, min, 100, lines);
        if (!m.Has(key))
        {
            // A limit the instance type sets is on the instance type's line, for a refusal that names it.
            lines[m.FieldPath(key)] = lines[m.FieldPath("instance_type")];
            return t;
        }
        int given = Read(m, key, null, min, 100, lines);
        return given == t ? t : throw m.Error(key, $"is {given} but cni.instance_type {m.Text("instance_type")} has {t}");
    }

    private static T Refuse<T>(YamlMap m, string key, string ipam, T none) =>
        m.Has(key) ? throw m.Error(key, $"does not apply to ipam {ipam}") : none;

    /// <summary>The datapath a written scenario runs: one that allocates pod addresses the way the IPAM does.</summary>
    private static string ReadDatapath(YamlMap m, string ipam)
    {
        string[] allowed = ipam switch
        {
            CniRules.HostLocal => [DatapathNames.FlannelVxlan, DatapathNames.FlannelHostGw, DatapathNames.Bridge],
            CniRules.Calico => [DatapathNames.CalicoVxlan, DatapathNames.CalicoIpip, DatapathNames.CalicoBgp, DatapathNames.CalicoEbpf],
            CniRules.Cilium => [DatapathNames.CiliumVxlan, DatapathNames.CiliumGeneve, DatapathNames.CiliumLegacy, DatapathNames.CiliumEbpf],
            _ => [DatapathNames.AwsVpcCni],
        };
        return m.OneOf("datapath", allowed[0], allowed);
    }

    private static List<EnvironmentRequirement> ReadEnvironments(YamlMap top, int workers, int pods, int services, Dictionary<string, int> lines)
    {
        var items = top.Maps("environments");
        if (items.Count == 0) return [new EnvironmentRequirement("default", "default", workers, pods, services)];
        var list = new List<EnvironmentRequirement>();
        foreach (var m in items)
        {
            string name = m.Text("name");
            if (!Dns1123.IsLabel(name)) throw m.Error("name", $"'{name}' is not a valid name (lower-case letters, digits and '-', at most 63)");
            if (list.Any(e => e.Name == name)) throw m.Error("name", $"environment '{name}' is named twice");
            string cluster = m.Text("cluster", name);
            if (!Dns1123.IsLabel(cluster)) throw m.Error("cluster", $"'{cluster}' is not a valid cluster name");
            var env = new EnvironmentRequirement(name, cluster,
                Read(m, "workers", workers, 1, MaxWorkers, lines), Read(m, "pods", pods, 0, 10_000_000, lines),
                Read(m, "services", services, 0, 1_000_000, lines));
            m.RejectUnknown();
            list.Add(env);
        }
        return list;
    }

    private static List<Ipv4Prefix> Prefixes(YamlMap top, string key, Dictionary<string, int> lines)
    {
        Note(top, key, lines);
        var list = new List<Ipv4Prefix>();
        foreach (string text in top.Strings(key))
        {
            if (!Ipv4Prefix.TryParse(text, out var prefix, out string error)) throw top.Error(key, error);
            list.Add(prefix);
        }
        return list;
    }

    private static List<Ipv4Prefix> ReadSpace(YamlMap top, bool shared, Dictionary<string, int> lines)
    {
        var space = top.Has("space") ? Prefixes(top, "space", lines) : [.. Rfc1918];
        if (space.Count == 0) throw top.Error("space", "needs at least one prefix to plan in");
        foreach (var p in space)
            if (!Rfc1918.Any(r => r.Contains(p)) && !SharedAddressSpace.Contains(p))
                throw top.Error("space", $"{p} is not private address space (RFC 1918: {string.Join(", ", Rfc1918)}; RFC 6598: {SharedAddressSpace})");
        if (shared && !space.Any(p => SharedAddressSpace.Contains(p))) space.Add(SharedAddressSpace);
        return space;
    }
}
