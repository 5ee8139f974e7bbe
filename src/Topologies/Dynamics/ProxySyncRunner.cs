using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Topologies.Build;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// kube-proxy's sync loop (its BoundedFrequencyRunner): a change to Services or endpoints asks for a sync; the sync
/// starts at once when minSyncPeriod has passed since the previous one started (and that one has finished), else
/// when it has, and every change that arrives meanwhile waits for it. A sync reads the Services as they are when it
/// starts, takes its mode's time (<see cref="ProxySyncCosts"/>), and its rules take effect when it ends (an
/// iptables-restore or nft transaction commits at its end), on every node the API server can reach.
/// </summary>
internal sealed class ProxySyncRunner
{
    private readonly ClusterDynamics _dynamics;
    private readonly ServiceWiring _services;
    private readonly ControlPlaneTimers _timers;
    private readonly string _mode;
    // kube-proxy's first sync programmed the cluster as built, at time zero.
    private SimTime? _lastStart = SimTime.Zero;
    private bool _running;
    private bool _scheduled;
    private int _changed;
    private readonly List<string> _reasons = new();
    private readonly List<string> _targets = new();
    private readonly List<SimTime> _newServices = new();
    // The table as the last sync left it: its rules, and the rules the per-port shape gives its ports (see EstimateRules).
    private long _lastRules, _lastShape;
    // Rules per unit of that shape, learned from the last sync that changed it (other modes and options add their own rules).
    private double _rulesPerShape = 1;

    public ProxySyncRunner(ClusterDynamics dynamics, ServiceWiring services, ControlPlaneTimers timers, string mode)
    {
        _dynamics = dynamics;
        _services = services;
        _timers = timers;
        _mode = mode;
        _lastRules = services.ProxiedNodes.Select(n => services.ProxyOf(n)?.RuleCount ?? 0).DefaultIfEmpty(0).Max();
        _lastShape = Shape(services.Snapshot());
    }

    public List<ProxySyncSample> Syncs { get; } = new();

    /// <summary>Asks for a sync because of <paramref name="reason"/> (a change to <paramref name="target"/>), which changed <paramref name="changedPorts"/> Service ports.</summary>
    public void Request(string target, string reason, int changedPorts, bool newService = false)
    {
        if (!_targets.Contains(target)) _targets.Add(target);
        _reasons.Add(reason);
        _changed += changedPorts;
        if (newService) _newServices.Add(_dynamics.Now);
        if (_scheduled) return;
        _scheduled = true;
        if (!_running) ScheduleStart(); // else the running sync schedules it when it ends
    }

    private void ScheduleStart()
    {
        var now = _dynamics.Now;
        var at = _lastStart is { } last && last + _timers.KubeProxyMinSyncPeriod > now ? last + _timers.KubeProxyMinSyncPeriod : now;
        _dynamics.After(at - now, Start);
    }

    private void Start()
    {
        _scheduled = false;
        var snapshot = _services.Snapshot();
        var stale = _services.TakeStaleUdp();
        string reasons = string.Join("; ", _reasons.Distinct(StringComparer.Ordinal).Take(4)) + (_reasons.Count > 4 ? $"; and {_reasons.Count - 4} more" : "");
        string targets = string.Join(" ", _targets.Take(3)) + (_targets.Count > 3 ? $" +{_targets.Count - 3}" : "");
        _targets.Clear();
        int changed = _changed;
        var created = _newServices.Count > 0 ? _newServices[0] : (SimTime?)null;
        _reasons.Clear();
        _newServices.Clear();
        _changed = 0;
        var start = _dynamics.Now;
        var duration = _timers.SyncCosts.Duration(_mode, EstimateRules(snapshot), changed);
        _lastStart = start;
        _running = true;
        // Each reachable node's kube-proxy runs the sync on one of its cores; its rules take effect when its work ends.
        var sync = new SyncInFlight(start, snapshot, stale, targets, reasons, changed, created, duration);
        var nodes = _services.ProxiedNodes.Where(n => !_dynamics.IsCut(n.Name)).ToList();
        sync.Pending = nodes.Count;
        if (nodes.Count == 0) _dynamics.After(duration, () => Finish(sync));
        foreach (var n in nodes)
            ControlPlaneWork.Run(_dynamics, n, duration, _timers.ControlCpuSlice, () => NodeDone(n, sync));
    }

