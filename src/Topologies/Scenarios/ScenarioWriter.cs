using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Writes a loaded <see cref="Scenario"/> back as a scenario file with every field explicit (every default the
/// loader filled in is written out), so that <see cref="ScenarioLoader"/> reads it back to an equal scenario:
/// what a run writes beside its results to be reproduced. Generated nodes and counted Services are written in
/// their compact form (nodes: {count}, services: {count}) when they have exactly the generated shape.
/// </summary>
public static class ScenarioWriter
{
    /// <summary>
    /// The files a written scenario refers to, to be written beside it (relative path, text): its conflist, under
    /// cni/ by its own name, so the written scenario re-runs from its folder alone.
    /// </summary>
    public static IReadOnlyList<(string Path, string Text)> Companions(Scenario scenario) =>
        scenario.Cni is { ConflistFile: { } file, ConflistText: { } text } ? [(CompanionPath(file), text)] : [];

    private static string CompanionPath(string file) => "cni/" + System.IO.Path.GetFileName(file);

    public static string Write(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var root = new YamlMappingNode();
        root.Add("name", Scalar(scenario.Name));
        if (scenario.Description.Length > 0) root.Add("description", Scalar(scenario.Description));
        root.Add("seed", Number(scenario.Seed));
        root.Add("duration", Time(scenario.Duration));
        root.Add("warmup", Time(scenario.Warmup));
        root.Add("profile", Scalar(scenario.Profile));
        root.Add("cluster", Cluster(scenario.Cluster));
        root.Add("cni", Cni(scenario.Cni));
        root.Add("kube_proxy", Map(("mode", Scalar(scenario.KubeProxy.Mode)), ("ipvs_scheduler", Scalar(scenario.KubeProxy.IpvsScheduler)),
            ("masquerade_all", Flag(scenario.KubeProxy.MasqueradeAll)), ("iptables_backend", Scalar(scenario.KubeProxy.IptablesBackend))));
        if (scenario.NetworkAttachments.Count > 0) root.Add("network_attachments", new YamlSequenceNode(scenario.NetworkAttachments.Select(Attachment)));
        if (scenario.Workloads.Count > 0) root.Add("workloads", new YamlSequenceNode(scenario.Workloads.Select(Workload)));
        if (scenario.Namespaces.Count > 0) root.Add("namespaces", new YamlSequenceNode(scenario.Namespaces.Select(n => Map(("name", Scalar(n.Name)),
            ("labels", new YamlMappingNode(n.Labels.Select(l => new KeyValuePair<YamlNode, YamlNode>(Scalar(l.Key), Scalar(l.Value)))))))));
        if (scenario.NetworkPolicies.Count > 0) root.Add("network_policies", new YamlSequenceNode(scenario.NetworkPolicies.Where(p => !p.Expanded).Select(p => (YamlNode)p.Source)));
        if (scenario.Services.Count > 0) root.Add("services", new YamlSequenceNode(Services(scenario.Services)));
        if (scenario.Dns.Enabled) root.Add("dns", Dns(scenario.Dns));
        if (scenario.Traffic.Count > 0) root.Add("traffic", new YamlSequenceNode(scenario.Traffic.Select(Traffic)));
        if (scenario.Events.Count > 0)
            root.Add("events", new YamlSequenceNode(scenario.Events.Select(Event)));
        if (ControlPlane(scenario.ControlPlane) is { } controlPlane) root.Add("control_plane", controlPlane);
        if (scenario.CompareDatapaths.Count > 0) root.Add("compare", FlowList(scenario.CompareDatapaths));
        root.Add("baseline", Scalar(scenario.Baseline));

        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        writer.WriteLine($"# {scenario.Name}: resolved by netsim (every default written out); loads back to the same scenario.");
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        string text = writer.ToString();
        // YamlDotNet closes the document with "..."; a scenario file is one document, so drop the marker.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    public static void Write(Scenario scenario, string path) =>
        File.WriteAllText(path, Write(scenario), new System.Text.UTF8Encoding(false));

    private static YamlMappingNode Dns(DnsSpec d) => Map(("enabled", Flag(true)), ("replicas", Number(d.Replicas)),
        ("cluster_ip", Scalar(d.ClusterIp.ToString())), ("cluster_domain", Scalar(d.ClusterDomain)), ("cache", Flag(d.Cache)),
        ("cache_ttl", Time(d.CacheTtl)), ("record_ttl", Time(d.RecordTtl)), ("ndots", Number(d.Ndots)), ("timeout", Time(d.Timeout)),
        ("attempts", Number(d.Attempts)), ("single_request", Flag(d.SingleRequest)), ("single_request_reopen", Flag(d.SingleRequestReopen)),
        ("upstream", Scalar(d.Upstream)), ("node_local", Flag(d.NodeLocal)), ("use_vc", Flag(d.UseVc)),
        ("tcp_idle_timeout", Time(d.TcpIdleTimeout)), ("tcp_read_timeout", Time(d.TcpReadTimeout)));

    private static YamlMappingNode Cluster(ClusterSpec c)
    {
        var m = new YamlMappingNode();
        if (GeneratedNodes(c.Nodes) is int racks)
        {
            var first = c.Nodes[0];
            m.Add("nodes", Map(("count", Number(c.Nodes.Count)), ("cores", Number(first.Cores)), ("racks", Number(racks))));
            m.Add("nic", Nic(first.Nic));
        }
        else
        {
            m.Add("nodes", new YamlSequenceNode(c.Nodes.Select(n => (YamlNode)Node(n))));
        }
        var f = c.Fabric;
        var fabric = Map(("type", Scalar(f.Type)), ("link_rate", Rate(f.LinkRateBps)), ("propagation", Time(f.Propagation)),
            ("port_buffer", Size(f.PortBufferBytes)), ("racks", Number(f.Racks)),
            ("spines", Number(f.Spines)), ("uplink_rate", Rate(f.UplinkRateBps)),
            ("oversubscription", Scalar(f.Oversubscription.ToString(CultureInfo.InvariantCulture))));
        // Unset means "the profile's switch.forwarding_latency", so it stays unset.
        if (f.SwitchLatency is { } latency) fabric.Add("switch_latency", Time(latency));
        // Written only when set, so a resolved scenario without them (and its hash) is as before they existed.
        if (f.Ecmp != FabricSpec.EcmpModulo) fabric.Add("ecmp", Scalar(f.Ecmp));
        if (f.EcmpBuckets != FabricSpec.DefaultEcmpBuckets) fabric.Add("ecmp_buckets", Number(f.EcmpBuckets));
        if (f.LinkDebounce != SimTime.Zero) fabric.Add("link_debounce", Time(f.LinkDebounce));
        if (f.BgpHoldTime != FabricSpec.DefaultBgpHoldTime) fabric.Add("bgp_hold_time", Time(f.BgpHoldTime));
        if (f.Bfd) fabric.Add("bfd", Flag(true));
        if (f.BfdInterval != FabricSpec.DefaultBfdInterval) fabric.Add("bfd_interval", Time(f.BfdInterval));
        if (f.BfdMultiplier != FabricSpec.DefaultBfdMultiplier) fabric.Add("bfd_multiplier", Number(f.BfdMultiplier));
        m.Add("fabric", fabric);
        m.Add("pod_cidr", Scalar(c.PodCidr.ToString()));
        m.Add("service_cidr", Scalar(c.ServiceCidr.ToString()));
        m.Add("node_cidr", Scalar(c.NodeCidr.ToString()));
        m.Add("node_mask", Number(c.NodeMask));
        m.Add("max_pods", Number(c.MaxPods));
        if (c.CpuScale != 1m) m.Add("cpu_scale", Scalar(c.CpuScale.ToString(CultureInfo.InvariantCulture)));
        if (c.NicRxCoalescing is { } coalescing) m.Add("nic_rx_coalescing", Time(coalescing));
        if (c.L2CacheBytes is { } l2) m.Add("l2_cache", Size(l2));
        m.Add("wake_affine", Flag(c.WakeAffine));
        if (!c.ZeroChecksumTunnelGro) m.Add("zero_csum_tunnel_gro", Flag(false));
        if (c.SharedCpu) m.Add("shared_cpu", Flag(true));
        if (c.ConntrackClash != ClusterSpec.ClashMatching) m.Add("conntrack_clash", Scalar(c.ConntrackClash));
        if (c.ExternalNetwork is { } wan) m.Add("external_network", Scalar(wan.ToString()));
        if (c.DhcpServer is { } dhcp)
        {
            var server = Map(("address", Scalar(dhcp.Address.ToString())), ("pool", Scalar($"{dhcp.PoolStart}-{dhcp.PoolEnd}")), ("lease_time", Time(dhcp.LeaseTime)));
            if (dhcp.Router is { } router) server.Add("router", Scalar(router.ToString()));
            m.Add("dhcp_server", server);
        }
        if (c.SecondaryNics.Count > 0) m.Add("nics", new YamlSequenceNode(c.SecondaryNics.Select(SecondaryNic)));
        if (c.LoadBalancer != ClusterSpec.LoadBalancerMetalLbL2) m.Add("load_balancer", Scalar(c.LoadBalancer));
        if (c.LoadBalancerPool != ClusterSpec.DefaultLoadBalancerPool) m.Add("load_balancer_pool", Scalar(c.LoadBalancerPool.ToString()));
        if (c.LoadBalancerHealthCheck != LoadBalancerHealthCheckSpec.Default)
            m.Add("load_balancer_health_check", Map(("interval", Time(c.LoadBalancerHealthCheck.Interval)),
                ("healthy_threshold", Number(c.LoadBalancerHealthCheck.HealthyThreshold)), ("unhealthy_threshold", Number(c.LoadBalancerHealthCheck.UnhealthyThreshold))));
        return m;
    }

    private static YamlMappingNode Node(NodeSpec n)
    {
        var m = Map(("name", Scalar(n.Name)), ("cores", Number(n.Cores)), ("nic", Nic(n.Nic)), ("role", Scalar(n.Role)), ("rack", Number(n.Rack)));
        if (n.Zone.Length > 0) m.Add("zone", Scalar(n.Zone));
        return m;
    }

    /// <summary>
    /// The rack count when the nodes are exactly what "nodes: {count, cores, racks}" generates (node1..nodeN, all
    /// workers with one NIC and core count, spread over racks in order); null when they need a list.
    /// </summary>
    private static int? GeneratedNodes(IReadOnlyList<NodeSpec> nodes)
    {
        if (nodes.Count == 0) return null;
        int racks = nodes.Max(n => n.Rack) + 1;
        for (int i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (n.Name != $"node{i + 1}" || n.Role != "worker" || n.Zone.Length > 0 || n.Cores != nodes[0].Cores || n.Nic != nodes[0].Nic ||
                n.Rack != i * racks / nodes.Count)
                return null;
        }
        return racks;
    }

    private static YamlMappingNode Nic(NicSpec n)
    {
        var m = FlowMap(("rate", Rate(n.RateBps)), ("mtu", Number(n.Mtu)), ("queues", Number(n.Queues)),
            ("rx_ring", Number(n.RxRing)), ("tso", Flag(n.Tso)), ("tunnel_tso", Flag(n.TunnelTso)), ("gro", Flag(n.Gro)), ("checksum_offload", Flag(n.ChecksumOffload)),
            ("tunnel_rx_checksum", Flag(n.TunnelRxChecksum)), ("rps", Flag(n.Rps)), ("rfs", Flag(n.Rfs)));
        if (n.Driver is { } driver) m.Add("driver", Scalar(driver));
        return m;
    }

    private static YamlMappingNode SecondaryNic(SecondaryNicSpec n)
    {
        var m = Nic(n.Nic);
        m.Add("name", Scalar(n.Name));
        m.Add("network", Scalar(n.Network));
        m.Add("cidr", Scalar(n.Cidr.ToString()));
        m.Add("sriov_numvfs", Number(n.NumVfs));
        m.Add("total_vfs", Number(n.TotalVfs));
        m.Add("vf_queues", Number(n.VfQueues));
        m.Add("resource", Scalar(n.Resource));
        return m;
    }

    /// <summary>A NetworkAttachmentDefinition with its config written inline (a config_file's text, so the written scenario stands alone).</summary>
    private static YamlMappingNode Attachment(NetworkAttachmentSpec a) =>
        Map(("name", Scalar(a.Name)), ("namespace", Scalar(a.Namespace)), ("config", Scalar(a.Config)), ("resource", Scalar(a.Resource)));

    private static YamlMappingNode Cni(CniSpec c)
    {
        var m = Map(("datapath", Scalar(c.Datapath)), ("mtu", Number(c.Mtu)), ("vxlan_port", Number(c.VxlanPort)), ("vni", Number(c.Vni)),
            ("ipip_mode", Scalar(c.IpipMode)), ("block_size", Number(c.BlockSize)), ("bgp", Scalar(c.BgpTopology)));
        if (c.RouteReflectors.Count > 0) m.Add("route_reflectors", FlowList(c.RouteReflectors));
        m.Add("kube_proxy_replacement", Flag(c.KubeProxyReplacement));
        m.Add("bpf_host_routing", Flag(c.HostRoutingBpf));
        m.Add("conntrack", Flag(c.Conntrack));
        m.Add("masquerade", Flag(c.Masquerade));
        if (c.ConflistFile is not null) m.Add("conflist", Scalar(CompanionPath(c.ConflistFile)));
        m.Add("encryption", c.Encryption && c.EncryptionType != NodeEncryptionKinds.WireGuard ? c.EncryptionType : Flag(c.Encryption));
        if (c.PolicyAgent.Length > 0) m.Add("policy_agent", Scalar(c.PolicyAgent));
        if (c.Aws is { } a)
            m.Add("aws", FlowMap(("instance_type", Scalar(a.InstanceType)), ("prefix_delegation", Flag(a.PrefixDelegation)),
                ("warm_eni_target", Number(a.WarmEniTarget)), ("warm_ip_target", Number(a.WarmIpTarget)), ("minimum_ip_target", Number(a.MinimumIpTarget)),
                ("warm_prefix_target", Number(a.WarmPrefixTarget)), ("external_snat", Flag(a.ExternalSnat))));
        return m;
    }

    private static YamlMappingNode Workload(WorkloadSpec w)
    {
        var m = Map(("name", Scalar(w.Name)), ("namespace", Scalar(w.Namespace)), ("kind", Scalar(w.Kind)));
        if (w.Kind != "DaemonSet") m.Add("replicas", Number(w.Replicas)); // a DaemonSet has one pod per node, no replicas field
        m.Add("labels", StringMap(w.Labels));
        if (w.Ports.Count > 0)
            m.Add("ports", new YamlSequenceNode(w.Ports.Select(p => (YamlNode)FlowMap(("name", Scalar(p.Name)), ("port", Number(p.Port)), ("protocol", Scalar(p.Protocol))))));
        m.Add("placement", Scalar(w.Placement));
        if (w.Nodes.Count > 0) m.Add("nodes", FlowList(w.Nodes));
        m.Add("containers", FlowList(w.Containers));
        m.Add("host_network", Flag(w.HostNetwork));
        if (w.ServiceAccount != "default") m.Add("service_account", Scalar(w.ServiceAccount));
        if (w.Networks.Count > 0) m.Add("networks", Scalar(NetworkSelection.Format(w.Networks)));
        return m;
    }

    /// <summary>Services that came from one "count: N" item (same SourceIndex) are written back as that item.</summary>
    private static IEnumerable<YamlNode> Services(IReadOnlyList<ServiceSpec> services)
    {
        for (int i = 0; i < services.Count;)
        {
            int j = i + 1;
            while (j < services.Count && services[j].SourceIndex == services[i].SourceIndex) j++;
            if (CountedTemplate(services, i, j) is { } template)
            {
                yield return Service(template, j - i);
            }
            else
            {
                for (int k = i; k < j; k++) yield return Service(services[k], 1);
            }
            i = j;
        }
    }

    /// <summary>The "count" item that generates services[from..to), or null when they are not its exact expansion.</summary>
    private static ServiceSpec? CountedTemplate(IReadOnlyList<ServiceSpec> services, int from, int to)
    {
        int count = to - from;
        if (count < 2 || !services[from].Name.EndsWith("-0", StringComparison.Ordinal)) return null;
        var first = services[from];
        var template = first with { Name = first.Name[..^2] };
        for (int i = 0; i < count; i++)
        {
            var s = services[from + i];
            if (s.Name != string.Create(CultureInfo.InvariantCulture, $"{template.Name}-{i}") || s.Namespace != template.Namespace ||
                s.Type != template.Type || s.SessionAffinity != template.SessionAffinity || s.AffinityTimeout != template.AffinityTimeout ||
                s.ExternalTrafficPolicy != template.ExternalTrafficPolicy || s.InternalTrafficPolicy != template.InternalTrafficPolicy ||
                s.ExpectNoEndpoints != template.ExpectNoEndpoints || s.TrafficDistribution != template.TrafficDistribution || s.TopologyMode != template.TopologyMode || s.ExternalIps.Count > 0 || s.HealthCheckNodePort != 0 || !s.Selector.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(template.Selector.OrderBy(kv => kv.Key, StringComparer.Ordinal)) ||
                s.Ports.Count != template.Ports.Count)
                return null;
            for (int p = 0; p < s.Ports.Count; p++)
            {
                var tp = template.Ports[p];
                if (s.Ports[p] != (tp.NodePort == 0 ? tp : tp with { NodePort = tp.NodePort + i })) return null;
            }
        }
        return template;
    }

    private static YamlMappingNode Service(ServiceSpec s, int count)
    {
        var m = Map(("name", Scalar(s.Name)));
        if (count > 1) m.Add("count", Number(count));
        m.Add("namespace", Scalar(s.Namespace));
        m.Add("type", Scalar(s.Type));
        if (s.Type == ServiceSpec.ExternalNameType)
        {
            m.Add("external_name", Scalar(s.ExternalName!));
            return m;
        }
        m.Add("selector", StringMap(s.Selector));
        m.Add("ports", new YamlSequenceNode(s.Ports.Select(p =>
        {
            var port = FlowMap(("name", Scalar(p.Name)), ("port", Number(p.Port)), ("target_port", Scalar(p.TargetPort)));
            if (p.NodePort != 0) port.Add("node_port", Number(p.NodePort));
            port.Add("protocol", Scalar(p.Protocol));
            return (YamlNode)port;
        })));
        m.Add("session_affinity", Scalar(s.SessionAffinity));
        m.Add("affinity_timeout", Time(s.AffinityTimeout));
        m.Add("external_traffic_policy", Scalar(s.ExternalTrafficPolicy));
        m.Add("internal_traffic_policy", Scalar(s.InternalTrafficPolicy));
        m.Add("expect_no_endpoints", Flag(s.ExpectNoEndpoints));
        // Written only when set, so a resolved scenario without them (and its hash) is as before they existed.
        if (s.TrafficDistribution.Length > 0) m.Add("traffic_distribution", Scalar(s.TrafficDistribution));
        if (s.TopologyMode.Length > 0) m.Add("topology_mode", Scalar(s.TopologyMode));
        if (s.HealthCheckNodePort != 0) m.Add("health_check_node_port", Number(s.HealthCheckNodePort));
        if (s.ExternalIps.Count > 0) m.Add("external_ips", new YamlSequenceNode(s.ExternalIps.Select(ip => (YamlNode)Scalar(ip.ToString()))));
        return m;
    }

    private static YamlMappingNode Traffic(TrafficSpec t)
    {
        var m = Map(("name", Scalar(t.Name)), ("kind", Scalar(t.Kind)), ("from", Scalar(t.From.ToString())), ("to", Scalar(t.To.ToString())),
            ("protocol", Scalar(t.Protocol)), ("start", Time(t.Start)));
        if (t.Duration is { } d) m.Add("duration", Time(d));
        // Only the fields this kind uses: the reader refuses the others, so the written file reads back.
        foreach (string field in TrafficReader.FieldsOf(t.Kind, t.Protocol))
        {
            YamlNode? value = field switch
            {
                "streams" => Number(t.Streams),
                // Zero rate and byte limits mean "none" and are not valid as written values.
                "rate" => t.RateBps > 0 ? Rate(t.RateBps) : null,
                "bytes" => t.Bytes > 0 ? Size(t.Bytes) : null,
                "request_size" => Size(t.RequestSize),
                "response_size" => Size(t.ResponseSize),
                "in_flight" => Number(t.InFlight),
                "congestion" => Scalar(t.Congestion),
                "nodelay" => t.NoDelay ? Scalar("true") : null,
                "mean_interarrival" => t.MeanInterarrival is { } mi ? Time(mi) : null,
                "trace" => t.TraceFile is null ? null : Scalar(t.TraceFile),
                "count" => Number(t.Count),
                "interval" => Time(t.Interval),
                "payload_size" => Size(t.PayloadSize),
                "timeout" => Time(t.Timeout),
                _ => null,
            };
            if (value is not null) m.Add(field, value);
        }
        return m;
    }

    /// <summary>A bit rate in the largest unit that keeps it exact ("25Gbps", "2500Mbps", "1234bps").</summary>
    public static string FormatRate(long bps)
    {
        foreach (var (unit, scale) in new (string, long)[] { ("Tbps", 1_000_000_000_000), ("Gbps", 1_000_000_000), ("Mbps", 1_000_000), ("Kbps", 1_000) })
            if (bps % scale == 0) return string.Create(CultureInfo.InvariantCulture, $"{bps / scale}{unit}");
        return string.Create(CultureInfo.InvariantCulture, $"{bps}bps");
    }

    /// <summary>A size in the largest binary unit that keeps it exact ("4MiB", "64KiB"), else in bytes.</summary>
    public static string FormatSize(long bytes)
    {
        foreach (var (unit, scale) in new (string, long)[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10) })
            if (bytes % scale == 0) return string.Create(CultureInfo.InvariantCulture, $"{bytes / scale}{unit}");
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static YamlScalarNode Rate(long bps) => Scalar(FormatRate(bps));
    private static YamlScalarNode Size(long bytes) => Scalar(FormatSize(bytes));
    /// <summary>An event with the fields its kind reads (every default written out, so the copy reads back the same).</summary>
    private static YamlMappingNode Event(ClusterEvent e)
    {
        var m = Map(("at", Time(e.At)), ("kind", Scalar(e.Kind)));
        switch (e.Kind)
        {
            case ClusterEvent.PodDelete or ClusterEvent.CniCheck:
                m.Add("pod", Scalar(e.Target));
                if (e.Kind == ClusterEvent.CniCheck) break;
                m.Add("shutdown_delay", Time(e.ShutdownDelay));
                m.Add("termination_grace_period", Time(e.TerminationGracePeriod));
                break;
            case ClusterEvent.PolicyAdd or ClusterEvent.PolicyRemove:
                m.Add("policy", Scalar(e.Target));
                break;
            case ClusterEvent.Scale or ClusterEvent.RollingUpdate:
                m.Add("workload", Scalar(e.Target));
                if (e.Kind == ClusterEvent.Scale) m.Add("replicas", Scalar(e.Replicas.ToString(CultureInfo.InvariantCulture)));
                else
                {
                    m.Add("max_surge", Scalar(e.MaxSurge.ToString(CultureInfo.InvariantCulture)));
                    m.Add("max_unavailable", Scalar(e.MaxUnavailable.ToString(CultureInfo.InvariantCulture)));
                    m.Add("shutdown_delay", Time(e.ShutdownDelay));
                    m.Add("termination_grace_period", Time(e.TerminationGracePeriod));
                }
                break;
            case ClusterEvent.ServiceAdd or ClusterEvent.ServiceRemove:
                m.Add("service", Scalar(e.Target));
                m.Add("count", Scalar(e.Count.ToString(CultureInfo.InvariantCulture)));
                m.Add("rate", Scalar(e.Rate.ToString("R", CultureInfo.InvariantCulture)));
                break;
            case ClusterEvent.SwitchPortDown or ClusterEvent.SwitchPortUp:
                m.Add("switch", Scalar(e.Target));
                m.Add("port", Scalar(e.Peer));
                break;
            case ClusterEvent.UplinkDown or ClusterEvent.UplinkUp:
                m.Add("leaf", Scalar(e.Target));
                m.Add("spine", Scalar(e.Peer));
                break;
            case ClusterEvent.SwitchDown or ClusterEvent.SwitchUp or ClusterEvent.SwitchHang or ClusterEvent.SwitchResume:
                m.Add("switch", Scalar(e.Target));
                break;
            case ClusterEvent.DhcpServerDown or ClusterEvent.DhcpServerUp:
                break;
            default:
                m.Add("node", Scalar(e.Target));
                if (e.Kind == ClusterEvent.BgpReset) m.Add("peer", Scalar(e.Peer));
                break;
        }
        if (e.ReadinessDelay is { } ready) m.Add("readiness_delay", Time(ready));
        return m;
    }

    private static YamlScalarNode Time(SimTime t) => Scalar(t.ToString());

    /// <summary>The timers the scenario sets (the others stay the profile's, as in the file); null when it sets none.</summary>
    private static YamlMappingNode? ControlPlane(ControlPlaneSpec c)
    {
        var m = new YamlMappingNode();
        if (c.NodeMonitorGracePeriod is { } grace) m.Add(ControlPlaneSpec.NodeMonitorGracePeriodField, Time(grace));
        if (c.KubeProxyMinSyncPeriod is { } sync) m.Add(ControlPlaneSpec.KubeProxyMinSyncPeriodField, Time(sync));
        if (c.BgpHoldTime is { } hold) m.Add(ControlPlaneSpec.BgpHoldTimeField, Time(hold));
        if (c.BfdDetectTime is { } bfd) m.Add(ControlPlaneSpec.BfdDetectTimeField, Time(bfd));
        if (c.BgpUpdateDelay is { } hop) m.Add(ControlPlaneSpec.BgpUpdateDelayField, Time(hop));
        if (c.BgpConnectDelay is { } connect) m.Add(ControlPlaneSpec.BgpConnectDelayField, Time(connect));
        if (c.BgpErrorWait is { } errorWait) m.Add(ControlPlaneSpec.BgpErrorWaitField, Time(errorWait));
        if (c.BgpConnectRetry is { } retry) m.Add(ControlPlaneSpec.BgpConnectRetryField, Time(retry));
        return m.Children.Count > 0 ? m : null;
    }
    private static YamlScalarNode Flag(bool b) => Scalar(b ? "true" : "false");
    private static YamlScalarNode Number(long n) => Scalar(n.ToString(CultureInfo.InvariantCulture));
    private static YamlScalarNode Number(ulong n) => Scalar(n.ToString(CultureInfo.InvariantCulture));

    /// <summary>A single value; empty strings are quoted so they read back as "" rather than nothing.</summary>
    private static YamlScalarNode Scalar(string s) =>
        s.Length == 0 ? new YamlScalarNode(s) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted } : new YamlScalarNode(s);

    private static YamlMappingNode Map(params (string Key, YamlNode Value)[] fields)
    {
        var m = new YamlMappingNode();
        foreach (var (k, v) in fields) m.Add(k, v);
        return m;
    }

    private static YamlMappingNode FlowMap(params (string Key, YamlNode Value)[] fields)
    {
        var m = Map(fields);
        m.Style = YamlDotNet.Core.Events.MappingStyle.Flow;
        return m;
    }

    private static YamlMappingNode StringMap(IReadOnlyDictionary<string, string> map)
    {
        var m = new YamlMappingNode { Style = YamlDotNet.Core.Events.MappingStyle.Flow };
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal)) m.Add(Scalar(k), Scalar(v));
        return m;
    }

    private static YamlSequenceNode FlowList(IEnumerable<string> items) =>
        new(items.Select(i => (YamlNode)Scalar(i))) { Style = YamlDotNet.Core.Events.SequenceStyle.Flow };
}
