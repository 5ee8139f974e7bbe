using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// An Open vSwitch kernel datapath (ovs-dpctl add-dp; Weave Net's "datapath"): its vports are devices whose
/// rx_handler is the datapath (netdev_frame_hook). A frame received on a vport goes through ovs_dp_process_packet:
/// the flow key extracted and ovs_flow_tbl_lookup run (<c>ovs.process</c> per packet, <c>ovs.flow_lookup</c> per
/// mask tested: the flows here are exact on in_port and destination MAC, one mask, found through the mask cache),
/// then the flow's action, output to another vport (that device's transmit). A miss would be an upcall to the
/// userspace daemon that installs the flow (Weave's router); NetSim's flows are installed before traffic, as its
/// ARP is instant, so a miss is dropped (<see cref="DropReason.NoForwardingEntry"/>). ARP across the datapath is
/// answered from the daemon's view of the network (<see cref="AddNeighbour"/>), without frames.
/// </summary>
public sealed class OvsDatapath : IRxHandler
{
    /// <summary>The masks the lookup tests: Weave's flows all match in_port + eth_dst.</summary>
    public const int Masks = 1;

    private readonly List<NetDevice> _ports = new();
    private readonly Dictionary<(int InPort, MacAddress Dst), NetDevice> _flows = new();
    private readonly Dictionary<Ipv4Address, MacAddress> _neighbours = new();

    public OvsDatapath(NetworkNamespace ns, string name)
    {
        Namespace = ns;
        Name = name;
        Process = new OvsProcessPacket(this);
    }

    public string Name { get; }
    public NetworkNamespace Namespace { get; }
    public IReadOnlyList<NetDevice> Ports => _ports;
    public int FlowCount => _flows.Count;
    internal OvsProcessPacket Process { get; }

    /// <summary>The userspace daemon flow misses go up to (Weave's router, forwarding over sleeve), or null: a miss is dropped.</summary>
    public Tunnels.WeaveSleeveRouter? Daemon { get; set; }

    /// <summary>ovs-dpctl add-if: the device becomes a vport; its received frames are the datapath's.</summary>
    public void AddPort(NetDevice device)
    {
        if (device.Namespace != Namespace) throw new InvalidOperationException($"{device.Name} is not in {Namespace.Name}");
        if (device.RxHandler is not null || device.BridgePort is not null) throw new InvalidOperationException($"{device.Name}: device or resource busy");
        device.RxHandler = this;
        _ports.Add(device);
    }

    /// <summary>ovs-dpctl add-flow in_port(IN),eth(dst=DST) actions:OUT.</summary>
    public void AddFlow(NetDevice inPort, MacAddress dst, NetDevice outPort)
    {
        if (!_ports.Contains(inPort) || !_ports.Contains(outPort)) throw new InvalidOperationException($"{Name}: both ports must be vports of the datapath");
        _flows[(inPort.IfIndex, dst)] = outPort;
    }

    /// <summary>The daemon knows <paramref name="address"/> is at <paramref name="mac"/> (somewhere on the overlay).</summary>
    public void AddNeighbour(Ipv4Address address, MacAddress mac) => _neighbours[address] = mac;

    internal NetDevice? Lookup(int inPort, MacAddress dst) => _flows.GetValueOrDefault((inPort, dst));

    bool IRxHandler.HandleFrame(Packet p, long ps)
    {
        if (p.TopKind != HeaderKind.Ethernet) return false;
        Process.Enter(p, ps);
        return true;
    }

    bool IRxHandler.AnswerExternal(Ipv4Address target, MacAddress requester, out MacAddress mac) => _neighbours.TryGetValue(target, out mac) || (Daemon?.Resolve(target, out mac) ?? false);

    bool IRxHandler.ResolveFromLower(Ipv4Address target, MacAddress requester, out MacAddress mac) => _neighbours.TryGetValue(target, out mac) || (Daemon?.Resolve(target, out mac) ?? false);
}
