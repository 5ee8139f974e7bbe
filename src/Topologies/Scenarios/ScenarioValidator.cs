using NetSim.Engine.Addressing;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Checks that need the whole scenario: overlapping address plans, pods that do not fit a node, Services that
/// select nothing, endpoints that name nothing, and datapaths that the fabric cannot carry.
/// </summary>
internal static class ScenarioValidator
{
    public static void Validate(Scenario s, YamlDoc doc)
    {
        CheckCidrs(s, doc);
        CheckPodsFit(s, doc);
        CheckDatapathFitsFabric(s, doc);
        DeviceDatapathChecks.Check(s, doc);
        CheckOneMachine(s, doc);
        CheckServicesHaveEndpoints(s, doc);
        CheckExternalIps(s, doc);
        CheckTrafficEndpoints(s, doc);
        CheckReplayEndpoints(s);
        CheckPingFitsMtu(s, doc);
    }

    /// <summary>Fragmentation is not modelled: an echo must fit the MTU of the interface it leaves by (ping -M do).</summary>
    private static void CheckPingFitsMtu(Scenario s, YamlDoc doc)
    {
        for (int i = 0; i < s.Traffic.Count; i++)
        {
            var t = s.Traffic[i];
            if (t.Kind != "ping") continue;
            int mtu = InterfaceMtu.Of(s, t.From);
            int max = mtu - Engine.Packets.Ipv4Header.Size - Engine.Packets.IcmpHeader.Size;
            if (t.PayloadSize > max)
                throw Error(doc, $"traffic[{i}].payload_size", $"{t.PayloadSize} bytes does not fit {t.From}'s MTU {mtu} (at most {max}; fragmentation is not modelled)");
        }
    }

    private static void CheckCidrs(Scenario s, YamlDoc doc)
    {
        var c = s.Cluster;
        var plans = new (string Field, Ipv4Prefix Prefix)[]
        {
            ("cluster.pod_cidr", c.PodCidr), ("cluster.service_cidr", c.ServiceCidr), ("cluster.node_cidr", c.NodeCidr),
        };
        for (int i = 0; i < plans.Length; i++)
            for (int j = i + 1; j < plans.Length; j++)
                if (plans[i].Prefix.Overlaps(plans[j].Prefix))
                    throw Error(doc, plans[j].Field, $"{plans[j].Prefix} overlaps {plans[i].Field} {plans[i].Prefix}");
        if (c.NodeMask < c.PodCidr.Length)
            throw Error(doc, "cluster.node_mask", $"/{c.NodeMask} per node is larger than the pod CIDR {c.PodCidr}");
        ulong perNodeSubnets = 1UL << (c.NodeMask - c.PodCidr.Length);
        if (UsesPerNodeSubnets(s.Cni.Datapath) && (ulong)c.Nodes.Count > perNodeSubnets)
            throw Error(doc, "cluster.node_mask", $"{c.PodCidr} holds only {perNodeSubnets} /{c.NodeMask} node subnets for {c.Nodes.Count} nodes");
        if ((ulong)c.Nodes.Count + 2 > c.NodeCidr.Size)
            throw Error(doc, "cluster.node_cidr", $"{c.NodeCidr} has no room for {c.Nodes.Count} node addresses");
        ulong services = (ulong)s.Services.Count(v => v.Type != ServiceSpec.Headless);
        if (services + 2 > c.ServiceCidr.Size)
            throw Error(doc, "cluster.service_cidr", $"{c.ServiceCidr} has no room for {services} ClusterIPs");
    }

