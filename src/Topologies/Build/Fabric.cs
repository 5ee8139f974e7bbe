using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// The network between the nodes, cabled from the scenario's fabric: one learning Ethernet switch (a shared L2
/// segment), or a routed leaf-spine fabric — a leaf per rack with its nodes on a /24 and the leaf as their
/// gateway, uplinks to every spine, ECMP across spines. In a routed fabric the leaves also carry the pod routes of
/// native-routing datapaths (as when Calico peers with the top-of-rack switches). The routed fabric stands for eBGP
/// between leaves and spines (RFC 7938), converged before time zero: each leaf holds every other rack's subnet and
/// host routes through all spines, so a spine's withdrawal takes it out of exactly those routes.
/// </summary>
public sealed class Fabric
{
    private readonly Simulator _sim;
    private readonly PacketPool _pool;
    private readonly FabricSpec _spec;
    private readonly SwitchSpec _switchSpec;
    private readonly List<Link> _links = new();
    private readonly List<FrameSwitch> _switches = new();
    private readonly Dictionary<BuiltNode, (FabricRouter Leaf, SwitchPort Port)> _leafPorts = new();
    private readonly List<FabricRouter> _leaves = new();
    private readonly List<FabricRouter> _spines = new();
    private readonly List<(FabricRouter Spine, SwitchPort Port, int Rack)> _spineDown = new();
    private readonly Dictionary<int, List<SwitchPort>> _leafUplinks = new();
    private readonly Dictionary<(FabricRouter Leaf, FabricRouter Spine), (SwitchPort Up, SwitchPort Down)> _uplinkPorts = new();
    private EthernetSwitch? _switch;
    private ulong _macs = 0xF_0000;

    public Fabric(Simulator sim, PacketPool pool, FabricSpec spec, long switchLatencyPs)
    {
        _sim = sim;
        _pool = pool;
        _spec = spec;
        _switchSpec = new SwitchSpec
        {
            ForwardingLatency = new SimTime(switchLatencyPs),
            PortBufferBytes = spec.PortBufferBytes,
            EcmpHashing = spec.Ecmp == FabricSpec.EcmpResilient ? EcmpHashing.Resilient : EcmpHashing.Modulo,
            EcmpBuckets = spec.EcmpBuckets,
        };
    }

    public ClusterArp Arp { get; } = new();
    // Link queues are counted through their senders: NICs register theirs on the node, switches list their ports.
    /// <summary>The fabric's switches and routers.</summary>
    public IReadOnlyList<FrameSwitch> Switches => _switches;
    /// <summary>The fabric's cables (node to switch, leaf to spine).</summary>
    public IReadOnlyList<Link> Links => _links;
    public IEnumerable<IPacketHolder> Holders => _switches.SelectMany(s => s.Holders);
    public bool IsRouted => _spec.Type == FabricSpec.LeafSpine;

    /// <summary>The subnet and gateway of a rack's nodes in a routed fabric.</summary>
    public static Ipv4Prefix RackSubnet(Ipv4Prefix nodeCidr, int rack) => nodeCidr.Length <= 24 ? nodeCidr.Subnet(24, (ulong)rack) : nodeCidr;

    public void Build(IReadOnlyList<BuiltNode> nodes, Ipv4Prefix nodeCidr)
    {
        if (!IsRouted)
        {
            _switch = new EthernetSwitch(_sim, _pool, "switch", _switchSpec);
            _switches.Add(_switch);
            foreach (var n in nodes) Cable(n.Nic!, _switch, default, n);
            return;
        }
        for (int s = 0; s < _spec.Spines; s++) _spines.Add(Router($"spine{s + 1}", s + 1000));
        for (int r = 0; r < _spec.Racks; r++)
        {
            var leaf = Router($"leaf{r + 1}", r);
            _leaves.Add(leaf);
            _leafUplinks[r] = new List<SwitchPort>();
            foreach (var spine in _spines) Uplink(leaf, spine, r);
            var subnet = RackSubnet(nodeCidr, r);
            Arp.AddGateway(subnet.Address(1), LeafGatewayMac(r));
        }
        foreach (var n in nodes) Cable(n.Nic!, _leaves[n.Spec.Rack % _leaves.Count], LeafGatewayMac(n.Spec.Rack % _leaves.Count), n);
        for (int r = 0; r < _leaves.Count; r++)
        {
            foreach (var spine in _spines)
                spine.AddRoute(RackSubnet(nodeCidr, r), _spineDown.Where(d => d.Spine == spine && d.Rack == r).Select(d => d.Port).ToArray());
            _leaves[r].AddRoute(new Ipv4Prefix(Ipv4Address.Any, 0), _leafUplinks[r].ToArray());
            // Each rack's subnet as the leaves learn it over eBGP from every spine (RFC 7938): a spine that loses a
            // rack withdraws it, and only that route loses the spine (the default keeps it).
            for (int other = 0; other < _leaves.Count; other++)
                if (other != r) _leaves[other].AddRoute(RackSubnet(nodeCidr, r), _leafUplinks[other].ToArray());
        }
        foreach (var n in nodes) AddHostRoute(n, new Ipv4Prefix(n.Address, 32));
    }

