using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// Plays a scenario's events on the running cluster at their times, and the control plane's response at its own
/// speed: a node whose NIC is silent (link down, power off) is marked NotReady by the node lifecycle controller after
/// node-monitor-grace-period, its pods' endpoints leave the Services, and each other node's proxy drops them at its
/// next sync (minSyncPeriod later); on Calico with BIRD, every peer's hold timer expires and the node's block routes
/// are withdrawn. The kernel keeps its IPv4 routes through a carrier loss (net.ipv4.conf.*.ignore_routes_with_linkdown
/// is 0 by default: routes are only flagged linkdown), so frames are lost at the NIC, not for want of a route.
/// Everything done is recorded in <see cref="Timeline"/>.
/// </summary>
public sealed class ClusterDynamics : IEventTarget
{
    private readonly BuiltCluster _cluster;
    private readonly ServiceWiring _services;
    private readonly ControlPlaneTimers _timers;
    private readonly HashSet<string> _linkDown = new(StringComparer.Ordinal);
    private readonly HashSet<string> _powerOff = new(StringComparer.Ordinal);
    // Nodes whose cable the fabric cut (their leaf's port shut, their leaf or the switch powered off).
    private readonly HashSet<string> _fabricCut = new(StringComparer.Ordinal);
    private readonly FabricDynamics _fabric;
    // Per node: which outage the pending detection steps belong to (a step of an outage that ended does nothing).
    private readonly Dictionary<string, int> _outage = new(StringComparer.Ordinal);
    private readonly HashSet<string> _notReady = new(StringComparer.Ordinal);
    private readonly HashSet<string> _withdrawn = new(StringComparer.Ordinal);
    // Per node whose BGP sessions failed: when its peers' hold timers (or BFD) dropped them.
    private readonly Dictionary<string, SimTime> _sessionsDown = new(StringComparer.Ordinal);
    private readonly DeploymentController _deployments;
    private readonly ServiceChurn _serviceChurn;
    // MetalLB layer 2: the speakers re-elect an address's owner when memberlist declares its node dead.
    private readonly LoadBalancers.MetalLbL2Failover? _metalLb;

    public ClusterDynamics(BuiltCluster cluster, ServiceWiring services, ControlPlaneTimers timers, TrafficWiring? traffic = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(timers);
        _cluster = cluster;
        _services = services;
        _timers = timers;
        Sync = new ProxySyncRunner(this, services, timers, Scenarios.CalicoEbpfKubeProxy.ServiceProxyMode(cluster.Context.Scenario));
        Policy = new PolicyAgents(this, cluster, timers);
        // Pods whose CNI ADD failed while the cluster came up: the run's first entries (events.csv, the summary).
        foreach (var f in cluster.SandboxFailures) Timeline.Add(new TimelineEntry(0, "cni_add_failed", f.Pod.Name, f.Describe()));
        var lifecycle = new PodLifecycle(this, cluster, services, traffic, timers.PodStart);
        _deployments = new DeploymentController(this, cluster, lifecycle);
        DaemonSetSandboxRetry.Start(cluster, lifecycle);
        _serviceChurn = new ServiceChurn(this, services);
        _fabric = new FabricDynamics(this, cluster, timers);
        if (LoadBalancers.MetalLbL2Failover.Applies(cluster)) _metalLb = new LoadBalancers.MetalLbL2Failover(this, cluster, services, timers.Memberlist);
        cluster.Network.Dhcp.Sink = Record;
    }

    public List<TimelineEntry> Timeline { get; } = new();

    /// <summary>Every proxy sync of the run, with its length and the Services it programmed.</summary>
    public IReadOnlyList<ProxySyncSample> ProxySyncs => Sync.Syncs;

    /// <summary>kube-proxy's sync loop (one for the cluster: every node's proxy sees the same changes at the same time).</summary>
    internal ProxySyncRunner Sync { get; }

    /// <summary>The NetworkPolicy agents (Felix, cilium-agent) programming policy and endpoint changes on every node.</summary>
    internal PolicyAgents Policy { get; }

    internal SimTime Now => new(_cluster.Context.Sim.NowPicoseconds);

    /// <summary>The node is off the network (link down or powered off): it hears nothing from the API server.</summary>
    internal bool IsCut(string node) => _linkDown.Contains(node) || _powerOff.Contains(node) || _fabricCut.Contains(node);

    /// <summary>The scheduler places nothing on a node that is cut off or NotReady.</summary>
    internal bool IsUnschedulable(string node) => IsCut(node) || _notReady.Contains(node);