    /// <summary>Pods per node must fit max-pods and the node's pod subnet (host-local: the subnet less network, gateway, broadcast).</summary>
    private static void CheckPodsFit(Scenario s, YamlDoc doc)
    {
        var perNode = PodPlacement.Place(s.Cluster, s.Workloads).GroupBy(p => p.Node, StringComparer.Ordinal);
        int subnetCapacity = (1 << (32 - s.Cluster.NodeMask)) - 3;
        foreach (var g in perNode)
        {
            int pods = g.Count(p => !p.HostNetwork);
            int index = IndexOf(s, g.Last().Workload);
            string culprit = $"workloads[{index}].replicas";
            var origin = s.Workloads.Count > 0 ? s.Workloads[index].Origin : null;
            if (pods > s.Cluster.MaxPods)
                throw Error(doc, origin, culprit, $"node {g.Key} gets {pods} pods, more than max_pods {s.Cluster.MaxPods}");
            if (s.Cni is { Datapath: DatapathNames.AwsVpcCni, Aws: { } aws } && AwsPodCapacity(aws) is var (capacity, what) && pods > capacity)
                throw Error(doc, origin, culprit, $"node {g.Key} gets {pods} pods but {what}");
            if (UsesPerNodeSubnets(s.Cni.Datapath) && pods > subnetCapacity)
                throw Error(doc, origin, culprit, $"node {g.Key} gets {pods} pods but its /{s.Cluster.NodeMask} pod subnet holds {subnetCapacity}");
        }
    }

    /// <summary>
    /// The pod addresses an aws-vpc-cni node has: max pods less the two host-network pods the formula counts
    /// (aws-node, kube-proxy), or with prefix delegation every /28 the ENIs can hold.
    /// </summary>
    private static (int Capacity, string What) AwsPodCapacity(AwsVpcCniSpec aws)
    {
        var type = Cni.Aws.Ec2InstanceTypes.All[aws.InstanceType];
        if (aws.PrefixDelegation)
        {
            int pd = Cni.Aws.EniMaxPods.PrefixDelegationMaxAllowed(type) - Cni.Aws.EniMaxPods.HostNetworkPods;
            return (pd, $"{aws.InstanceType}'s ENIs hold {pd} pod addresses in /28 prefixes");
        }
        int max = Cni.Aws.EniMaxPods.SecondaryIp(type);
        return (max - Cni.Aws.EniMaxPods.HostNetworkPods,
            $"{aws.InstanceType} has max pods {max} ({type.EnisForPods} ENIs x ({type.Ipv4PerEni} IPv4 - 1) + 2, two of them aws-node and kube-proxy); cni.aws.prefix_delegation lifts it");
    }

    private static int IndexOf(Scenario s, string workload)
    {
        for (int i = 0; i < s.Workloads.Count; i++)
            if (s.Workloads[i].Name == workload) return i;
        return 0;
    }

    private static void CheckDatapathFitsFabric(Scenario s, YamlDoc doc)
    {
        // Host networking has no pod network to encrypt: a baseline run of an encrypted scenario stays plain.
        if (s.Cni.Encryption && s.Cni.Datapath is not (DatapathNames.Host or DatapathNames.FlannelWireGuard) && !NodeEncryptionKinds.Supports(s.Cni.Datapath, s.Cni.EncryptionType))
        {
            var offered = NodeEncryptionKinds.Offering(s.Cni.EncryptionType);
            throw Error(doc, "cni.encryption", $"{s.Cni.EncryptionType} encryption is offered by {string.Join(", ", offered)}, not {s.Cni.Datapath}");
        }
        if (DatapathNames.IsWeave(s.Cni.Datapath) && s.Cluster.Nodes.Min(n => n.Nic.Mtu) is var nic && WeaveOverlay.PodMtu(s.Cni, nic) < 68)
            throw Error(doc, "cni.mtu", $"a {nic}-byte NIC leaves Weave's sleeve no room for a frame (it needs {WeaveSleeveOverhead(s.Cni)} bytes of the underlay MTU)");
        if (s.Cni.Datapath == DatapathNames.AwsVpcCni && s.Cluster.Fabric.IsVethPair)
            throw Error(doc, "cni.datapath", "aws-vpc-cni needs nodes with NICs on a switched fabric (the VPC), not a veth pair");
        if (s.Cni.Datapath is DatapathNames.Macvlan or DatapathNames.Ipvlan or DatapathNames.Sriov or DatapathNames.HostDevice && s.Cluster.Fabric.Type != Model.FabricSpec.SingleSwitch)
            throw Error(doc, "cni.datapath", $"{s.Cni.Datapath} puts pods on the nodes' L2 network and needs a single-switch fabric, not {s.Cluster.Fabric.Type}");
        if (s.Cni.Datapath == DatapathNames.FlannelHostGw && !s.Cluster.Fabric.SharedL2)
            throw Error(doc, "cni.datapath", "flannel-host-gw routes via peer node IPs and needs a shared L2; this leaf-spine fabric has several racks (use flannel-vxlan)");
        foreach (var (d, i) in s.CompareDatapaths.Select((d, i) => (d, i)))
        {
            if (d == DatapathNames.FlannelHostGw && !s.Cluster.Fabric.SharedL2)
                throw Error(doc, $"compare[{i}]", "flannel-host-gw needs a shared L2, which this fabric does not have");
            if (d is DatapathNames.Macvlan or DatapathNames.Ipvlan or DatapathNames.Sriov or DatapathNames.HostDevice && s.Cluster.Fabric.Type != Model.FabricSpec.SingleSwitch)
                throw Error(doc, $"compare[{i}]", $"{d} needs a single-switch fabric (pods on the nodes' L2 network)");
        }
    }

