using NetSim.Datapaths.Common;
using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// A Linux network namespace: its devices (lo is created with it), addresses, the local and main routing tables,
/// the neighbour table, netfilter (iptables tables and conntrack) and the IPv4 paths as elements:
/// <list type="bullet">
/// <item>receive: device → <see cref="IpReceive"/> (ip_rcv, PREROUTING, route lookup) → <see cref="LocalDeliver"/>
/// (ip_local_deliver: reassembly, INPUT, the protocol's receiver) or <see cref="Forward"/> (ip_forward: TTL, FORWARD)
/// → <see cref="Output"/>;</item>
/// <item>send: <see cref="LocalOut"/> (ip_local_out: route lookup, source address, OUTPUT) → <see cref="Output"/>
/// (ip_output: POSTROUTING, MTU check and fragmentation, neighbour output) → device.</item>
/// </list>
/// Sysctls modelled: net.ipv4.ip_forward (<see cref="IpForwarding"/>, off by default as in a new namespace),
/// icmp_echo_ignore_all and net.core.somaxconn (<see cref="Somaxconn"/>). rp_filter is not modelled (every source is accepted; Calico and Cilium relax it anyway),
/// nor ICMP redirects or ICMP rate limiting. Policy routing (<see cref="AddRule"/>): with no rule added, lookups
/// take Linux's defaults (local, then main) unchanged; rules added are walked by priority between them.
/// </summary>
public sealed class NetworkNamespace : INetworkNamespace
{
    private readonly List<NetDevice> _devices = new();
    private NetDevice?[] _byIndex = new NetDevice?[8];
    private readonly PacketElement?[] _protocols = new PacketElement?[256];
    private readonly Dictionary<ushort, PacketElement> _udpTunnels = new();
    private readonly List<FibRule> _rules = new();
    private readonly Dictionary<int, RoutingTable> _tables = new();
    private int _nextIfIndex = 1;
    private ushort _ipId;

    /// <param name="random">The seeded stream NAT port selection draws from; by default one seeded from the node and namespace names.</param>
    public NetworkNamespace(NodeContext node, string name, Random? random = null)
    {
        Node = node;
        Name = name;
        Costs = new DatapathCosts(node.Costs);
        LocalTable = new RoutingTable("local");
        Routes = new RoutingTable("main");
        Neighbours = new NeighbourTable();
        Conntrack = new ConntrackTable(node.Sim, random ?? new Random(StableHash.Seed(node.Name + "/" + name)));
        Netfilter = new NetfilterHooks(this);
        Reassembler = new IpReassembler(node, name + "/ip_defrag");
        IpReceive = new IpReceive(this, afterBridgeNetfilter: false);
        IpReceiveAfterBridgeNetfilter = new IpReceive(this, afterBridgeNetfilter: true);
        LocalDeliver = new IpLocalDeliver(this);
        Forward = new IpForward(this);
        LocalOutPath = new IpLocalOut(this);
        Output = new IpOutput(this);
        Icmp = new IcmpSender(this);
        IcmpReceive = new IcmpReceive(this);
        Loopback = new LoopbackDevice(this);
        AddAddress(Loopback, new InterfaceAddress(new Ipv4Address(0x7F000001), 8));
    }

    public NodeContext Node { get; }
    public string Name { get; }
    public DatapathCosts Costs { get; }
    /// <summary>The "local" table: this namespace's own addresses (type local), consulted before the main table.</summary>
    public RoutingTable LocalTable { get; }
    /// <summary>The "main" table: connected subnets and configured routes.</summary>
    public RoutingTable Routes { get; }
    public NeighbourTable Neighbours { get; }
    public ConntrackTable Conntrack { get; }
    public NetfilterHooks Netfilter { get; }
    /// <summary>Reassembly at local delivery (ip_defrag, IP_DEFRAG_LOCAL_DELIVER).</summary>
    public IpReassembler Reassembler { get; }
    public LoopbackDevice Loopback { get; }
    public IReadOnlyList<NetDevice> Devices => _devices;

    /// <summary>net.ipv4.ip_forward.</summary>
    public bool IpForwarding { get; set; }
    /// <summary>Whether the namespace sends ICMP errors (time exceeded, unreachable, fragmentation needed).</summary>
    public bool SendIcmpErrors { get; set; } = true;
    /// <summary>net.ipv4.icmp_echo_ignore_all.</summary>
    public bool IcmpEchoIgnoreAll { get; set; }
    /// <summary>net.core.somaxconn of this namespace (4096 by default since Linux 5.4): the cap on every listen() backlog.</summary>
    public int Somaxconn { get; set; } = 4096;