    /// <summary>Puts every scenario event on the simulation's calendar (before the run starts).</summary>
    public void Schedule()
    {
        foreach (var e in _cluster.Context.Scenario.Events)
            _cluster.Context.Sim.ScheduleAt(e.At, this, EventKinds.ControlPlane, 0, e);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        switch (ev.Payload)
        {
            case ClusterEvent e: Apply(e); break;
            case ControlStep step: step.Run(); break;
        }
    }

    private void Apply(ClusterEvent e)
    {
        if (e.OnPods)
        {
            _deployments.Apply(e);
            return;
        }
        if (e.Kind is ClusterEvent.ServiceAdd or ClusterEvent.ServiceRemove)
        {
            _serviceChurn.Apply(e);
            return;
        }
        if (e.OnPolicy)
        {
            Policy.Apply(e);
            return;
        }
        if (e.Kind == ClusterEvent.BgpReset)
        {
            ResetSession(e);
            return;
        }
        if (e.OnDhcpServer)
        {
            SwitchDhcpServer(e);
            return;
        }
        if (e.Kind == ClusterEvent.CniCheck)
        {
            CheckAttachment(e.Target);
            return;
        }
        if (e.OnFabric)
        {
            _fabric.Apply(e);
            return;
        }
        var node = _cluster.Node(e.Target);
        var link = node.Nic?.Port?.Link ?? throw new InvalidOperationException($"{node.Name} has no NIC on a link");
        bool wasCut = IsCut(node.Name);
        switch (e.Kind)
        {
            case ClusterEvent.LinkDown:
                _linkDown.Add(node.Name);
                if (!wasCut) link.LoseCarrier(DropReason.LinkDown);
                Record(e.Kind, node.Name, "carrier lost on eth0: frames dropped (LinkDown); IPv4 routes kept, flagged linkdown (ignore_routes_with_linkdown=0)");
                break;
            case ClusterEvent.NodeDown:
                _powerOff.Add(node.Name);
                link.LoseCarrier(DropReason.NodeDown);
                Record(e.Kind, node.Name, $"powered off: NIC silent, {node.Pods.Count(p => !p.Placed.HostNetwork)} pods gone without FIN or RST");
                break;
            case ClusterEvent.LinkUp:
                _linkDown.Remove(node.Name);
                Record(e.Kind, node.Name, _powerOff.Contains(node.Name) ? "carrier back on eth0, but the node is powered off" : "carrier back on eth0: frames flow again");
                break;
            default:
                _powerOff.Remove(node.Name);
                Record(e.Kind, node.Name, _linkDown.Contains(node.Name) || _fabricCut.Contains(node.Name) ? "powered on, but eth0 has no carrier" : "powered on: NIC up");
                break;
        }
        bool isCut = IsCut(node.Name);
        if (isCut && !wasCut) StartOutage(node);
        else if (!isCut && wasCut)
        {
            link.RestoreCarrier();
            EndOutage(node);
        }
    }

    /// <summary>
    /// cni_check: the runtime's CNI CHECK of the pod's attachment (loopback, then the network's chain with the cached
    /// ADD result as prevResult). A pod whose ADD failed has no cached result: the spec's error 3.
    /// </summary>
    private void CheckAttachment(string pod)
    {
        var placed = _cluster.Pods.FirstOrDefault(p => p.Name == pod && !p.Placed.HostNetwork)?.Placed
            ?? _cluster.SandboxFailures.FirstOrDefault(f => f.Pod.Name == pod)?.Pod;
        if (placed is null)
        {
            Record(ClusterEvent.CniCheck, pod, "the pod does not exist now (deleted or not yet created): the runtime has nothing to CHECK");
            return;
        }
        var node = _cluster.Node(placed.Node);
        try
        {
            node.Runtime!.CheckPodSandbox(placed);
            Record(ClusterEvent.CniCheck, pod, $"CNI CHECK on {node.Name} passed: {NodeContainerRuntime.PodInterfaceName}'s addresses and routes are as the ADD result says");
        }
        catch (Cni.CniException ex)
        {
            Record(ClusterEvent.CniCheck, pod, $"CNI CHECK on {node.Name} failed with CNI error {ex.Code}: {ex.Msg}");
        }
    }

