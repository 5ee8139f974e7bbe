using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;

namespace NetSim.Engine.Nics;

/// <summary>
/// The embedded switch (VEB, virtual Ethernet bridge) of an SR-IOV NIC: one port is the physical port on the wire, the
/// others are its PCI functions (the PF and each VF, each a <see cref="Nic"/> of its own with its own queues). A frame
/// from a function whose destination MAC is another function of the same NIC is switched back inside the NIC (hardware,
/// no host core), within one VLAN only; every other frame leaves by the physical port. From the wire a frame goes to the
/// function owning its destination MAC, broadcasts to the PF; others are dropped (the NIC's MAC filter). A VF with a
/// VLAN (VST, VLAN switch tagging) has an 802.1Q tag with its id and priority inserted on every frame it sends to the
/// wire and stripped from every frame it receives; a tagged frame is delivered only to a function of that VLAN and an
/// untagged one only to a function without. A VF's max_tx_rate paces what it sends (the NIC's per-VF rate limiter);
/// min_tx_rate is accepted only by a NIC whose driver implements it (<see cref="SupportsMinTxRate"/>). Its spoof check
/// drops frames whose source is not the VF's MAC; its link state drops what it would send or receive while it is down
/// (disabled, or auto with the physical port's carrier lost). Unknown unicast from the wire goes to the PF (whose own
/// MAC filter then decides), and the PF's other source MACs (a macvlan on it) are learned, as the PF driver programs
/// its unicast list into the switch.
/// </summary>
public sealed class EmbeddedSwitch : FrameSwitch
{
    private readonly Dictionary<ulong, int> _functionByMac = new();
    private readonly List<VfSettings> _settings = [];
    private readonly List<long> _nextFreePs = [];
    private int _uplink = -1, _pf = -1;
    private readonly long _backlogLimitBytes;

    public EmbeddedSwitch(Simulator sim, PacketPool pool, string name, SwitchSpec spec, long backlogLimitBytes)
        : base(sim, pool, name, spec, 0) => _backlogLimitBytes = backlogLimitBytes;

    /// <summary>Frames switched between two functions of this NIC without leaving it.</summary>
    public long Looped { get; private set; }

    /// <summary>Frames a VF's rate limiter held back (sent later than they arrived).</summary>
    public long Paced { get; private set; }

    /// <summary>A capture on the physical port (a port mirror): every frame to and from the wire as it is there, VLAN tags included.</summary>
    public IPacketTap? UplinkTap { get; set; }

    /// <summary>Frames that left by the physical port with a VF's 802.1Q tag inserted.</summary>
    public long Tagged { get; private set; }

    /// <summary>
    /// The PF driver implements a VF's min_tx_rate (mlx5, ice); i40e and ixgbe refuse any non-zero minimum with EINVAL
    /// in their ndo_set_vf_rate.
    /// </summary>
    public bool SupportsMinTxRate { get; init; }

    /// <summary>The physical port's index (-1 until it is plugged in).</summary>
    public int Uplink => _uplink;

    /// <summary>The PF's port: the first function plugged in (-1 before).</summary>
    public int PfPort => _pf;

    /// <summary>Plugs the physical port into the wire (once).</summary>
    public SwitchPort AddUplink(LinkEnd end)
    {
        if (_uplink >= 0) throw new InvalidOperationException($"{Name} already has its physical port");
        var port = AddPort(end);
        _uplink = port.Index;
        _settings.Add(new VfSettings());
        _nextFreePs.Add(0);
        return port;
    }

    /// <summary>Plugs a PCI function (its NIC's link end) in as the owner of <paramref name="mac"/>; the first is the PF. Returns its port.</summary>
    public SwitchPort AddFunction(LinkEnd end, MacAddress mac)
    {
        var port = AddPort(end);
        if (_pf < 0) _pf = port.Index;
        _functionByMac[mac.Value] = port.Index;
        _settings.Add(new VfSettings { Mac = mac });
        _nextFreePs.Add(0);
        return port;
    }

    /// <summary>ip link set PF vf N ...: the VLAN, spoof check, trust and rate limits of the function on <paramref name="port"/>.</summary>
    public void Configure(int port, VfSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (port < 0 || port == _uplink || port >= _settings.Count) throw new ArgumentOutOfRangeException(nameof(port));
        if (settings.MaxTxRateBps < 0 || settings.MinTxRateBps < 0) throw new ArgumentException("rates must not be negative", nameof(settings));
        if (settings.MaxTxRateBps > 0 && settings.MinTxRateBps > settings.MaxTxRateBps)
            throw new ArgumentException("min_tx_rate is above max_tx_rate", nameof(settings));
        if (settings.MinTxRateBps > 0 && !SupportsMinTxRate) throw new NotSupportedException($"{Name}: the NIC's driver has no VF minimum rate (EINVAL)");
        if (settings.Vlan is < 0 or > 4094 || settings.VlanQos is < 0 or > 7) throw new ArgumentException("vlan must be 0-4094 and its qos 0-7", nameof(settings));
        if (_settings[port].Mac != settings.Mac)
        {
            _functionByMac.Remove(_settings[port].Mac.Value);
            _functionByMac[settings.Mac.Value] = port;
        }
        _settings[port] = settings;
    }

