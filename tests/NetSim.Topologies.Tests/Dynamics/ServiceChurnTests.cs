using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// Services created while traffic flows: kube-proxy batches them into syncs no closer than minSyncPeriod, each new
/// Service is proxied only when the sync that carries it ends, and a sync's length grows with the rules its mode
/// rewrites (the whole table for iptables; one transaction sized by the table for nftables; per change for IPVS and eBPF).
/// </summary>
public class ServiceChurnTests
{
    private const long Ms = 1_000_000_000;

    private static RunResult Run(string evt, params string[] sets) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(WebBehindService.Yaml + $"events:\n  - {evt}\ncontrol_plane: {{ kube_proxy_min_sync_period: 20ms }}\n", "s.yaml", sets),
            PodChurnTests.Profile(), null, RunOptions.Default);

    [Fact]
    public void Services_added_at_a_rate_are_batched_into_syncs_minSyncPeriod_apart()
    {
        var r = Run("{ at: 10ms, kind: service_add, service: web, count: 300, rate: 10000 }");
        Assert.True(r.Holds, r.Conservation.ToString());
        var syncs = r.ProxySyncs;
        Assert.Equal(20 * Ms, syncs[0].StartPs); // minSyncPeriod after kube-proxy's sync at start
        for (int i = 1; i < syncs.Count; i++)
        {
            Assert.True(syncs[i].StartPs >= syncs[i - 1].StartPs + 20 * Ms, $"sync {i} at {syncs[i].StartPs}");
            Assert.True(syncs[i].StartPs >= syncs[i - 1].EndPs);
        }
        // 300 Services over 30 ms in syncs at least 20 ms apart: a handful of syncs, not 300.
        Assert.InRange(syncs.Count, 2, 4);
        Assert.Equal(301, syncs[^1].ServicePorts);
        Assert.Equal(300, syncs.Sum(s => s.ChangedPorts));
        // A new Service's first packet waits at least for the sync that carries it; later syncs rewrite more rules and take longer.
        Assert.All(syncs, s => Assert.True(s.FirstPacketPs >= s.EndPs - s.StartPs));
        Assert.True(syncs[^1].EndPs - syncs[^1].StartPs > syncs[0].EndPs - syncs[0].StartPs);
        Assert.True(syncs[^1].Rules > 5 * 300);
    }

    [Fact]
    public void Each_mode_pays_for_a_thousand_new_services_by_its_own_mechanism()
    {
        long Length(string mode)
        {
            var r = Run("{ at: 30ms, kind: service_add, service: web, count: 1000 }", $"kube_proxy.mode={mode}", "duration=1200ms");
            Assert.True(r.Holds, r.Conservation.ToString());
            var s = r.ProxySyncs.Single();
            Assert.Equal(1001, s.ServicePorts);
            Assert.Equal(s.EndPs - s.StartPs, s.FirstPacketPs);
            // The sync's CPU runs on a core of each node, stretched where the datapath keeps that core busy.
            Assert.InRange(s.EndPs - s.StartPs, s.CpuPs, s.CpuPs * 3 / 2);
            return s.CpuPs;
        }
        long iptables = Length("iptables"), nftables = Length("nftables"), ipvs = Length("ipvs");
        // The profile's costs: iptables-restore of ~8,000 rules (8 per two-endpoint port: ~250 ms, measured), one nft
        // transaction over a table that size (~40 ms, measured), 1,000 IPVS virtual servers at 0.85 ms each (850 ms,
        // published: kube-proxy runs the ipset command once per new Service's entry, a process start each).
        Assert.True(iptables > nftables, $"iptables {iptables} nftables {nftables}");
        Assert.InRange(iptables, 150 * Ms, 350 * Ms);
        Assert.InRange(nftables, 20 * Ms, 80 * Ms);
        Assert.Equal(850 * Ms, ipvs);
    }

    [Fact]
    public void A_removed_service_leaves_the_rules_at_the_next_sync()
    {
        var r = Run("{ at: 30ms, kind: service_remove, service: web }");
        Assert.True(r.Holds, r.Conservation.ToString());
        var sync = r.ProxySyncs.Single();
        Assert.Equal(0, sync.ServicePorts);
        // Connections opened before the sync's end are proxied as before; afterwards the ClusterIP is no longer
        // DNATed and nothing answers it.
        var flows = r.Groups.Single().Flows;
        Assert.Contains(flows, f => f.StartPs > sync.EndPs + Ms && f.Unanswered);
        Assert.DoesNotContain(flows, f => f.StartPs < 30 * Ms && f.Unanswered);
    }
}