    private static int WeaveSleeveOverhead(Model.CniSpec cni) => Datapaths.Tunnels.WeaveSleeveRouter.Overhead(WeaveOverlay.Encrypted(cni)) + Engine.Packets.EthernetHeader.Size;

    /// <summary>
    /// A veth pair has two ends: exactly two nodes and nobody else on the "wire" (no external clients). Nodes sharing
    /// one machine's cores must agree on how many it has.
    /// </summary>
    private static void CheckOneMachine(Scenario s, YamlDoc doc)
    {
        var c = s.Cluster;
        if (c.Fabric.IsVethPair)
        {
            if (c.Nodes.Count != 2)
                throw Error(doc, "cluster.fabric.type", $"a veth-pair fabric joins exactly two nodes, not {c.Nodes.Count}");
            if (!c.SharedCpu)
                throw Error(doc, "cluster.fabric.type", "a veth pair lives in one kernel: a veth-pair fabric needs cluster.shared_cpu: true (the nodes are namespaces of one machine)");
            for (int i = 0; i < s.Traffic.Count; i++)
                foreach (var (field, e) in new[] { ("from", s.Traffic[i].From), ("to", s.Traffic[i].To) })
                    if (e.Kind is EndpointKind.External)
                        throw Error(doc, $"traffic[{i}].{field}", "a veth-pair fabric has no room for an external client (its two ends are the nodes)");
        }
        if (c.SharedCpu && c.Nodes.Any(n => n.Cores != c.Nodes[0].Cores))
            throw Error(doc, "cluster.shared_cpu", $"nodes sharing one machine's cores must all have its core count ({c.Nodes[0].Name} has {c.Nodes[0].Cores})");
    }

    private static void CheckServicesHaveEndpoints(Scenario s, YamlDoc doc)
    {
        var selection = new ServiceSelection(s.Workloads);
        foreach (var svc in s.Services)
        {
            var selected = selection.Of(svc);
            if (selected.Count == 0 && !svc.ExpectNoEndpoints)
                throw Error(doc, svc.Origin, $"services[{svc.SourceIndex}].selector", $"Service {svc.Name} selects no pods ({string.Join(",", svc.Selector.Select(kv => $"{kv.Key}={kv.Value}"))}); set expect_no_endpoints: true if that is the point");
            // A target port by name must name a container port of every workload the Service selects.
            for (int i = 0; i < svc.Ports.Count; i++)
            {
                var p = svc.Ports[i];
                if (p.TargetPort.All(char.IsAsciiDigit)) continue;
                foreach (var w in selected)
                    if (!w.Ports.Any(x => x.Name == p.TargetPort))
                        throw Error(doc, svc.Origin, $"services[{svc.SourceIndex}].ports[{i}].target_port", $"workload {w.Name}, which Service {svc.Name} selects, has no container port named '{p.TargetPort}'");
            }
        }
    }