    /// <summary>Routes <paramref name="prefix"/> to <paramref name="node"/> through the fabric (pod subnets of native routing).</summary>
    public void AddHostRoute(BuiltNode node, Ipv4Prefix prefix)
    {
        if (!IsRouted) return;
        var (leaf, port) = _leafPorts[node];
        leaf.AddRoute(prefix, port);
        int rack = _leaves.IndexOf(leaf);
        foreach (var spine in _spines)
            spine.AddRoute(prefix, _spineDown.Where(d => d.Spine == spine && d.Rack == rack).Select(d => d.Port).ToArray());
        for (int other = 0; other < _leaves.Count; other++)
            if (other != rack) _leaves[other].AddRoute(prefix, _leafUplinks[other].ToArray());
    }

    /// <summary>The fabric switch named <paramref name="name"/> ("switch", leafN, spineN), or null.</summary>
    public FrameSwitch? SwitchNamed(string name) =>
        _switch is not null && name == _switch.Name ? _switch : _leaves.Concat(_spines).FirstOrDefault(s => s.Name == name);

    /// <summary>The leaves, rack by rack (leaf-spine).</summary>
    public IReadOnlyList<FabricRouter> Leaves => _leaves;

    /// <summary>The spines (leaf-spine).</summary>
    public IReadOnlyList<FabricRouter> Spines => _spines;

    /// <summary>The switch port a node's NIC is cabled to.</summary>
    public SwitchPort PortOf(BuiltNode node) => _nodePorts[node];

    /// <summary>The node behind a switch port, or null (an uplink, a segment's host).</summary>
    public BuiltNode? NodeBehind(SwitchPort port) => _nodePorts.FirstOrDefault(p => ReferenceEquals(p.Value, port)).Key;

    /// <summary>The port of <paramref name="sw"/> toward <paramref name="peer"/> (a node or another switch), or null.</summary>
    public SwitchPort? PortToward(FrameSwitch sw, string peer)
    {
        ArgumentNullException.ThrowIfNull(sw);
        foreach (var (node, port) in _nodePorts)
            if (node.Name == peer && ReferenceEquals(port.Owner, sw)) return port;
        foreach (var (leaf, spine) in _uplinkPorts.Keys)
        {
            var (up, down) = _uplinkPorts[(leaf, spine)];
            if (ReferenceEquals(leaf, sw) && spine.Name == peer) return up;
            if (ReferenceEquals(spine, sw) && leaf.Name == peer) return down;
        }
        return null;
    }

    /// <summary>The switch port at the other end of <paramref name="port"/>'s cable, or null (a node's NIC is there).</summary>
    public static SwitchPort? FarPort(SwitchPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return port.End.Peer.Endpoint as SwitchPort;
    }

    /// <summary>
    /// <paramref name="prefix"/> announced by several nodes (MetalLB's BGP mode, one session per node with its leaf): each
    /// leaf with announcers spreads it over their ports by ECMP, each spine over the racks that have one; a leaf without
    /// one keeps sending it up its default route.
    /// </summary>
    public void AddAnycastRoute(IReadOnlyList<BuiltNode> nodes, Ipv4Prefix prefix)
    {
        if (!IsRouted || nodes.Count == 0) return;
        var racks = new List<int>();
        foreach (var group in nodes.GroupBy(n => _leafPorts[n].Leaf))
        {
            group.Key.AddRoute(prefix, group.Select(n => _leafPorts[n].Port).ToArray());
            racks.Add(_leaves.IndexOf(group.Key));
        }
        foreach (var spine in _spines)
            spine.AddRoute(prefix, _spineDown.Where(d => d.Spine == spine && racks.Contains(d.Rack)).Select(d => d.Port).ToArray());
    }

    private static MacAddress LeafGatewayMac(int rack) => MacAddress.LocallyAdministered(0xE_0000UL + (ulong)rack);

    private FabricRouter Router(string name, int seed)
    {
        var r = new FabricRouter(_sim, _pool, name, _switchSpec, (uint)seed);
        _switches.Add(r);
        return r;
    }

    private Link NewLink(string name, long rate) =>
        Add(new Link(_sim, _pool, new LinkSpec { RateBitsPerSecond = rate, PropagationDelay = _spec.Propagation, Mtu = 9216, QueueLimitBytes = _spec.PortBufferBytes }, name));

    private Link Add(Link link)
    {
        _links.Add(link);
        return link;
    }

    private void Cable(Nic nic, FrameSwitch sw, MacAddress portMac, BuiltNode node)
    {
        var link = NewLink($"{node.Name}-{sw.Name}", _spec.LinkRateBps);
        if (node.Eswitch is { } eswitch)
        {
            eswitch.AddUplink(link.A); // an SR-IOV NIC: the wire ends at its embedded switch, the PF behind it
            node.Context.Holders.Add(link.A.Outbound);
        }
        else nic.Attach(link.A);
        var port = sw.AddPort(link.B, portMac.Value == 0 ? MacAddress.LocallyAdministered(_macs++) : portMac);
        port.PeerMac = nic.Mac;
        if (sw is FabricRouter leaf) _leafPorts[node] = (leaf, port);
        // ARP is instant here (no frames), so the switch would never learn a host until it sends; on Linux the ARP
        // request and reply that precede the first frame teach it both MACs. Without this, each first frame to a
        // host is flooded and the copies die at other hosts' NICs (which Linux's NIC MAC filter discards unseen).
        if (sw is EthernetSwitch l2) l2.AddStaticEntry(nic.Mac, port);
        _nodePorts[node] = port;
    }