    /// <summary>The settings of the function on <paramref name="port"/>.</summary>
    public VfSettings SettingsOf(int port) => _settings[port];

    protected override void Forward(Packet frame, SwitchPort ingress, long completeAtPs)
    {
        if (frame.TopKind != HeaderKind.Ethernet)
        {
            DropFrame(frame, DropReason.NoForwardingEntry);
            return;
        }
        if (ingress.Index == _uplink) FromWire(frame, ingress, completeAtPs);
        else FromFunction(frame, ingress, completeAtPs);
    }

    /// <summary>A frame from the wire: to the function owning its MAC (the PF for broadcasts and unknown unicast), in its VLAN, untagged.</summary>
    private void FromWire(Packet frame, SwitchPort ingress, long completeAtPs)
    {
        UplinkTap?.Capture(frame, Sim.NowPicoseconds);
        ref EthernetHeader eth = ref frame.Top.Ethernet;
        int to = eth.Destination.IsMulticast ? _pf : _functionByMac.GetValueOrDefault(eth.Destination.Value, _pf);
        if (eth.VlanId != _settings[to].Vlan)
        {
            DropFrame(frame, DropReason.NoForwardingEntry); // the NIC's VLAN filter: no function of that VLAN owns the MAC
            return;
        }
        if (!IsUp(to))
        {
            DropFrame(frame, DropReason.LinkDown);
            return;
        }
        eth.VlanId = 0; // VST: the VF sees its frames untagged
        eth.VlanPriority = 0;
        Emit(frame, ingress, Ports[to], completeAtPs);
    }

    /// <summary>A frame a function sends: checked, then switched to a sibling of its VLAN inside the NIC or tagged out of the physical port.</summary>
    private void FromFunction(Packet frame, SwitchPort ingress, long completeAtPs)
    {
        ref EthernetHeader eth = ref frame.Top.Ethernet;
        var from = _settings[ingress.Index];
        if (ingress.Index == _pf && !eth.Source.IsMulticast) _functionByMac.TryAdd(eth.Source.Value, _pf);
        if (from.SpoofCheck && eth.Source != from.Mac)
        {
            DropFrame(frame, DropReason.PolicyDenied); // the NIC's anti-spoof filter
            return;
        }
        int local = eth.Destination.IsMulticast ? -1 : _functionByMac.GetValueOrDefault(eth.Destination.Value, -1);
        // Another function of this NIC in the same VLAN: switched inside the NIC; otherwise out of the physical port.
        var egress = local >= 0 && local != _uplink && local != ingress.Index && _settings[local].Vlan == from.Vlan ? Ports[local] : Ports[_uplink];
        if (!IsUp(ingress.Index) || (egress.Index != _uplink && !IsUp(egress.Index)))
        {
            DropFrame(frame, DropReason.LinkDown);
            return;
        }
        if (egress.Index != _uplink) Looped++;
        else if (from.Vlan != 0)
        {
            eth.VlanId = (ushort)from.Vlan; // VST: the NIC inserts the VF's 802.1Q tag on the wire
            eth.VlanPriority = (byte)from.VlanQos;
            Tagged++;
        }
        if (egress.Index == _uplink) UplinkTap?.Capture(frame, Sim.NowPicoseconds);
        if (from.MaxTxRateBps > 0) Pace(frame, ingress, egress, from.MaxTxRateBps);
        else Emit(frame, ingress, egress, completeAtPs);
    }

    /// <summary>The function's link: disabled is down, auto follows the physical port's carrier, enable is always up.</summary>
    private bool IsUp(int port) => port == _pf || _settings[port].LinkState switch
    {
        VfLinkState.Disable => false,
        VfLinkState.Auto => _uplink < 0 || Ports[_uplink].End.Outbound.HasCarrier,
        _ => true,
    };

    /// <summary>The VF's rate limiter: each frame leaves no sooner than its predecessor's bytes allow at the limit; a backlog past the buffer drops.</summary>
    private void Pace(Packet frame, SwitchPort ingress, SwitchPort egress, long rateBps)
    {
        long now = Sim.NowPicoseconds;
        long start = Math.Max(now + Spec.ForwardingLatency.Picoseconds, _nextFreePs[ingress.Index]);
        long serialization = EthernetFraming.SerializationPs(EthernetFraming.WireBytes(frame.Length), rateBps);
        long backlogBytes = (long)((start - now) / 8e12 * rateBps);
        if (backlogBytes > _backlogLimitBytes)
        {
            DropFrame(frame, DropReason.QueueFull);
            return;
        }
        _nextFreePs[ingress.Index] = start + serialization;
        if (start > now + Spec.ForwardingLatency.Picoseconds) Paced++;
        Sim.ScheduleAtPicoseconds(start, this, EventKinds.PacketArrival, egress.Index, frame);
    }
}