    /// <summary>dhcp_server_down / dhcp_server_up: the server process stops (port 67 closed, bindings kept) or starts again.</summary>
    private void SwitchDhcpServer(ClusterEvent e)
    {
        var server = _cluster.Network.Dhcp.Server!;
        if (e.Kind == ClusterEvent.DhcpServerDown) server.Stop();
        else server.Start();
        Record(e.Kind, DhcpServer.HostName, e.Kind == ClusterEvent.DhcpServerDown
            ? $"DHCP server {server.Address} stopped: port 67 closed, requests go unanswered (its bindings are kept)"
            : $"DHCP server {server.Address} started: answering on port 67 again");
    }

    /// <summary>
    /// The fabric cut (or mended) the node's cable: as a link_down (link_up) of its NIC, one cause among the node's own.
    /// The frames lost are counted under <paramref name="reason"/>.
    /// </summary>
    internal void SetFabricCut(BuiltNode node, bool cut, DropReason reason)
    {
        var link = node.Nic?.Port?.Link ?? throw new InvalidOperationException($"{node.Name} has no NIC on a link");
        bool wasCut = IsCut(node.Name);
        if (cut) _fabricCut.Add(node.Name);
        else _fabricCut.Remove(node.Name);
        bool isCut = IsCut(node.Name);
        if (isCut && !wasCut)
        {
            link.LoseCarrier(reason);
            StartOutage(node);
        }
        else if (!isCut && wasCut)
        {
            link.RestoreCarrier();
            EndOutage(node);
        }
    }

    /// <summary>The node stops posting its status and answering BGP keepalives: detection is scheduled at the timers.</summary>
    private void StartOutage(BuiltNode node)
    {
        int outage = _outage[node.Name] = _outage.GetValueOrDefault(node.Name) + 1;
        _metalLb?.NodeCut(node.Name, () => _outage[node.Name] == outage);
        After(_timers.NodeMonitorGracePeriod, new ControlStep(() =>
        {
            if (_outage[node.Name] != outage) return;
            _notReady.Add(node.Name);
            var lines = _services.MarkNodeNotReady(node.Name);
            Record("node_not_ready", node.Name, $"node lifecycle controller: no status for {_timers.NodeMonitorGracePeriod} (node-monitor-grace-period): NotReady, its pods not ready"
                + (lines.Count > 0 ? "; " + string.Join("; ", lines) : "; no Service endpoints on it"));
            if (lines.Count > 0) Sync.Request(node.Name, $"endpoints on {node.Name} no longer chosen", lines.Count);
        }));
        if (_cluster.Network is CalicoNetwork { RoutesOverBgp: true } calico)
        {
            // BFD, where configured, tears the sessions down long before the hold timer would (RFC 5882 §4.1).
            var detect = _timers.BfdDetectTime ?? _timers.BgpHoldTime;
            string how = _timers.BfdDetectTime is null ? $"BGP hold timer ({_timers.BgpHoldTime}) expired on its peers" : $"BFD on its peers detected it down ({detect})";
            var plan = calico.PlanWithdrawals(node, _cluster.Nodes, _withdrawn, detect, _timers.BgpUpdateDelay);
            // One step per instant: the peers that detect it themselves, then (route reflectors) their clients a hop later.
            foreach (var at in plan.Select(w => w.After).Distinct().Order())
            {
                var now = plan.Where(w => w.After == at).ToList();
                string who = at == detect ? how : $"withdrawals from a route reflector ({at - detect} after detection)";
                After(at, new ControlStep(() =>
                {
                    if (_outage[node.Name] != outage) return;
                    if (_withdrawn.Add(node.Name)) _sessionsDown[node.Name] = Now;
                    int routes = now.Sum(w => calico.Withdraw(node, w.On, w.Prefix));
                    Record("bgp_withdraw", node.Name, $"{who}: routes to {string.Join(", ", now.Select(w => w.Prefix).Distinct().Order())} withdrawn ({routes} routes on {now.Select(w => w.On).Distinct().Count()} nodes)");
                }));
            }
        }
    }

