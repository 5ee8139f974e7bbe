using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Cpu;
using NetSim.Engine.Elements;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Randomness;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// Builds a scenario into a runnable cluster: nodes (CPU, NIC, host namespace, eth0), the fabric between them,
/// the CNI's devices and routes, and every pod — in that order, as a cluster comes up. Nodes that are network
/// namespaces of one machine (cluster.shared_cpu) run on one shared set of cores; on a veth-pair fabric their eth0s
/// are the two ends of one veth pair instead of NICs on a switch.
/// </summary>
public static class ClusterBuilder
{
    /// <summary>First host address used for nodes on a node subnet (below it: gateways).</summary>
    public const int FirstNodeHost = 10;

    public static BuiltCluster Build(Scenario scenario, CostProfile profile)
    {
        var sim = new Simulator(4096);
        var pool = new PacketPool();
        var streams = new RandomStreams(scenario.Seed);
        var fabric = new Fabric(sim, pool, scenario.Cluster.Fabric,
            scenario.Cluster.Fabric.SwitchLatency?.Picoseconds ?? profile.DelayPs(DelayKeys.SwitchForwarding));
        var ctx = new ClusterContext(scenario, profile, sim, pool, streams, fabric);
        var machine = scenario.Cluster.SharedCpu ? new NodeCpu(scenario.Cluster.Nodes[0].Cores) : null;
        if (scenario.Cluster.Fabric.IsVethPair) BuildVethPairNodes(ctx, machine);
        else for (int i = 0; i < scenario.Cluster.Nodes.Count; i++) ctx.Nodes.Add(BuildNode(ctx, i, scenario.Cluster.Nodes[i], machine));
        var externals = ExternalClients(scenario).Select((name, k) => BuildExternal(ctx, k, name)).ToList();
        var wan = scenario.Cluster.ExternalNetwork;
        // Beyond a gateway, the external hosts hang off the router's second port; the router is the fabric's host instead.
        List<BuiltNode> onFabric = wan is null ? externals : [ExternalGateway.Build(ctx, scenario.Cluster.Nodes.Count + externals.Count)];
        // cluster.dhcp_server: a host of its own on the node network (after the gateway and external clients in node order).
        var dhcpHost = scenario.Cluster.DhcpServer is { } dhcp
            ? BuildNode(ctx, scenario.Cluster.Nodes.Count + externals.Count + 1, new NodeSpec(DhcpServer.HostName, scenario.Cluster.Nodes[0].Cores, scenario.Cluster.Nodes[0].Nic, "external", 0),
                null, (dhcp.Address, scenario.Cluster.NodeCidr))
            : null;
        // The sriov datapath's eth0 is an SR-IOV NIC: its embedded switch goes between the PF and the wire before cabling.
        if (scenario.Cni.Datapath == DatapathNames.Sriov) SriovNetwork.BuildEth0(ctx);
        if (!scenario.Cluster.Fabric.IsVethPair) fabric.Build([.. ctx.Nodes, .. onFabric, .. (dhcpHost is null ? [] : new[] { dhcpHost })], scenario.Cluster.NodeCidr);
        if (wan is not null && onFabric[0] is { } gateway)
        {
            ExternalGateway.Cable(ctx, gateway, externals);
            externals.Add(gateway);
        }
        NodeNics.Build(ctx);
        var network = PodNetworks.For(ctx);
        if (dhcpHost is not null)
        {
            network.Dhcp.Server = new DhcpServer(dhcpHost, scenario.Cluster.DhcpServer!, network.Dhcp.Wire);
            externals.Add(dhcpHost);
        }
        foreach (var n in ctx.Nodes) network.PrepareNode(n);
        var pods = new List<BuiltPod>();
        var failed = new List<PodSandboxFailure>();
        foreach (var placed in PodPlacement.Place(scenario.Cluster, [.. scenario.Workloads, .. Dns.ClusterDns.Workloads(scenario)]))
        {
            var node = ctx.Nodes.First(n => n.Name == placed.Node);
            BuiltPod pod;
            try
            {
                pod = placed.HostNetwork ? new BuiltPod(placed, node, node.Host, node.Address, null) : network.AddPod(node, placed);
            }
            catch (PodSandboxException e) when (e.Failure is not null)
            {
                failed.Add(e.Failure); // a simulated outcome: this pod stays ContainerCreating, the others run
                continue;
            }
            node.Pods.Add(pod);
            pods.Add(pod);
        }
        network.ConnectNodes(ctx.Nodes);
        return new BuiltCluster(ctx, network, pods) { Externals = externals, SandboxFailures = failed };
    }

