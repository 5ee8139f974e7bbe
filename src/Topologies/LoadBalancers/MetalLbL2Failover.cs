using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Topologies.Build;
using NetSim.Topologies.Dynamics;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.LoadBalancers;

/// <summary>
/// MetalLB's layer 2 failover during a run. The speakers watch each other with hashicorp/memberlist (SWIM): a node that
/// stops answering is probed and found silent within one probe interval, suspected, and declared dead when the
/// suspicion timeout runs out (memberlist scales it by log10 of the member count above ten members). The speakers'
/// NodeLeave event forces a sync: the election (<see cref="MetalLbL2Election"/>) runs again without the dead node, and
/// the next node in SHA-256 order answers for the address and sends a gratuitous ARP, which moves the address's route
/// to it. Until then traffic to the address goes to the silent node and is lost there. A node that comes back takes
/// its addresses back when its speaker is in the memberlist again: the speakers' join loop runs every rejoin period
/// from their start (the run's start here), so at the next tick after it is back.
/// </summary>
public sealed class MetalLbL2Failover
{
    private readonly ClusterDynamics _dynamics;
    private readonly BuiltCluster _cluster;
    private readonly ServiceWiring _services;
    private readonly MemberlistTimers _timers;
    private readonly List<(ServiceSpec Spec, Ipv4Address Ip)> _addresses = new();
    private readonly Dictionary<Ipv4Address, string?> _owner = new();
    private readonly HashSet<string> _dead = new(StringComparer.Ordinal);

    internal MetalLbL2Failover(ClusterDynamics dynamics, BuiltCluster cluster, ServiceWiring services, MemberlistTimers timers)
    {
        _dynamics = dynamics;
        _cluster = cluster;
        _services = services;
        _timers = timers;
        foreach (var spec in cluster.Context.Scenario.Services.Where(s => s.Type == ServiceSpec.LoadBalancer && s.LoadBalancerIngress.Count > 0))
        {
            var ip = spec.LoadBalancerIngress[0];
            _addresses.Add((spec, ip));
            _owner[ip] = Elect(spec, ip);
        }
    }

    /// <summary>MetalLB's layer 2 mode with at least one LoadBalancer address: only then is there anything to fail over.</summary>
    internal static bool Applies(BuiltCluster cluster) =>
        cluster.Context.Scenario.Cluster.LoadBalancer == ClusterSpec.LoadBalancerMetalLbL2
        && cluster.Context.Scenario.Services.Any(s => s.Type == ServiceSpec.LoadBalancer && s.LoadBalancerIngress.Count > 0);

    /// <summary>
    /// How long memberlist takes to declare a silent member dead among <paramref name="members"/> speakers: the failed
    /// probe (one probe interval: the direct ping times out, the indirect pings get no ack) and the suspicion timeout.
    /// </summary>
    public static SimTime DetectionTime(MemberlistTimers timers, int members)
    {
        double scale = Math.Max(1.0, Math.Log10(Math.Max(1, members)));
        return timers.ProbeInterval + SimTime.FromPicoseconds((long)Math.Round(timers.SuspicionTimeout.Picoseconds * scale));
    }

    /// <summary>
    /// The node went silent (<paramref name="stillOut"/>: the same outage is still on when the timers run out). Every
    /// member is declared dead, owner or not, so a later election does not pick a node memberlist knows is gone.
    /// </summary>
    internal void NodeCut(string node, Func<bool> stillOut)
    {
        var detect = DetectionTime(_timers, LoadBalancerProvisioner.EligibleNodes(_cluster).Count);
        _dynamics.After(detect, () =>
        {
            if (!stillOut()) return;
            _dead.Add(node);
            Reelect($"memberlist declared {node} dead ({detect}: a failed probe, then the suspicion timeout)", "metallb_failover");
        });
    }

    /// <summary>The node is back: its speaker rejoins at the next tick of the join loop.</summary>
    internal void NodeBack(string node, Func<bool> stillBack)
    {
        if (!_dead.Contains(node)) return;
        long period = Math.Max(1, _timers.RejoinPeriod.Picoseconds);
        long now = _dynamics.Now.Picoseconds;
        long tick = (now / period + 1) * period;
        _dynamics.After(SimTime.FromPicoseconds(tick - now), () =>
        {
            if (!stillBack()) return;
            _dead.Remove(node);
            Reelect($"{node}'s speaker rejoined the memberlist (join loop every {_timers.RejoinPeriod})", "metallb_failback");
        });
    }

    private void Reelect(string why, string kind)
    {
        foreach (var (spec, ip) in _addresses)
        {
            string? was = _owner[ip], now = Elect(spec, ip);
            if (now == was) continue;
            _owner[ip] = now;
            if (now is null)
            {
                _dynamics.Record(kind, ip.ToString(), $"{why}: no speaker left for {spec.Name}'s address, nobody answers ARP for it");
                continue;
            }
            ExternalGateway.RouteHost(_cluster, ip, _cluster.Node(now));
            _dynamics.Record(kind, ip.ToString(), $"{why}: {now} is elected for {spec.Name}'s address (SHA-256 order) and sends a gratuitous ARP; it moves from {was ?? "nobody"}");
        }
    }

    private string? Elect(ServiceSpec spec, Ipv4Address ip) =>
        MetalLbL2Election.Speaker(LoadBalancerProvisioner.Candidates(_cluster, _services, spec).Where(n => !_dead.Contains(n)), ip);
}

/// <summary>
/// memberlist's failure detector as MetalLB's speakers run it (DefaultLANConfig) and the speakers' join loop: profile delays.
/// </summary>
public sealed record MemberlistTimers(SimTime ProbeInterval, SimTime SuspicionTimeout, SimTime RejoinPeriod)
{
    public static readonly MemberlistTimers Zero = new(SimTime.Zero, SimTime.Zero, SimTime.Zero);
}