    /// <summary>ip_rcv: where devices deliver IPv4 packets.</summary>
    public PacketElement IpReceive { get; }
    /// <summary>ip_rcv for frames a bridge passed up after br_netfilter ran PREROUTING on them (it is not run again).</summary>
    public PacketElement IpReceiveAfterBridgeNetfilter { get; }
    public PacketElement LocalDeliver { get; }
    public PacketElement Forward { get; }
    /// <summary>ip_output: POSTROUTING, fragmentation, neighbour output.</summary>
    public PacketElement Output { get; }
    /// <summary>ip_local_out: where sockets and tunnels hand packets to be sent.</summary>
    public PacketElement LocalOut => LocalOutPath;
    internal IpLocalOut LocalOutPath { get; }
    /// <summary>icmp_send: builds ICMP errors and TCP resets.</summary>
    public IcmpSender Icmp { get; }
    internal IcmpReceive IcmpReceive { get; }

    /// <summary>The device with this ifindex, or null.</summary>
    public NetDevice? DeviceByIndex(int ifIndex) => (uint)ifIndex < (uint)_byIndex.Length ? _byIndex[ifIndex] : null;

    /// <summary>The device named <paramref name="name"/>.</summary>
    public NetDevice Device(string name)
    {
        foreach (NetDevice d in _devices)
            if (string.Equals(d.Name, name, StringComparison.Ordinal)) return d;
        throw new KeyNotFoundException($"{Name}: no device {name}");
    }

    // ---- addresses -------------------------------------------------------------------------------------------

    /// <summary>
    /// ip addr add ADDR/LEN dev DEV: the address, its local route, and (unless /32 or <paramref name="noPrefixRoute"/>)
    /// the connected route "SUBNET dev DEV scope link src ADDR".
    /// </summary>
    public void AddAddress(NetDevice device, InterfaceAddress address, bool noPrefixRoute = false)
    {
        CheckOwn(device);
        // Linux refuses an address twice on one device (EEXIST) but lets another device hold it too (ptp puts the
        // pods' gateway on every host-side veth); lookups find the first device's local route.
        bool loopback = device == Loopback;
        if (HasAddress(device, address.Address, loopback)) throw new InvalidOperationException($"{Name}: {address.Address} is already on {device.Name}");
        device.AddressList.Add(address);
        LocalTable.Append(new Route
        {
            Prefix = loopback ? address.Subnet : new Ipv4Prefix(address.Address, 32),
            Type = RouteType.Local,
            Device = device,
            PreferredSource = address.Address,
            Scope = RouteScope.Host,
        });
        if (loopback || noPrefixRoute || address.PrefixLength == 32) return;
        Routes.Append(new Route
        {
            Prefix = address.Subnet,
            Device = device,
            PreferredSource = address.Address,
            Scope = RouteScope.Link,
        });
    }

    /// <summary>
    /// Whether <paramref name="device"/> holds <paramref name="address"/>: off loopback, by its /32 local route (one hash
    /// probe, so binding thousands of ClusterIPs to kube-ipvs0 is not quadratic); loopback's local routes are subnets.
    /// </summary>
    private bool HasAddress(NetDevice device, Ipv4Address address, bool loopback)
    {
        if (loopback)
        {
            foreach (InterfaceAddress a in device.Addresses)
                if (a.Address == address) return true;
            return false;
        }
        foreach (Route r in LocalTable.RoutesTo(new Ipv4Prefix(address, 32)))
            if (r.Type == RouteType.Local && r.Device == device && r.PreferredSource == address) return true;
        return false;
    }

    /// <summary>ip addr add "10.0.0.1/24" dev DEV.</summary>
    public void AddAddress(NetDevice device, string address, bool noPrefixRoute = false) =>
        AddAddress(device, InterfaceAddress.Parse(address), noPrefixRoute);

    /// <summary>ip addr del: the address and the routes the kernel derived from it.</summary>
    public bool RemoveAddress(NetDevice device, Ipv4Address address)
    {
        int i = device.AddressList.FindIndex(a => a.Address == address);
        if (i < 0) return false;
        device.AddressList.RemoveAt(i);
        foreach (RoutingTable t in new[] { LocalTable, Routes })
            foreach (Route r in t.Routes)
                if (r.Device == device && r.PreferredSource == address && r.Scope != RouteScope.Global) t.Remove(r);
        return true;
    }

    /// <summary>True when <paramref name="address"/> is one of this namespace's (the local table has it).</summary>
    public bool IsLocalAddress(Ipv4Address address) => LocalTable.Lookup(address) is { Type: RouteType.Local };