    private readonly Dictionary<BuiltNode, SwitchPort> _nodePorts = new();

    /// <summary>
    /// A MAC that lives behind a node's port besides its NIC's own (a macvlan pod): the switch knows it as it would
    /// from the ARP exchange before the first frame, and ARP for <paramref name="address"/> reaches it through the node.
    /// </summary>
    public void AddStackedEndpoint(BuiltNode node, MacAddress mac, Ipv4Address address)
    {
        AddEndpointBehind(node, mac);
        Arp.AddStackedHost((PhysicalDevice)node.Eth0, address);
    }

    /// <summary>A MAC behind a node's port besides its NIC's own (a pod's VF): the switch knows it as the first ARP exchange would teach it.</summary>
    public void AddEndpointBehind(BuiltNode node, MacAddress mac)
    {
        var port = _nodePorts[node];
        if (port.Owner is EthernetSwitch l2) l2.AddStaticEntry(mac, port);
    }

    /// <summary>
    /// Another NIC of <paramref name="node"/> cabled to the node network's switch at the fabric's link rate (a NIC a
    /// pod takes whole): its MAC known to the switch, as for every node's eth0. Single-switch fabrics only.
    /// </summary>
    public void CableNic(BuiltNode node, Nic nic, string name)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(nic);
        var sw = _switch ?? throw new InvalidOperationException("a NIC beside eth0 on the node network needs a single-switch fabric");
        var link = NewLink($"{node.Name}/{name}-{sw.Name}", _spec.LinkRateBps);
        nic.Attach(link.A);
        var port = sw.AddPort(link.B, MacAddress.LocallyAdministered(_macs++));
        port.PeerMac = nic.Mac;
        sw.AddStaticEntry(nic.Mac, port);
    }

    /// <summary>
    /// Reflective relay (802.1Qbg, "hairpin") on the switch port of <paramref name="node"/>: frames for a MAC behind
    /// that port go back out of it, which VEPA mode needs for its slaves to reach each other.
    /// </summary>
    public void SetReflectiveRelay(BuiltNode node, bool on)
    {
        _nodePorts[node].ReflectiveRelay = on;
        if (node.Eth0 is PhysicalDevice { MacvlanPort: { } mv }) mv.WireReflects = on;
    }

    /// <summary>
    /// A separate L2 segment (its own learning switch) cabling <paramref name="nics"/> together at the fabric's link rate:
    /// the network beyond the cluster's gateway router, where external hosts live (each link named HOST-SEGMENT).
    /// </summary>
    public EthernetSwitch AddSegment(string name, IReadOnlyList<(string Host, Nic Nic)> nics)
    {
        var segment = new EthernetSwitch(_sim, _pool, name, _switchSpec);
        _switches.Add(segment);
        foreach (var (host, nic) in nics)
        {
            var link = NewLink($"{host}-{name}", _spec.LinkRateBps);
            nic.Attach(link.A);
            var port = segment.AddPort(link.B, MacAddress.LocallyAdministered(_macs++));
            port.PeerMac = nic.Mac;
            segment.AddStaticEntry(nic.Mac, port); // as for the node network: ARP before the first frame teaches the switch
        }
        return segment;
    }

    /// <summary>A network of its own (cluster.nics[].network): one learning switch, counted with the fabric's.</summary>
    public EthernetSwitch AddNetworkSwitch(string name)
    {
        var sw = new EthernetSwitch(_sim, _pool, name, _switchSpec);
        _switches.Add(sw);
        return sw;
    }

    /// <summary>A cable at <paramref name="rate"/> from a host's port (its A end, left for the caller to plug) to a new port of <paramref name="sw"/>.</summary>
    public (Link Link, SwitchPort Port) AddNetworkCable(EthernetSwitch sw, string name, long rate)
    {
        ArgumentNullException.ThrowIfNull(sw);
        var link = NewLink(name, rate);
        return (link, sw.AddPort(link.B, MacAddress.LocallyAdministered(_macs++)));
    }

    private void Uplink(FabricRouter leaf, FabricRouter spine, int rack)
    {
        var link = NewLink($"{leaf.Name}-{spine.Name}", _spec.UplinkRateBps);
        var up = leaf.AddPort(link.A, MacAddress.LocallyAdministered(_macs++));
        var down = spine.AddPort(link.B, MacAddress.LocallyAdministered(_macs++));
        up.PeerMac = down.Mac;
        down.PeerMac = up.Mac;
        _leafUplinks[rack].Add(up);
        _uplinkPorts[(leaf, spine)] = (up, down);
        _spineDown.Add((spine, down, rack));
    }
}