    /// <summary>
    /// bgp_reset: both ends drop the session at once and the routes it carried leave their kernels (a reflector passes the
    /// withdrawals on); after BIRD's connect delay it is up again and they return. Recorded once per instant.
    /// </summary>
    private void ResetSession(ClusterEvent e)
    {
        if (_cluster.Network is not CalicoNetwork { RoutesOverBgp: true } calico)
        {
            Record(e.Kind, e.Target, $"no BGP session to {e.Peer} on this datapath: nothing changes");
            return;
        }
        Record(e.Kind, e.Target, $"BGP session to {e.Peer} reset (NOTIFICATION Cease): both ends drop what it carried; BIRD connects again in {_timers.BgpConnectDelay}");
        var plan = calico.PlanSessionReset(_cluster.Node(e.Target), _cluster.Node(e.Peer), _cluster.Nodes, _withdrawn, _timers.BgpUpdateDelay, _timers.BgpConnectDelay);
        foreach (var at in plan.Select(c => c.After).Distinct().Order())
        {
            var now = plan.Where(c => c.After == at).ToList();
            After(at, new ControlStep(() =>
            {
                int gone = now.Where(c => !c.Relearned).Sum(calico.ApplySessionChange);
                int back = now.Where(c => c.Relearned).Sum(calico.ApplySessionChange);
                if (gone + back == 0) return;
                Record(back > 0 ? "bgp_relearn" : "bgp_withdraw", e.Target, back > 0
                    ? $"session {e.Target}-{e.Peer} established again: {back} routes re-learned"
                    : $"session {e.Target}-{e.Peer} reset: routes to {string.Join(", ", now.Select(c => c.Prefix).Distinct().Order())} withdrawn ({gone} routes on {now.Select(c => c.On).Distinct().Count()} nodes)");
            }));
        }
    }

    /// <summary>
    /// BIRD re-learns a node that is back (its sessions failed at the hold timer or BFD): each peer restarted the session
    /// after its error wait and, after its connect delay, tries to connect every connect retry time; the first attempt
    /// after the node is back succeeds (OPEN, KEEPALIVE), and its blocks reach its peers one UPDATE hop later (with route
    /// reflectors, a client's blocks reach the other clients one hop after the reflectors). Until then its pods are unreachable.
    /// </summary>
    private void Relearn(BuiltNode node, CalicoNetwork calico, int outage)
    {
        var firstAttempt = _sessionsDown[node.Name] + _timers.BgpErrorWait + _timers.BgpConnectDelay;
        var up = firstAttempt;
        if (Now > up)
        {
            long retry = Math.Max(1, _timers.BgpConnectRetry.Picoseconds);
            up += SimTime.FromPicoseconds(((Now - firstAttempt).Picoseconds + retry - 1) / retry * retry);
        }
        Record("bgp_reconnect", node.Name, $"sessions down since {_sessionsDown[node.Name]}: BIRD restarts them after its error wait ({_timers.BgpErrorWait}) and connect delay ({_timers.BgpConnectDelay}), then tries every {_timers.BgpConnectRetry} (connect retry); established at {up}");
        foreach (int hops in new[] { 1, 2 })
        {
            After(up - Now + _timers.BgpUpdateDelay * hops, new ControlStep(() =>
            {
                if (_outage[node.Name] != outage) return;
                int back = calico.RestoreBlocksOf(node, on => hops == 2 || calico.HaveSession(node, on));
                if (hops == 2) _withdrawn.Remove(node.Name);
                if (back > 0) Record("bgp_restore", node.Name, $"sessions established, UPDATE {(hops == 1 ? "from it" : "passed on by a route reflector")}: {back} routes to its blocks re-installed");
            }));
        }
    }

    /// <summary>The node is back: its status posts make it Ready again and its BGP sessions re-establish.</summary>
    private void EndOutage(BuiltNode node)
    {
        int outage = ++_outage[node.Name];
        _metalLb?.NodeBack(node.Name, () => _outage[node.Name] == outage);
        if (_withdrawn.Contains(node.Name) && _cluster.Network is CalicoNetwork calico) Relearn(node, calico, outage);
        if (!_notReady.Remove(node.Name)) return;
        var lines = _services.MarkNodeReady(node.Name);
        Record("node_ready", node.Name, "status posted again: Ready" + (lines.Count > 0 ? "; " + string.Join("; ", lines) : ""));
        if (lines.Count > 0) Sync.Request(node.Name, $"endpoints on {node.Name} chosen again", lines.Count);
    }

    private void After(SimTime delay, ControlStep step) => _cluster.Context.Sim.Schedule(delay, this, EventKinds.ControlPlane, 0, step);

    /// <summary>Runs <paramref name="run"/> <paramref name="delay"/> from now on the simulation's calendar.</summary>
    internal void After(SimTime delay, Action run) => After(delay, new ControlStep(run));

    internal void Record(string kind, string target, string what) =>
        Timeline.Add(new TimelineEntry(_cluster.Context.Sim.NowPicoseconds, kind, target, what));

    /// <summary>A control-plane action due later (allocated per action: control plane, not the per-packet path).</summary>
    private sealed class ControlStep(Action run)
    {
        public void Run() => run();
    }
}