    // ---- routes ----------------------------------------------------------------------------------------------

    /// <summary>
    /// ip route add: a gateway must be reachable on the route's device through a connected route unless the route
    /// is "onlink" (fib_check_nh: "Nexthop has invalid gateway").
    /// </summary>
    public Route AddRoute(Route route)
    {
        ValidateRoute(route);
        Routes.Add(route);
        return route;
    }

    /// <summary>ip route replace.</summary>
    public Route ReplaceRoute(Route route)
    {
        ValidateRoute(route);
        Routes.Replace(route);
        return route;
    }

    /// <summary>ip route add PREFIX [via GW] dev DEV [metric M] [onlink].</summary>
    public Route AddRoute(string prefix, NetDevice device, string? via = null, int metric = 0, bool onLink = false) =>
        AddRoute(new Route
        {
            Prefix = Ipv4Prefix.Parse(prefix),
            Device = device,
            Gateway = via is null ? Ipv4Address.Any : Ipv4Address.Parse(via),
            Metric = metric,
            OnLink = onLink,
            Scope = via is null ? RouteScope.Link : RouteScope.Global,
        });

    /// <summary>The route for <paramref name="destination"/>: the local table first, then the main table (fib_lookup).</summary>
    public Route? LookupRoute(Ipv4Address destination) => LocalTable.Lookup(destination) ?? Routes.Lookup(destination);

    // ---- policy routing --------------------------------------------------------------------------------------

    /// <summary>The rules added with <see cref="AddRule"/>, by priority (Linux's local, main and default rules are implicit).</summary>
    public IReadOnlyList<FibRule> Rules => _rules;