    /// <summary>
    /// External IPs must lie outside the cluster's own ranges: one inside the pod or Service CIDR (or the node or
    /// external network) would be routed there instead of to a node's kube-proxy. One address:port serves one Service.
    /// </summary>
    private static void CheckExternalIps(Scenario s, YamlDoc doc)
    {
        var c = s.Cluster;
        var ranges = new List<(string Field, Ipv4Prefix Prefix)> { ("cluster.pod_cidr", c.PodCidr), ("cluster.service_cidr", c.ServiceCidr), ("cluster.node_cidr", c.NodeCidr) };
        if (c.ExternalNetwork is { } wan) ranges.Add(("cluster.external_network", wan));
        var used = new Dictionary<(Engine.Addressing.Ipv4Address, int, string), string>();
        foreach (var svc in s.Services)
        {
            string field = svc.Origin is null ? $"services[{svc.SourceIndex}].external_ips" : "spec.externalIPs";
            foreach (var ip in svc.ExternalIps)
            {
                foreach (var (name, prefix) in ranges)
                    if (prefix.Contains(ip))
                        throw Error(doc, svc.Origin, field, $"external IP {ip} of Service {svc.Name} is inside {name} {prefix}: it must be an address outside the cluster, routed to a node");
                foreach (var p in svc.Ports)
                    if (!used.TryAdd((ip, p.Port, p.Protocol), svc.Name) && used[(ip, p.Port, p.Protocol)] != svc.Name)
                        throw Error(doc, svc.Origin, field, $"external IP {ip} port {p.Port}/{p.Protocol} is used by both {used[(ip, p.Port, p.Protocol)]} and {svc.Name}");
            }
        }
    }

    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        ServiceSelection.Selects(selector, labels);

    private static void CheckTrafficEndpoints(Scenario s, YamlDoc doc)
    {
        var pods = PodPlacement.Place(s.Cluster, s.Workloads);
        for (int i = 0; i < s.Traffic.Count; i++)
            foreach (var (field, e) in new[] { ("from", s.Traffic[i].From), ("to", s.Traffic[i].To) })
            {
                string? problem = e.Kind switch
                {
                    EndpointKind.Pod when !pods.Any(p => p.Name == e.Name || (p.Index == 0 && p.Workload == e.Name)) => $"no pod named {e.Name}",
                    EndpointKind.Pod when e.Container is { } c && !pods.First(p => p.Name == e.Name || p.Workload == e.Name).Containers.Contains(c) => $"pod {e.Name} has no container {c}",
                    EndpointKind.Pod when e.Interface is { } nic && nic != "eth0" && !pods.First(p => p.Name == e.Name || p.Workload == e.Name).Networks.Any(n => n.Interface == nic)
                        => $"pod {e.Name} has no interface {nic}: its networks give it {string.Join(", ", ["eth0", .. pods.First(p => p.Name == e.Name || p.Workload == e.Name).Networks.Select(n => n.Interface)])}",
                    EndpointKind.Workload when !s.Workloads.Any(w => w.Name == e.Name) => $"no workload named {e.Name}",
                    EndpointKind.Node when !s.Cluster.Nodes.Any(n => n.Name == e.Name) => $"no node named {e.Name}",
                    EndpointKind.Service when !s.Services.Any(v => v.Name == e.Name) => $"no Service named {e.Name}",
                    EndpointKind.Service when e.Port != 0 && !s.Services.First(v => v.Name == e.Name).Ports.Any(p => p.Port == e.Port) => $"Service {e.Name} has no port {e.Port}",
                    EndpointKind.NodePort when s.Services.FirstOrDefault(v => v.Name == e.Name) is not { HasNodePorts: true } => $"no NodePort or LoadBalancer Service named {e.Name}",
                    EndpointKind.NodePort when e.Node is { } n && !s.Cluster.Nodes.Any(x => x.Name == n) => $"no node named {n}",
                    EndpointKind.ExternalIp when s.Services.FirstOrDefault(v => v.Name == e.Name) is not { ExternalIps.Count: > 0 } => $"no Service named {e.Name} with external_ips",
                    EndpointKind.ExternalIp when e.Port != 0 && !s.Services.First(v => v.Name == e.Name).Ports.Any(p => p.Port == e.Port) => $"Service {e.Name} has no port {e.Port}",
                    EndpointKind.LoadBalancer when LoadBalancerTarget.Problem(s, e) is { } lbProblem => lbProblem,
                    EndpointKind.Dns when s.Traffic[i].Kind != "dns" && !s.Services.Any(v => v.Type != ServiceSpec.ExternalNameType && Dns.ClusterDns.Names(v, e.Name, s.Dns.ClusterDomain))
                        => $"'{e.Name}' leads to no Service of the cluster (an ExternalName or outside name has no server here); only a dns lookup may resolve it",
                    _ => null,
                };
                if (problem is not null) throw Error(doc, $"traffic[{i}].{field}", problem);
            }
    }

