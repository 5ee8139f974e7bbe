using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// A Linux bridge (br0, cni0): a learning switch over its ports, and itself an L3 interface of its namespace
/// (cni0 carries the pod gateway address). Frames from ports go through <see cref="Input"/> (br_handle_frame:
/// learning, FDB lookup, forward / flood / pass up to the bridge's own stack); frames the host sends out of the
/// bridge go through br_dev_xmit (<see cref="Xmit"/>). Costs: <c>bridge.forward</c> per frame plus
/// <c>bridge.fdb_lookup</c> per FDB lookup (one for learning, one for the destination).
/// With <see cref="NfCallIptables"/> (net.bridge.bridge-nf-call-iptables=1, which Kubernetes requires) bridged
/// IPv4 frames also pass iptables PREROUTING, FORWARD and POSTROUTING (br_netfilter), including conntrack and NAT.
/// </summary>
public sealed class LinuxBridge : NetDevice
{
    private readonly List<BridgePort> _ports = new();
    private readonly List<PacketElement> _floodTargets = new();

    public LinuxBridge(NetworkNamespace ns, string name, int mtu = 1500, MacAddress? mac = null) : base(ns, name, mtu, mac)
    {
        Fdb = new BridgeFdb(this);
        Fdb.AddLocal(Mac);
        Input = new BridgeInput(this);
        RxAfterBridgeNetfilter = new NetifReceive(this, afterBridgeNetfilter: true);
    }

    public BridgeFdb Fdb { get; }
    public IReadOnlyList<BridgePort> Ports => _ports;
    /// <summary>net.bridge.bridge-nf-call-iptables.</summary>
    public bool NfCallIptables { get; set; }
    /// <summary>br_handle_frame: where the bridge's ports deliver their frames.</summary>
    public PacketElement Input { get; }
    /// <summary>The bridge device's receive entry for frames br_netfilter already ran PREROUTING on.</summary>
    internal PacketElement RxAfterBridgeNetfilter { get; }
    public long Flooded { get; private set; }
    public long HairpinDrops { get; private set; }

    /// <summary>ip link set DEV master BRIDGE: enslaves a device of the same namespace.</summary>
    public BridgePort AddPort(NetDevice device, bool hairpin = false)
    {
        if (device == this || device is LoopbackDevice) throw new ArgumentException($"{device.Name} cannot be a port of {Name}", nameof(device));
        if (device.Namespace != Namespace) throw new InvalidOperationException($"{device.Name} is not in {Namespace.Name}");
        if (device.BridgePort is not null) throw new InvalidOperationException($"{device.Name} is already a port of {device.Master!.Name}");
        var port = new BridgePort(this, device, hairpin);
        device.BridgePort = port;
        _ports.Add(port);
        Fdb.AddLocal(device.Mac); // frames to a port's own MAC are for the bridge
        return port;
    }

    /// <summary>ip link set DEV nomaster.</summary>
    public void RemovePort(BridgePort port)
    {
        if (!_ports.Remove(port)) return;
        Fdb.RemovePort(port);
        port.Device.BridgePort = null;
    }

    internal BridgePort? PortByIfIndex(int ifIndex)
    {
        foreach (BridgePort p in _ports)
            if (p.Device.IfIndex == ifIndex) return p;
        return null;
    }

    /// <summary>br_dev_xmit: the host sends out of the bridge; the FDB picks the port (no learning, no br_netfilter).</summary>
    protected override void Xmit(Packet p, long pendingPs)
    {
        long ps = pendingPs + Costs.BridgeForward.For(p.Length);
        if (p.TopKind != HeaderKind.Ethernet)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        MacAddress dst = p.Ethernet.Destination;
        if (!dst.IsMulticast)
        {
            ps += Costs.BridgeFdbLookup.For(p.Length);
            if (Fdb.TryFind(dst, out BridgePort? port, out bool local))
            {
                if (local || !port!.Device.IsUp) ChargeAndDrop(p, ps, local ? DropReason.NoForwardingEntry : DropReason.DeviceDown);
                else WorkPs(p, ps, port.Device, p.Trace is null ? null : $"br_forward → {port.Device.Name}");
                return;
            }
        }
        Flood(this, p, ingress: null, ps, passUp: false);
    }

    /// <summary>
    /// br_flood: copies of the frame to every port that is up and floods (not back out of the ingress port unless
    /// it is in hairpin mode), and for broadcast/multicast from a port one up to the bridge itself.
    /// </summary>
    internal void Flood(DatapathElement actor, Packet p, BridgePort? ingress, long ps, bool passUp)
    {
        bool multicast = p.Ethernet.Destination.IsMulticast;
        List<PacketElement> targets = _floodTargets;
        targets.Clear();
        foreach (BridgePort port in _ports)
        {
            if (!port.Device.IsUp || (!multicast && !port.Flood)) continue;
            if (port == ingress && !port.Hairpin) continue;
            targets.Add(port.Device);
        }
        if (passUp) targets.Add(RxEntry);
        if (targets.Count == 0)
        {
            actor.ChargeAndDrop(p, ps, DropReason.NoForwardingEntry);
            return;
        }
        Flooded++;
        // In port order, as br_flood delivers; the last target gets the original, the others clones.
        int last = targets.Count - 1;
        for (int i = 0; i < last; i++)
        {
            Packet copy = p.Pool.Rent();
            copy.CopyFrom(p);
            actor.HandOff(copy, i == 0 ? ps : 0, targets[i], copy.Trace is null ? null : "br_flood");
        }
        actor.HandOff(p, last == 0 ? ps : 0, targets[last], p.Trace is null ? null : "br_flood");
        targets.Clear();
    }

    internal void CountHairpinDrop() => HairpinDrops++;

    /// <summary>ARP out of the bridge (the host resolving a pod on cni0): flooded to every port; the reply is learned.</summary>
    protected internal override bool ResolveOnLink(Ipv4Address target, MacAddress requester, out MacAddress mac) =>
        FloodArp(target, requester, from: null, out mac);

    /// <summary>
    /// An ARP request that arrived on <paramref name="from"/>: the bridge learns the requester there, answers itself
    /// if the target is its own, or floods the request to the other ports and learns where the reply came from.
    /// </summary>
    internal bool AnswerArpFromPort(Ipv4Address target, MacAddress requester, BridgePort from, out MacAddress mac)
    {
        if (from.Learning && !requester.IsMulticast) Fdb.Learn(requester, from);
        return AnswerArpAsHost(target, out mac) || FloodArp(target, requester, from, out mac);
    }

    private bool FloodArp(Ipv4Address target, MacAddress requester, BridgePort? from, out MacAddress mac)
    {
        foreach (BridgePort port in _ports)
        {
            if (port == from || !port.Device.IsUp || !port.Device.ResolveOnLink(target, requester, out mac)) continue;
            if (port.Learning) Fdb.Learn(mac, port);
            return true;
        }
        mac = default;
        return false;
    }
}
