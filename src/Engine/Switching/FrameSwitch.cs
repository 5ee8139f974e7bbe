using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Switching;

/// <summary>
/// What every hardware forwarding box shares (an Ethernet switch, a fabric router): ports on links, a fixed
/// forwarding latency, store-and-forward or cut-through timing. Subclasses only decide the egress port(s).
/// Forwarding is hardware: no CPU is charged. Frames waiting in egress buffers are held by the ports' links;
/// <see cref="Holders"/> lists them for the conservation check.
/// </summary>
public abstract class FrameSwitch : IEventTarget
{
    private readonly List<SwitchPort> _ports = new();
    private readonly long _latencyPs;
    private readonly int _cutThroughBytes;
    private int _nodeId;

    protected FrameSwitch(Simulator sim, PacketPool pool, string name, SwitchSpec spec, int defaultHeaderBytes)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ForwardingLatency < SimTime.Zero) throw new ArgumentException("forwarding latency must not be negative", nameof(spec));
        Sim = sim;
        Pool = pool;
        Name = name;
        Spec = spec;
        _latencyPs = spec.ForwardingLatency.Picoseconds;
        _cutThroughBytes = spec.CutThrough ? (spec.CutThroughHeaderBytes > 0 ? spec.CutThroughHeaderBytes : defaultHeaderBytes) : 0;
    }

    public Simulator Sim { get; }
    public PacketPool Pool { get; }
    public string Name { get; }
    public SwitchSpec Spec { get; }
    public IReadOnlyList<SwitchPort> Ports => _ports;

    /// <summary>The switch's own node id, which its ports' link ends and its events carry (a split run owns it by this).</summary>
    public int NodeId
    {
        get => _nodeId;
        set
        {
            _nodeId = value;
            foreach (var p in _ports) p.End.NodeId = value;
        }
    }
    /// <summary>Frames sent out of ports (copies made by flooding included).</summary>
    public long Forwarded { get; private set; }
    public long Dropped { get; private set; }

    /// <summary>The egress buffers of all ports (for the conservation check).</summary>
    public IEnumerable<IPacketHolder> Holders
    {
        get
        {
            foreach (var p in _ports) yield return p.End.Outbound;
        }
    }

    /// <summary>Plugs a new port into <paramref name="end"/>; its egress buffer follows <see cref="SwitchSpec"/>.</summary>
    public SwitchPort AddPort(LinkEnd end, MacAddress mac = default)
    {
        ArgumentNullException.ThrowIfNull(end);
        var port = new SwitchPort(this, _ports.Count, end, mac);
        end.Attach(port, $"{Name}/port{port.Index}");
        end.CutThroughBytes = _cutThroughBytes;
        end.NodeId = _nodeId;
        if (Spec.PortBufferBytes > 0) end.Outbound.Queue.ByteLimit = Spec.PortBufferBytes;
        if (Spec.EcnThresholdBytes > 0) end.Outbound.EcnThresholdBytes = Spec.EcnThresholdBytes;
        _ports.Add(port);
        return port;
    }

    /// <summary>The switch is hung: its ports keep light (no carrier loss for its peers) but every frame it receives is lost.</summary>
    public bool Hung { get; set; }

    internal void OnFrame(Packet frame, SwitchPort ingress, long completeAtPs)
    {
        if (Hung) DropFrame(frame, DropReason.SwitchHung);
        else Forward(frame, ingress, completeAtPs);
    }

    /// <summary>Chooses the egress port(s) of a frame and calls <see cref="Emit"/> or <see cref="DropFrame"/>.</summary>
    protected abstract void Forward(Packet frame, SwitchPort ingress, long completeAtPs);

    /// <summary>
    /// Sends a frame out of <paramref name="egress"/> after the forwarding latency. A cut-through frame (still
    /// arriving until <paramref name="completeAtPs"/>) leaves early only if the egress is idle and not faster than
    /// the ingress; otherwise it waits for its last byte, as store-and-forward.
    /// </summary>
    protected void Emit(Packet frame, SwitchPort ingress, SwitchPort egress, long completeAtPs)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(ingress);
        ArgumentNullException.ThrowIfNull(egress);
        long now = Sim.NowPicoseconds;
        long start = now + _latencyPs;
        if (completeAtPs > now && !(egress.End.Outbound.IsIdle && egress.RateBitsPerSecond <= ingress.RateBitsPerSecond))
            start = completeAtPs + _latencyPs;
        Forwarded++;
        if (start == now) egress.End.Transmit(frame);
        // Store-and-forward delays every frame by the same latency, so frames reach an egress wire in the order they
        // are forwarded and can be handed to it now for later; cut-through's early starts could overtake, so they wait.
        else if (_cutThroughBytes == 0) egress.End.Outbound.TransmitAt(frame, start);
        else Sim.ScheduleAtPicoseconds(start, this, EventKinds.PacketArrival, egress.Index, frame);
    }

    protected void DropFrame(Packet frame, DropReason reason)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Dropped++;
        frame.Trace?.Add(new HopRecord(Sim.NowPicoseconds, Name, Name, $"drop: {reason}", 0, 0, 0));
        Pool.Drop(frame, reason);
    }

    void IEventTarget.OnEvent(in SimEvent ev) => _ports[(int)ev.Arg].End.Transmit((Packet)ev.Payload!);

    public override string ToString() => Name;
}