    /// <summary>
    /// Every row of a replay's trace names an endpoint the cluster has (a pod, workload, node or an external client the
    /// traffic names), so validate refuses what the run would; the error names the trace's line.
    /// </summary>
    private static void CheckReplayEndpoints(Scenario s)
    {
        var pods = PodPlacement.Place(s.Cluster, s.Workloads);
        var externals = s.Traffic.SelectMany(t => new[] { t.From, t.To })
            .Where(e => e.Kind == EndpointKind.External && e.Name != "trace").Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        bool Exists(string name) => EndpointRef.TryParse(name, out var e, out _) && e.Kind switch
        {
            EndpointKind.Pod or EndpointKind.Workload => pods.Any(p => p.Name == e.Name || (p.Index == 0 && p.Workload == e.Name)),
            EndpointKind.Node => s.Cluster.Nodes.Any(n => n.Name == e.Name),
            EndpointKind.External => externals.Contains(e.Name),
            _ => false,
        };
        foreach (var t in s.Traffic.Where(t => t.Kind == "replay" && t.TraceFile is not null))
        {
            string file = TrafficReader.TracePath(s.File, t.TraceFile!);
            foreach (var r in NetSim.Traffic.Applications.TraceReader.ReadFile(file))
            {
                if (!Exists(r.Source)) throw new Engine.Diagnostics.InputException(file, r.Line, "source", $"unknown endpoint '{r.Source}'");
                if (!Exists(r.Destination)) throw new Engine.Diagnostics.InputException(file, r.Line, "destination", $"unknown endpoint '{r.Destination}'");
            }
        }
    }

    private static bool UsesPerNodeSubnets(string datapath) =>
        datapath is not (DatapathNames.Host or DatapathNames.AwsVpcCni or DatapathNames.Weave or DatapathNames.WeaveSleeve or DatapathNames.CalicoBgp or DatapathNames.CalicoIpip or DatapathNames.CalicoVxlan or DatapathNames.CalicoEbpf);

    /// <summary>An error at the manifest an object came from, or else at the scenario's field.</summary>
    private static Engine.Diagnostics.InputException Error(YamlDoc doc, ManifestOrigin? origin, string field, string problem) =>
        origin?.Error(field, problem) ?? Error(doc, field, problem);

    /// <summary>An error located at the field's line when the field is in the file, else at the file.</summary>
    internal static Engine.Diagnostics.InputException Error(YamlDoc doc, string field, string problem) =>
        doc.Error(Locate(doc.Root, field), field, problem);

    private static YamlNode? Locate(YamlNode node, string field)
    {
        foreach (string step in field.Split('.'))
        {
            string key = step;
            int? index = null;
            int b = step.IndexOf('[', StringComparison.Ordinal);
            if (b >= 0) (key, index) = (step[..b], int.Parse(step[(b + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
            if (node is not YamlMappingNode m || !m.Children.TryGetValue(new YamlScalarNode(key), out var child)) return node;
            node = child;
            if (index is int i) node = node is YamlSequenceNode seq && i < seq.Children.Count ? seq.Children[i] : node;
        }
        return node;
    }
}