    /// <summary>One sync while it runs: what it read when it started, and the nodes still writing it.</summary>
    private sealed record SyncInFlight(SimTime Start, ServicePort[] Snapshot, List<(Engine.Addressing.Ipv4Address, Engine.Addressing.Ipv4Address)> Stale,
        string Targets, string Reasons, int Changed, SimTime? FirstCreated, SimTime Cpu)
    {
        public int Pending { get; set; }
        public int Synced { get; set; }
        public int Deleted { get; set; }
        public int Rules { get; set; }
    }

    private void NodeDone(BuiltNode n, SyncInFlight sync)
    {
        if (!_dynamics.IsCut(n.Name))
        {
            _services.SyncProxy(n, sync.Snapshot);
            sync.Deleted += _services.DeleteStaleUdpConntrack(n, sync.Stale);
            sync.Rules = Math.Max(sync.Rules, _services.ProxyOf(n)?.RuleCount ?? 0);
            sync.Synced++;
        }
        if (--sync.Pending == 0) Finish(sync);
    }

    /// <summary>
    /// The table this sync writes, before it is written: the last sync's rules, less the Service rules it had, plus the
    /// Service rules of the ports it writes now, each port counted in kube-proxy's iptables shape (a KUBE-SERVICES
    /// jump and a masquerade rule, then per endpoint a KUBE-SVC jump and KUBE-SEP's hairpin mark and DNAT).
    /// </summary>
    private long EstimateRules(ServicePort[] snapshot) => Math.Max(0, _lastRules + (long)((Shape(snapshot) - _lastShape) * _rulesPerShape));

    private static long Shape(ServicePort[] ports)
    {
        long rules = 0;
        foreach (var p in ports) rules += 2 + 3 * Programmed(p);
        return rules;
    }

    /// <summary>The endpoints a proxy writes for the port: the ready ones, else the serving terminating ones (ProxyTerminatingEndpoints).</summary>
    private static int Programmed(ServicePort p)
    {
        int ready = 0, terminating = 0;
        foreach (var e in p.Endpoints)
        {
            if (e.IsReady) ready++;
            else if (e.IsServingTerminating) terminating++;
        }
        return ready > 0 ? ready : terminating;
    }

    private void Finish(SyncInFlight sync)
    {
        int synced = sync.Synced, rules = sync.Rules;
        var snapshot = sync.Snapshot;
        if (synced > 0)
        {
            long shape = Shape(snapshot);
            if (shape != _lastShape && (rules - _lastRules) * (shape - _lastShape) > 0) _rulesPerShape = (double)(rules - _lastRules) / (shape - _lastShape);
            _lastRules = rules;
            _lastShape = shape;
        }
        var now = _dynamics.Now;
        var start = sync.Start;
        long firstPacket = sync.FirstCreated is { } c ? (now - c).Picoseconds : 0;
        Syncs.Add(new ProxySyncSample(start.Picoseconds, now.Picoseconds, _mode, snapshot.Length, rules, sync.Changed, synced, firstPacket) { CpuPs = sync.Cpu.Picoseconds });
        _dynamics.Record("kube_proxy_sync", sync.Targets, string.Create(CultureInfo.InvariantCulture,
            $"{_mode} proxy synced on {synced} nodes ({sync.Reasons}): started {start} (minSyncPeriod {_timers.KubeProxyMinSyncPeriod}), took {now - start} for {snapshot.Length} Service ports, {rules} rules, {sync.Changed} changed")
            + (sync.Cpu > SimTime.Zero ? string.Create(CultureInfo.InvariantCulture, $"; {sync.Cpu} of CPU on a core of each node") : "")
            + (sync.Deleted > 0 ? $"; {sync.Deleted} UDP conntrack entries to removed endpoints deleted (TCP entries stay)" : ""));
        _running = false;
        if (_scheduled) ScheduleStart();
    }
}
