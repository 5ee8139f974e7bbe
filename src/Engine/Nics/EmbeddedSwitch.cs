using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;

namespace NetSim.Engine.Nics;

/// <summary>
/// The embedded switch (VEB, virtual Ethernet bridge) of an SR-IOV NIC: port 0 is the physical port on the wire, the
/// others are its PCI functions (the PF and each VF, each a <see cref="Nic"/> of its own with its own queues). A frame
/// from a function whose destination MAC is another function of the same NIC is switched back inside the NIC (hardware,
/// no host core), within one VLAN only; every other frame leaves by the physical port. From the wire a frame goes to the
/// function owning its destination MAC, broadcasts to the PF; others are dropped (the NIC's MAC filter). A VF's
/// max_tx_rate paces what it sends (the NIC's per-VF rate limiter); its spoof check drops frames whose source is not
/// the VF's MAC. Unknown unicast from the wire goes to the PF (whose own MAC filter then decides), and the PF's other
/// source MACs (a macvlan on it) are learned, as the PF driver programs its unicast list into the switch.
/// </summary>
public sealed class EmbeddedSwitch : FrameSwitch
{
    /// <summary>Port 0: the physical port.</summary>
    public const int Uplink = 0;

    /// <summary>Port 1: the PF, the first function plugged in.</summary>
    public const int PfPort = 1;

    private readonly Dictionary<ulong, int> _functionByMac = new();
    private readonly List<VfSettings> _settings = [new VfSettings()];
    private readonly List<long> _nextFreePs = [0];
    private readonly long _backlogLimitBytes;

    public EmbeddedSwitch(Simulator sim, PacketPool pool, string name, SwitchSpec spec, long backlogLimitBytes)
        : base(sim, pool, name, spec, 0) => _backlogLimitBytes = backlogLimitBytes;

    /// <summary>Frames switched between two functions of this NIC without leaving it.</summary>
    public long Looped { get; private set; }

    /// <summary>Frames a VF's rate limiter held back (sent later than they arrived).</summary>
    public long Paced { get; private set; }

    /// <summary>Plugs the physical port into the wire; must be the first port.</summary>
    public SwitchPort AddUplink(LinkEnd end)
    {
        if (Ports.Count != 0) throw new InvalidOperationException($"{Name}: the physical port is port 0");
        return AddPort(end);
    }

    /// <summary>Plugs a PCI function (its NIC's link end) in as the owner of <paramref name="mac"/>; returns its port.</summary>
    public SwitchPort AddFunction(LinkEnd end, MacAddress mac)
    {
        if (Ports.Count == 0) throw new InvalidOperationException($"{Name}: add the physical port first");
        var port = AddPort(end);
        _functionByMac[mac.Value] = port.Index;
        _settings.Add(new VfSettings { Mac = mac });
        _nextFreePs.Add(0);
        return port;
    }

    /// <summary>ip link set PF vf N ...: the VLAN, spoof check, trust and rate limits of the function on <paramref name="port"/>.</summary>
    public void Configure(int port, VfSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (port <= Uplink || port >= _settings.Count) throw new ArgumentOutOfRangeException(nameof(port));
        if (settings.MaxTxRateBps < 0 || settings.MinTxRateBps < 0) throw new ArgumentException("rates must not be negative", nameof(settings));
        if (settings.MaxTxRateBps > 0 && settings.MinTxRateBps > settings.MaxTxRateBps)
            throw new ArgumentException("min_tx_rate is above max_tx_rate", nameof(settings));
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
        ref EthernetHeader eth = ref frame.Top.Ethernet;
        if (ingress.Index == Uplink)
        {
            int to = eth.Destination.IsMulticast ? PfPort : _functionByMac.GetValueOrDefault(eth.Destination.Value, PfPort);
            Emit(frame, ingress, Ports[to], completeAtPs);
            return;
        }
        var from = _settings[ingress.Index];
        if (ingress.Index == PfPort && !eth.Source.IsMulticast) _functionByMac.TryAdd(eth.Source.Value, PfPort);
        if (from.SpoofCheck && eth.Source != from.Mac)
        {
            DropFrame(frame, DropReason.PolicyDenied); // the NIC's anti-spoof filter
            return;
        }
        int local = eth.Destination.IsMulticast ? -1 : _functionByMac.GetValueOrDefault(eth.Destination.Value, -1);
        // Another function of this NIC in the same VLAN: switched inside the NIC; otherwise out of the physical port.
        var egress = local > Uplink && local != ingress.Index && _settings[local].Vlan == from.Vlan ? Ports[local] : Ports[Uplink];
        if (egress.Index != Uplink) Looped++;
        if (from.MaxTxRateBps > 0) Pace(frame, ingress, egress, from.MaxTxRateBps);
        else Emit(frame, ingress, egress, completeAtPs);
    }

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
