using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Engine.Links;
using NetSim.Engine.Nics;
using NetSim.Engine.Switching;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// Builds cluster.nics on every node: the NIC and its netdev in the host (eth1, with the node's address on that
/// network's subnet, .10 upwards), cabled to the network's own switch. An SR-IOV NIC gets its embedded switch between the
/// wire and its functions: the PF and sriov_numvfs VFs, each a NIC function with its own MAC, queues and interrupts, and
/// a netdev in the host (eth1v0, eth1v1 ...) until a pod takes it.
/// </summary>
public static class NodeNics
{
    /// <summary>PCI bus of the first secondary NIC (the next ones follow); eth0 is on no bus NetSim names.</summary>
    public const int FirstBus = 0x5e;

    public static void Build(ClusterContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var networks = new Dictionary<string, SecondaryNetwork>(StringComparer.Ordinal);
        var nics = ctx.Scenario.Cluster.SecondaryNics;
        for (int k = 0; k < nics.Count; k++)
        {
            var spec = nics[k];
            if (!networks.TryGetValue(spec.Network, out var net))
                networks[spec.Network] = net = new SecondaryNetwork(spec.Network, spec.Cidr, ctx.Fabric.AddNetworkSwitch(spec.Network), new ClusterArp());
            foreach (var node in ctx.Nodes) node.SecondaryNics.Add(BuildNic(ctx, node, spec, k, net));
        }
    }

    private static NodeNic BuildNic(ClusterContext ctx, BuiltNode node, SecondaryNicSpec spec, int k, SecondaryNetwork net)
    {
        int bus = FirstBus + k;
        var pfNic = Function(node, $"{spec.Name} (NIC)", spec.Nic.Queues, Mac(k, node.Index, 0), spec.Nic, 0);
        var pfDev = Netdev(node, spec.Name, pfNic, net.Arp);
        var address = net.Cidr.Address((ulong)(ClusterBuilder.FirstNodeHost + node.Index));
        node.Host.AddAddress(pfDev, $"{address}/{net.Cidr.Length}");
        net.Arp.AddHost(pfDev, address, net.Cidr);
        string pfAddress = PciNetFunction.Address(bus, -1);
        var pf = new PciNetFunction(pfAddress, PciNetFunction.KernelPathOf(bus, pfAddress), pfDev, spec.Name, -1);
        var (cable, port) = ctx.Fabric.AddNetworkCable(net.Switch, $"{node.Name}/{spec.Name}-{net.Name}", spec.Nic.RateBps);
        net.Switch.AddStaticEntry(pfNic.Mac, port); // ARP before the first frame teaches the switch, as on the node network
        if (spec.NumVfs == 0)
        {
            pfNic.Attach(cable.A);
            return new NodeNic(spec, net, pfNic, pf, address) { Port = port };
        }
        var eswitch = Eswitch(ctx, node, spec.Name, spec.Nic);
        eswitch.AddUplink(cable.A);
        node.Context.Holders.Add(cable.A.Outbound);
        pf = pf with { Eswitch = eswitch, EswitchPort = Plug(ctx, node, eswitch, pfNic, spec.Nic) };
        var vfs = new List<PciNetFunction>();
        var vfNics = new List<Nic>();
        for (int i = 0; i < spec.NumVfs; i++)
        {
            var vfNic = Function(node, $"{spec.Name}v{i} (VF)", spec.VfQueues, Mac(k, node.Index, i + 1), spec.Nic, i * spec.VfQueues);
            var vfDev = Netdev(node, $"{spec.Name}v{i}", vfNic, net.Arp);
            string a = PciNetFunction.Address(bus, i);
            vfs.Add(new PciNetFunction(a, PciNetFunction.KernelPathOf(bus, a), vfDev, spec.Name, i)
            { Eswitch = eswitch, EswitchPort = Plug(ctx, node, eswitch, vfNic, spec.Nic), Resource = spec.Resource });
            vfNics.Add(vfNic);
            net.Switch.AddStaticEntry(vfNic.Mac, port);
        }
        return new NodeNic(spec, net, pfNic, pf, address) { Port = port, Eswitch = eswitch, Vfs = vfs, VfNics = vfNics };
    }

    /// <summary>
    /// The embedded switch of an SR-IOV NIC on <paramref name="node"/>: its VF-to-VF hop costs sriov.eswitch_latency, its
    /// rate limiter holds up to the NIC's RX ring of jumbo frames, and it honours min_tx_rate where the driver does.
    /// </summary>
    internal static EmbeddedSwitch Eswitch(ClusterContext ctx, BuiltNode node, string nicName, Scenarios.Model.NicSpec nic) =>
        new(ctx.Sim, ctx.Pool, $"{node.Name}/{nicName} eswitch",
            new SwitchSpec { ForwardingLatency = new Engine.Core.SimTime(ctx.Profile.DelayPs(DelayKeys.SriovEswitch)) }, nic.RxRing * 9216L)
        { NodeId = node.Context.Id, SupportsMinTxRate = NicDrivers.SupportsVfMinTxRate(nic.Driver) };

    /// <summary>A PCI function's NIC: its own queues, RX interrupts spread over the node's cores from <paramref name="firstCore"/>.</summary>
    internal static Nic Function(BuiltNode node, string name, int queues, MacAddress mac, Scenarios.Model.NicSpec nic, int firstCore)
    {
        var f = new Nic(node.Context, name, new Engine.Nics.NicSpec
        {
            Mac = mac,
            Mtu = nic.Mtu,
            TxQueues = queues,
            RxQueues = queues,
            RxRingSize = nic.RxRing,
            Offloads = ClusterBuilder.Offloads(nic),
            Moderation = nic.Driver is { } driver ? NicDrivers.Moderation(driver) : null,
        });
        for (int q = 0; q < queues; q++) f.SetRxQueueCore(q, (firstCore + q) % node.Spec.Cores);
        return f;
    }

    /// <summary>The function's netdev in the host, answering ARP on <paramref name="arp"/>'s network.</summary>
    internal static PhysicalDevice Netdev(BuiltNode node, string name, Nic nic, ClusterArp arp)
    {
        var dev = new PhysicalDevice(node.Host, name, nic.Mtu, nic.Mac, nic) { Link = arp };
        nic.ReceiveTarget = dev.RxEntry;
        return dev;
    }

    /// <summary>The function's side of the NIC: a PCIe path at the port's rate from the function to its embedded-switch port.</summary>
    internal static int Plug(ClusterContext ctx, BuiltNode node, EmbeddedSwitch eswitch, Nic function, Scenarios.Model.NicSpec nic)
    {
        var path = new Link(ctx.Sim, ctx.Pool, new LinkSpec { RateBitsPerSecond = nic.RateBps, Mtu = 9216, QueueLimitBytes = nic.RxRing * 9216L },
            $"{node.Name}/{function.Name}-eswitch");
        function.Attach(path.A);
        var port = eswitch.AddFunction(path.B, function.Mac);
        node.Context.Holders.Add(path.B.Outbound);
        return port.Index;
    }

    /// <summary>Function <paramref name="fn"/> (0 the PF, then the VFs) of secondary NIC <paramref name="k"/> of node <paramref name="index"/>.</summary>
    private static MacAddress Mac(int k, int index, int fn) => MacAddress.LocallyAdministered(((ulong)(uint)(k + 2) << 32) | ((ulong)(uint)index << 12) | (uint)fn);
}
