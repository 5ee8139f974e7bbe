using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Switching;

/// <summary>
/// A learning Ethernet switch (store-and-forward, or cut-through after the 14-byte header). It learns source
/// MACs per port, forwards known unicast to one port, floods broadcast, multicast and unknown unicast to every
/// other port (or drops them when flooding is off), and never sends a frame back out of its ingress port unless that port does reflective relay.
/// Static entries are never overwritten by learning. Entries do not age.
/// </summary>
public sealed class EthernetSwitch : FrameSwitch
{
    private readonly Dictionary<ulong, (int Port, bool Static)> _fdb = new();

    public EthernetSwitch(Simulator sim, PacketPool pool, string name, SwitchSpec spec)
        : base(sim, pool, name, spec, EthernetHeader.Size)
    {
    }

    /// <summary>Learn source MACs (off: only static entries forward unicast).</summary>
    public bool Learning { get; set; } = true;
    /// <summary>Flood broadcast, multicast and unknown unicast (off: drop them as NoForwardingEntry).</summary>
    public bool Flooding { get; set; } = true;
    public long Flooded { get; private set; }
    public int FdbCount => _fdb.Count;

    public void AddStaticEntry(MacAddress mac, SwitchPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (!ReferenceEquals(port.Owner, this)) throw new ArgumentException($"{port} is not a port of {Name}", nameof(port));
        _fdb[mac.Value] = (port.Index, true);
    }

    /// <summary>The port a MAC is known on, or null.</summary>
    public SwitchPort? Lookup(MacAddress mac) => _fdb.TryGetValue(mac.Value, out var e) ? Ports[e.Port] : null;

    protected override void Forward(Packet frame, SwitchPort ingress, long completeAtPs)
    {
        if (frame.TopKind != HeaderKind.Ethernet)
        {
            DropFrame(frame, DropReason.NoForwardingEntry);
            return;
        }
        ref EthernetHeader eth = ref frame.Top.Ethernet;
        if (Learning && !eth.Source.IsMulticast) Learn(eth.Source, ingress);
        MacAddress dst = eth.Destination;
        if (!dst.IsMulticast && _fdb.TryGetValue(dst.Value, out var entry))
        {
            // The destination sits behind the ingress port: filtered, unless the port reflects (VEPA's hairpin).
            if (entry.Port == ingress.Index && !ingress.ReflectiveRelay) DropFrame(frame, DropReason.NoForwardingEntry);
            else Emit(frame, ingress, Ports[entry.Port], completeAtPs);
            return;
        }
        if (!Flooding || Ports.Count < 2)
        {
            DropFrame(frame, DropReason.NoForwardingEntry);
            return;
        }
        Flood(frame, ingress, completeAtPs);
    }

    private void Learn(MacAddress source, SwitchPort ingress)
    {
        if (_fdb.TryGetValue(source.Value, out var e) && (e.Static || e.Port == ingress.Index)) return;
        _fdb[source.Value] = (ingress.Index, false);
    }

    /// <summary>Copies to every port but the ingress (unless it reflects), in port order; the original goes out of the last one.</summary>
    private void Flood(Packet frame, SwitchPort ingress, long completeAtPs)
    {
        Flooded++;
        bool skipIngress = !ingress.ReflectiveRelay;
        int last = Ports.Count - 1;
        if (last == ingress.Index && skipIngress) last--;
        for (int i = 0; i < last; i++)
        {
            if (i == ingress.Index && skipIngress) continue;
            Packet copy = Pool.Rent();
            copy.CopyFrom(frame);
            Emit(copy, ingress, Ports[i], completeAtPs);
        }
        Emit(frame, ingress, Ports[last], completeAtPs);
    }
}