    /// <summary>External clients named by the traffic ("external", "external:NAME"), each a host outside the cluster.</summary>
    private static List<string> ExternalClients(Scenario s) =>
        s.Traffic.SelectMany(t => new[] { t.From, t.To }).Where(e => e.Kind == EndpointKind.External && e.Name != "trace")
            .Select(e => e.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A client host outside the cluster: no CNI, no kube-proxy. On the node network (rack 1 of a routed fabric), or
    /// with cluster.external_network on that network from its .10 up, behind the gateway at its .1.
    /// </summary>
    private static BuiltNode BuildExternal(ClusterContext ctx, int k, string name)
    {
        var nodes = ctx.Scenario.Cluster.Nodes;
        var spec = new NodeSpec(name, nodes[0].Cores, nodes[0].Nic, "external", 0);
        if (ctx.Scenario.Cluster.ExternalNetwork is { } wan)
            return BuildNode(ctx, nodes.Count + k, spec, null, (wan.Address((ulong)(FirstNodeHost + k)), wan));
        var subnet = ctx.Fabric.IsRouted ? Fabric.RackSubnet(ctx.Scenario.Cluster.NodeCidr, 0) : ctx.Scenario.Cluster.NodeCidr;
        return BuildNode(ctx, nodes.Count + k, spec, null, (subnet.Address((ulong)(FirstExternalHost + k)), subnet));
    }

    /// <summary>First host address of external clients on a node subnet.</summary>
    public const int FirstExternalHost = 200;

    internal static BuiltNode BuildNode(ClusterContext ctx, int index, NodeSpec spec, NodeCpu? machine, (Ipv4Address, Ipv4Prefix)? fixedAddress = null,
        Ipv4Address? gateway = null)
    {
        var context = Context(ctx, index, spec, machine);
        var (address, subnet) = fixedAddress ?? NodeAddress(ctx.Scenario, index);
        var nic = new Nic(context, "eth0 (NIC)", new Engine.Nics.NicSpec
        {
            Mac = NodeMac(index),
            Mtu = spec.Nic.Mtu,
            TxQueues = spec.Nic.Queues,
            RxQueues = spec.Nic.Queues,
            RxRingSize = spec.Nic.RxRing,
            Offloads = Offloads(spec.Nic),
            ZeroChecksumTunnelGro = ctx.Scenario.Cluster.ZeroChecksumTunnelGro,
            Moderation = spec.Nic.Driver is { } driver ? NicDrivers.Moderation(driver) : null,
        });
        for (int q = 0; q < spec.Nic.Queues; q++) nic.SetRxQueueCore(q, q % spec.Cores);
        var host = HostNamespace(ctx, context, spec);
        var eth0 = new PhysicalDevice(host, "eth0", spec.Nic.Mtu, nic.Mac, nic) { Link = ctx.Fabric.Arp };
        if (spec.Nic.Rps) eth0.Rps = new Datapaths.Devices.RpsSteering([.. Enumerable.Range(0, spec.Cores)], spec.Nic.Rfs);
        nic.ReceiveTarget = eth0.RxEntry;
        ctx.Fabric.Arp.AddHost(eth0, address, subnet);
        return Uplink(spec, context, host, nic, eth0, address, subnet, index, gateway);
    }

    /// <summary>
    /// Two nodes that are namespaces of one machine, cabled by one veth pair (ip link add eth0 netns node1 type veth
    /// peer name eth0 netns node2): a frame sent on one eth0 is received on the other on the sending core, and ARP
    /// is answered by the peer end.
    /// </summary>
    private static void BuildVethPairNodes(ClusterContext ctx, NodeCpu? machine)
    {
        var specs = ctx.Scenario.Cluster.Nodes;
        var contexts = new[] { Context(ctx, 0, specs[0], machine), Context(ctx, 1, specs[1], machine) };
        var hosts = new[] { HostNamespace(ctx, contexts[0], specs[0]), HostNamespace(ctx, contexts[1], specs[1]) };
        var pair = new VethPair(hosts[0], "eth0", hosts[1], "eth0", specs[0].Nic.Mtu, NodeMac(0), NodeMac(1));
        pair.B.Mtu = specs[1].Nic.Mtu;
        var ends = new NetDevice[] { pair.A, pair.B };
        for (int i = 0; i < 2; i++)
        {
            var (address, subnet) = NodeAddress(ctx.Scenario, i);
            ctx.Nodes.Add(Uplink(specs[i], contexts[i], hosts[i], null, ends[i], address, subnet, i));
        }
    }

    private static NodeContext Context(ClusterContext ctx, int index, NodeSpec spec, NodeCpu? machine)
    {
        var context = machine is null
            ? new NodeContext(ctx.Sim, ctx.Pool, ctx.Profile, index, spec.Name, spec.Cores, ctx.Streams)
            : new NodeContext(ctx.Sim, ctx.Pool, ctx.Profile, index, spec.Name, machine, ctx.Streams);
        context.Cpu.Scheduler.WakeAffine = ctx.Scenario.Cluster.WakeAffine;
        return context;
    }

    /// <summary>A node's own namespace; its iptables rules (kube-proxy's, the CNI's) live in the scenario's iptables backend.</summary>
    private static NetworkNamespace HostNamespace(ClusterContext ctx, NodeContext context, NodeSpec spec)
    {
        var host = new NetworkNamespace(context, "host", ctx.Random($"{spec.Name}/host")) { IpForwarding = true };
        host.Netfilter.Backend = ctx.Scenario.KubeProxy.Backend;
        host.Conntrack.Clash = ctx.Scenario.Cluster.ConntrackClash switch
        {
            ClusterSpec.ClashDrop => Datapaths.Conntrack.ConntrackClash.Drop,
            ClusterSpec.ClashInsert => Datapaths.Conntrack.ConntrackClash.Insert,
            _ => Datapaths.Conntrack.ConntrackClash.Matching,
        };
        return host;
    }

    private static MacAddress NodeMac(int index) => MacAddress.LocallyAdministered(0x1_0000UL + (ulong)index);

    /// <summary>The node's address on eth0 and its default route; the node as built.</summary>
    private static BuiltNode Uplink(NodeSpec spec, NodeContext context, NetworkNamespace host, Nic? nic, NetDevice eth0,
        Ipv4Address address, Ipv4Prefix subnet, int index, Ipv4Address? gateway = null)
    {
        host.AddAddress(eth0, $"{address}/{subnet.Length}");
        // Nodes have a default gateway (the leaf, or on a single segment an upstream router at .1, modelled when the
        // scenario has an external network): Calico's proxy ARP for 169.254.1.1 relies on a route out of another device.
        // The gateway router itself has none on one segment (Ipv4Address.Any): it knows only its connected networks.
        var via = gateway ?? subnet.Address(1);
        if (via != Ipv4Address.Any) host.AddRoute("0.0.0.0/0", eth0, via: via.ToString());
        return new BuiltNode(spec, context, host, nic, eth0, address, subnet) { Index = index };
    }

    /// <summary>A node's address: the node CIDR's .10 upwards on one segment, or its rack subnet's .10 upwards.</summary>
    public static (Ipv4Address Address, Ipv4Prefix Subnet) NodeAddress(Scenario s, int index)
    {
        var c = s.Cluster;
        if (c.Fabric.SharedL2) return (c.NodeCidr.Address((ulong)(FirstNodeHost + index)), c.NodeCidr);
        int rack = c.Nodes[index].Rack % c.Fabric.Racks;
        int inRack = c.Nodes.Take(index).Count(n => n.Rack % c.Fabric.Racks == rack);
        var subnet = Fabric.RackSubnet(c.NodeCidr, rack);
        return (subnet.Address((ulong)(FirstNodeHost + inRack)), subnet);
    }

    internal static NicOffloads Offloads(Scenarios.Model.NicSpec nic) =>
        (nic.ChecksumOffload ? NicOffloads.Checksum : NicOffloads.None) | (nic.Tso ? NicOffloads.Tso : NicOffloads.None) |
        (nic.TunnelTso ? NicOffloads.TunnelTso : NicOffloads.None) | (nic.Gro ? NicOffloads.Gro : NicOffloads.None) |
        (nic.TunnelRxChecksum ? NicOffloads.TunnelRxChecksum : NicOffloads.None);
}