    /// <summary>Routing table number <paramref name="id"/> (254 main, 255 local; others are created empty on first use).</summary>
    public RoutingTable Table(int id) => id switch
    {
        254 => Routes,
        255 => LocalTable,
        _ => _tables.TryGetValue(id, out var t) ? t : _tables[id] = new RoutingTable(id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>ip rule add ... lookup TABLE pref PRIORITY: kept in priority order, a later rule after an equal one.</summary>
    public FibRule AddRule(int priority, int table, Ipv4Prefix? from = null, Ipv4Prefix? to = null, bool invert = false)
    {
        if (priority <= 0 || priority >= FibRule.MainPriority) throw new ArgumentOutOfRangeException(nameof(priority), "between the local (0) and main (32766) rules");
        var rule = new FibRule
        {
            Priority = priority, TableId = table, Table = Table(table), Invert = invert,
            From = from ?? new Ipv4Prefix(Ipv4Address.Any, 0), To = to ?? new Ipv4Prefix(Ipv4Address.Any, 0),
        };
        int i = _rules.FindLastIndex(r => r.Priority <= priority);
        _rules.Insert(i + 1, rule);
        return rule;
    }

    /// <summary>ip rule del: removes the first rule equal to <paramref name="rule"/>'s priority, selector and table.</summary>
    public bool RemoveRule(FibRule rule) => _rules.Remove(rule);

    /// <summary>
    /// fib_lookup with policy routing: the local table (rule 0), the added rules in priority order (each one tested
    /// counts in <paramref name="rulesTested"/>), then main. <paramref name="chosen"/> is the added rule whose table
    /// answered, or null when local or main did. With no rule added this is <see cref="LookupRoute(Ipv4Address)"/>.
    /// </summary>
    public Route? LookupRoute(Ipv4Address destination, Ipv4Address source, out int rulesTested, out FibRule? chosen)
    {
        rulesTested = 0;
        chosen = null;
        if (_rules.Count == 0) return LookupRoute(destination);
        if (LocalTable.Lookup(destination) is { } local) return local;
        for (int i = 0; i < _rules.Count; i++)
        {
            FibRule rule = _rules[i];
            rulesTested++;
            if (!rule.Matches(source, destination)) continue;
            if (rule.Table.Lookup(destination) is { } r)
            {
                chosen = rule;
                return r;
            }
        }
        return Routes.Lookup(destination);
    }

    /// <summary>The route a packet from <paramref name="source"/> to <paramref name="destination"/> takes (skb_dst, not charged again).</summary>
    public Route? LookupRoute(Ipv4Address destination, Ipv4Address source) => LookupRoute(destination, source, out _, out _);

    /// <summary>The device a route sends out of: loopback for local routes.</summary>
    public NetDevice? OutputDevice(Route route) => route.Type == RouteType.Local ? Loopback : route.Device;

    /// <summary>The source address the kernel picks for a packet to <paramref name="destination"/> along <paramref name="route"/>.</summary>
    public Ipv4Address SelectSource(Route route, Ipv4Address destination)
    {
        if (route.PreferredSource != Ipv4Address.Any) return route.PreferredSource;
        if (route.Type == RouteType.Local) return destination;
        return route.Device is null ? Ipv4Address.Any : SelectSourceAddress(route.Device, route.NextHop(destination));
    }

    /// <summary>
    /// inet_select_addr: an address of <paramref name="device"/> in the same subnet as <paramref name="nextHop"/>,
    /// else its primary address, else any non-loopback address of the namespace; Any when there is none.
    /// </summary>
    public Ipv4Address SelectSourceAddress(NetDevice device, Ipv4Address nextHop)
    {
        var addrs = device.Addresses;
        for (int i = 0; i < addrs.Count; i++)
            if (addrs[i].Subnet.Contains(nextHop)) return addrs[i].Address;
        for (int i = 0; i < addrs.Count; i++)
            if (!addrs[i].Address.IsLoopback) return addrs[i].Address;
        foreach (NetDevice d in _devices)
            foreach (InterfaceAddress a in d.Addresses)
                if (!a.Address.IsLoopback) return a.Address;
        return Ipv4Address.Any;
    }

    // ---- INetworkNamespace -----------------------------------------------------------------------------------

    /// <summary>Registers the receiver of locally delivered packets of one IP protocol (6 TCP, 17 UDP, 1 ICMP, 4 IPIP).</summary>
    public void RegisterProtocol(byte protocol, PacketElement receiver) => _protocols[protocol] = receiver;

    /// <summary>A UDP tunnel socket (VXLAN, Geneve, WireGuard): UDP packets for <paramref name="port"/> go to <paramref name="decap"/>.</summary>
    public void RegisterUdpTunnel(ushort port, PacketElement decap)
    {
        if (!_udpTunnels.TryAdd(port, decap)) throw new InvalidOperationException($"{Name}: UDP port {port} is already bound by a tunnel");
    }

    internal PacketElement? ProtocolHandler(byte protocol) => _protocols[protocol];
    internal PacketElement? UdpTunnel(ushort port) => _udpTunnels.GetValueOrDefault(port);

    public bool TryResolveRoute(Ipv4Address destination, out Ipv4Address source, out int mtu)
    {
        source = Ipv4Address.Any;
        mtu = 0;
        Route? r = LookupRoute(destination);
        if (r is null || r.Type is not (RouteType.Unicast or RouteType.Local)) return false;
        NetDevice dev = OutputDevice(r)!;
        source = SelectSource(r, destination);
        mtu = r.Mtu > 0 ? r.Mtu : dev.Mtu;
        return true;
    }

    // ---- devices ---------------------------------------------------------------------------------------------

    internal ushort NextIpId()
    {
        if (++_ipId == 0) _ipId = 1;
        return _ipId;
    }

    internal void AttachDevice(NetDevice device)
    {
        int index = device.IfIndex;
        if (index == 0 || DeviceByIndex(index) is not null)
        {
            while (DeviceByIndex(_nextIfIndex) is not null) _nextIfIndex++;
            index = _nextIfIndex++;
        }
        if (index >= _byIndex.Length) Array.Resize(ref _byIndex, Math.Max(index + 1, _byIndex.Length * 2));
        _byIndex[index] = device;
        device.IfIndex = index;
        _devices.Add(device);
    }

    internal void DetachDevice(NetDevice device)
    {
        Routes.RemoveDevice(device);
        LocalTable.RemoveDevice(device);
        Neighbours.Flush(device);
        device.AddressList.Clear();
        _devices.Remove(device);
        _byIndex[device.IfIndex] = null;
    }

    private void CheckOwn(NetDevice device)
    {
        if (device.Namespace != this) throw new InvalidOperationException($"{device.Name} is in namespace {device.Namespace.Name}, not {Name}");
    }

    private void ValidateRoute(Route route)
    {
        if (route.Type != RouteType.Unicast) return;
        if (route.Device is null) throw new ArgumentException($"route {route.Prefix}: a unicast route needs a device", nameof(route));
        CheckOwn(route.Device);
        if (route.Gateway == Ipv4Address.Any || route.OnLink) return;
        if (Routes.Lookup(route.Gateway) is { Gateway: var gw } r && gw == Ipv4Address.Any && r.Device == route.Device) return;
        throw new InvalidOperationException($"{Name}: route {route}: Nexthop has invalid gateway (not on a connected subnet of {route.Device.Name}; use onlink)");
    }

    public override string ToString() => $"{Node.Name}/{Name}";
}
