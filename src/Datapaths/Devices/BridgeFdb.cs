using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// A bridge's forwarding database: MAC → port, learned from source addresses (br_fdb_update) and aged out after
/// <see cref="AgeingTime"/> without traffic from that MAC (default 300 s, BR_DEFAULT_AGEING_TIME). Ageing is both
/// lazy (an expired entry is a miss) and periodic: br_fdb_cleanup runs at the earliest expiry and removes what
/// expired. Local entries (the bridge's and its ports' own MACs) and static entries never age.
/// </summary>
public sealed class BridgeFdb : IEventTarget
{
    private readonly Dictionary<MacAddress, Entry> _entries = new();
    private readonly List<MacAddress> _expired = new();
    private readonly Simulator _sim;
    private readonly SimTimer _cleanup;

    internal BridgeFdb(LinuxBridge bridge)
    {
        _sim = bridge.Node.Sim;
        _cleanup = new SimTimer(_sim, this, EventKinds.ControlPlane, bridge.Node.Id);
    }

    /// <summary>bridge ageing_time.</summary>
    public SimTime AgeingTime { get; set; } = SimTime.FromSeconds(300);
    public int Count => _entries.Count;
    public long Learned { get; private set; }
    public long Aged { get; private set; }

    /// <summary>bridge fdb add MAC dev PORT static (or a local entry when <paramref name="port"/> is null).</summary>
    public void AddStatic(MacAddress mac, BridgePort? port) =>
        _entries[mac] = new Entry { Port = port, IsLocal = port is null, IsStatic = true, UpdatedAt = _sim.NowPicoseconds };

    internal void AddLocal(MacAddress mac) => AddStatic(mac, null);

    internal void RemovePort(BridgePort port)
    {
        _expired.Clear();
        foreach (var (mac, e) in _entries)
            if (e.Port == port) _expired.Add(mac);
        foreach (MacAddress mac in _expired) _entries.Remove(mac);
    }

    /// <summary>br_fdb_update: the source MAC of a frame received on <paramref name="port"/>.</summary>
    internal void Learn(MacAddress mac, BridgePort port)
    {
        long now = _sim.NowPicoseconds;
        if (_entries.TryGetValue(mac, out Entry? e))
        {
            if (e.IsStatic) return; // local/static entries are never moved by learning
            e.Port = port;
            e.UpdatedAt = now;
            return;
        }
        _entries[mac] = new Entry { Port = port, UpdatedAt = now };
        Learned++;
        if (!_cleanup.IsArmed) _cleanup.ArmAt(new SimTime(now + AgeingTime.Picoseconds));
    }

    /// <summary>br_fdb_find: the port for <paramref name="mac"/> (null port with <paramref name="local"/> for the bridge itself).</summary>
    public bool TryFind(MacAddress mac, out BridgePort? port, out bool local)
    {
        port = null;
        local = false;
        if (!_entries.TryGetValue(mac, out Entry? e)) return false;
        if (!e.IsStatic && _sim.NowPicoseconds - e.UpdatedAt >= AgeingTime.Picoseconds)
        {
            _entries.Remove(mac);
            Aged++;
            return false;
        }
        port = e.Port;
        local = e.IsLocal;
        return true;
    }

    /// <summary>The port <paramref name="mac"/> was learned on, if the entry is live (for inspection).</summary>
    public BridgePort? PortOf(MacAddress mac) => TryFind(mac, out BridgePort? port, out _) ? port : null;

    /// <summary>br_fdb_cleanup: removes expired dynamic entries, re-arms at the next expiry.</summary>
    void IEventTarget.OnEvent(in SimEvent ev)
    {
        long now = _sim.NowPicoseconds;
        long ageing = AgeingTime.Picoseconds;
        long next = long.MaxValue;
        _expired.Clear();
        foreach (var (mac, e) in _entries)
        {
            if (e.IsStatic) continue;
            long expires = e.UpdatedAt + ageing;
            if (expires <= now) _expired.Add(mac);
            else next = Math.Min(next, expires);
        }
        foreach (MacAddress mac in _expired) _entries.Remove(mac);
        Aged += _expired.Count;
        if (next != long.MaxValue) _cleanup.ArmAt(new SimTime(next));
    }

    private sealed class Entry
    {
        public BridgePort? Port;
        public long UpdatedAt;
        public bool IsLocal;
        public bool IsStatic;
    }
}
